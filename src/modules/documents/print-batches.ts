import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { inTransaction, lockResource, toNumber, type Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { getInvoice } from '../invoices/index.ts';
import { documentTemplateContent } from './template-store.ts';
import type { DocumentKind } from './document-template.ts';
import { drawInvoice, type InvoiceDocumentInput } from './invoice-layout.ts';
import type { LayoutContext } from './layout-common.ts';
import { loadOrganization } from './organization.ts';
import { CONTENT_WIDTH, GREY, PAGE, PdfWriter, type Column } from './pdf-writer.ts';
import { layoutContext, loadInvoiceInput } from './render-invoice.ts';
import type { ChangedBy } from './template-store.ts';

/**
 * Print batches (seed 004 §3.1.3: invoices for payers who want paper): every `waiting_print`
 * sending is gathered into ONE PDF under the data directory, cover sheet first — the list of what
 * it holds, with each document's pages — then each invoice or credit note, its pages counted on
 * their own. The sendings become `printed`; an invoice waiting twice is printed once.
 */

export interface PrintDeps {
  db: Database;
  clock: Clock;
  config: { dataDir: string };
}

export interface PrintBatchItem {
  invoiceId: string;
  kind: string;
  number: number | null;
  payerName: string;
  /** The address lines as printed. */
  address: string[];
  /** First and last page of the document in the file (1-based; the cover sheet comes first). */
  firstPage: number | null;
  lastPage: number | null;
}

export interface PrintBatch {
  id: string;
  /** Under the data directory. */
  file: string;
  documentCount: number;
  /** Pages of the documents, the cover sheet not counted. */
  pageCount: number;
  createdBy: string;
  createdAt: string;
}

export interface PrintBatchDetail extends PrintBatch {
  items: PrintBatchItem[];
}

export interface WaitingPrint {
  deliveryId: string;
  invoiceId: string;
  kind: string;
  number: number | null;
  payerName: string;
  sending: number;
  queuedAt: string;
}

export const PRINT_DIR = 'print-batches';
// Rows are kept to two lines at most (long names and addresses are cut), so 30 always fit a page.
const COVER_ROWS_PER_PAGE = 30;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Sendings waiting for the next print batch, oldest first. */
export const listWaitingPrint = async (db: Kysely<DB>, limit = 500): Promise<{ items: WaitingPrint[]; total: number }> => {
  const base = db.selectFrom('invoice_delivery as d').where('d.channel', '=', 'print').where('d.status', '=', 'waiting_print');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('invoice as i', 'i.id', 'd.invoice_id')
      .select(['d.id', 'd.invoice_id', 'd.sending', 'd.created_at', 'i.kind', 'i.number', 'i.payer_name'])
      .orderBy('d.created_at')
      .orderBy('d.id')
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ deliveryId: r.id, invoiceId: r.invoice_id, kind: r.kind, number: r.number === null ? null : toNumber(r.number), payerName: r.payer_name ?? '', sending: toNumber(r.sending), queuedAt: r.created_at })),
    total: toNumber(count.n),
  };
};

const manifestPath = (dataDir: string, file: string) => path.join(dataDir, file.replace(/\.pdf$/, '.json'));

const drawCover = (w: PdfWriter, c: LayoutContext, batchId: string, createdAt: string, items: PrintBatchItem[], pages: number, coverPages: number) => {
  const { labels, fmt, template } = c;
  const columns: Column[] = [
    { label: '#', width: 28 },
    { label: labels.document, width: 110 },
    { label: labels.payer, width: 130 },
    { label: labels.address, width: CONTENT_WIDTH - 28 - 110 - 130 - 60 },
    { label: labels.pages, width: 60, align: 'right' },
  ];
  for (let p = 0; p < coverPages; p++) {
    w.doc.switchToPage(p);
    w.y = PAGE.top;
    w.font('bold', 16, template.accentColor);
    w.y += w.text(`${labels.printBatch} ${fmt.date(createdAt.slice(0, 10))} ${createdAt.slice(11, 16)} UTC`, PAGE.left, w.y, CONTENT_WIDTH) + 4;
    w.font('regular', 8.5, GREY);
    w.y += w.text(`${batchId} · ${labels.printBatchContents(items.length, pages)} · ${p + 1}/${coverPages}`, PAGE.left, w.y, CONTENT_WIDTH) + 10;
    w.tableHeading(columns, template.accentColor);
    items.slice(p * COVER_ROWS_PER_PAGE, (p + 1) * COVER_ROWS_PER_PAGE).forEach((it, k) => {
      w.tableRow(
        columns,
        [
          { text: String(p * COVER_ROWS_PER_PAGE + k + 1) },
          { text: `${labels[it.kind as DocumentKind] ?? it.kind} ${it.number ?? ''}` },
          { text: cut(it.payerName, 48) },
          { text: cut(it.address.join(', '), 70) },
          { text: it.firstPage === it.lastPage ? String(it.firstPage) : `${it.firstPage}–${it.lastPage}` },
        ],
        { accent: template.accentColor, size: 7.5 },
      );
    });
  }
};

/**
 * Gathers up to `limit` invoices waiting for print (oldest first) into one PDF file and marks their
 * sendings printed, in one transaction. Refused when nothing waits. Audited.
 */
export const createPrintBatch = async (deps: PrintDeps, by: ChangedBy, opts: { limit?: number } = {}): Promise<PrintBatchDetail> => {
  const limit = opts.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw validation('A print batch holds 1 to 5,000 documents.', { field: 'limit' });
  const org = await loadOrganization(deps.db);
  const templates = new Map<string, LayoutContext>();
  const contextFor = async (tx: Kysely<DB>, kind: DocumentKind) => {
    let c = templates.get(kind);
    if (!c) {
      c = layoutContext(org, await documentTemplateContent(tx, kind, org.language));
      templates.set(kind, c);
    }
    return c;
  };
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, 'print-batch');
    const waiting = await tx
      .selectFrom('invoice_delivery')
      .select(['id', 'invoice_id'])
      .where('channel', '=', 'print')
      .where('status', '=', 'waiting_print')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    if (!waiting.length) throw validation('Nothing is waiting to be printed. Invoices for payers who want paper wait here after they are sent.');
    const invoiceIds: string[] = [];
    const deliveryIds: string[] = [];
    for (const r of waiting) {
      if (!invoiceIds.includes(r.invoice_id)) {
        if (invoiceIds.length >= limit) continue;
        invoiceIds.push(r.invoice_id);
      }
      deliveryIds.push(r.id);
    }

    const id = newId(deps.clock.now().getTime());
    const createdAt = deps.clock.now().toISOString();
    const inputs: InvoiceDocumentInput[] = [];
    for (const invoiceId of invoiceIds) inputs.push(await loadInvoiceInput(tx, await getInvoice(tx, invoiceId)));
    const coverPages = Math.max(1, Math.ceil(inputs.length / COVER_ROWS_PER_PAGE));
    const cover = await contextFor(tx, 'invoice');
    const w = new PdfWriter({ title: `${cover.labels.printBatch} ${id}`, author: org.name, createdAt: deps.clock.now() });
    for (let p = 0; p < coverPages; p++) w.doc.addPage();
    const items: PrintBatchItem[] = [];
    let page = coverPages;
    for (const input of inputs) {
      const c = await contextFor(tx, input.invoice.kind);
      drawInvoice(w, c, input);
      const total = w.doc.bufferedPageRange().count;
      items.push({
        invoiceId: input.invoice.id,
        kind: input.invoice.kind,
        number: input.invoice.number,
        payerName: input.invoice.payerName,
        address: input.invoice.payerAddress,
        firstPage: page + 1,
        lastPage: total,
      });
      page = total;
    }
    const documentPages = page - coverPages;
    drawCover(w, cover, id, createdAt, items, documentPages, coverPages);
    w.doc.switchToPage(w.doc.bufferedPageRange().count - 1);
    const pdf = await w.finish();

    const file = `${PRINT_DIR}/${id}.pdf`;
    const full = path.join(deps.config.dataDir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(`${full}.tmp`, pdf.bytes);
    fs.renameSync(`${full}.tmp`, full);
    fs.writeFileSync(manifestPath(deps.config.dataDir, file), JSON.stringify({ id, createdAt, items }, null, 1));

    const createdBy = by.actor.name ?? by.actor.type;
    await tx.insertInto('print_batch').values({ id, file, document_count: items.length, page_count: documentPages, created_by: createdBy, created_at: createdAt }).execute();
    for (let i = 0; i < deliveryIds.length; i += 1000) {
      await tx
        .updateTable('invoice_delivery')
        .set({ status: 'printed', print_batch_id: id, updated_at: createdAt })
        .where('id', 'in', deliveryIds.slice(i, i + 1000))
        .execute();
    }
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'print_batch',
      entityId: id,
      action: 'create',
      after: { file, documents: items.length, pages: documentPages, numbers: items.map((it) => it.number) },
      requestId: by.requestId,
    });
    return { id, file, documentCount: items.length, pageCount: documentPages, createdBy, createdAt, items };
  });
};

const toBatch = (r: DB['print_batch']): PrintBatch => ({
  id: r.id,
  file: r.file,
  documentCount: toNumber(r.document_count),
  pageCount: toNumber(r.page_count),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export const listPrintBatches = async (db: Kysely<DB>, page: { page: number; pageSize: number }): Promise<{ items: PrintBatch[]; page: number; pageSize: number; total: number }> => {
  const [rows, count] = await Promise.all([
    db.selectFrom('print_batch').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.pageSize).offset((page.page - 1) * page.pageSize).execute(),
    db.selectFrom('print_batch').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toBatch), page: page.page, pageSize: page.pageSize, total: toNumber(count.n) };
};

/** One batch with the list of what it holds (pages from the manifest written beside the file). */
export const getPrintBatch = async (deps: { db: Kysely<DB>; config: { dataDir: string } }, id: string): Promise<PrintBatchDetail> => {
  const row = await deps.db.selectFrom('print_batch').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The print batch');
  let pages = new Map<string, { firstPage: number; lastPage: number }>();
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestPath(deps.config.dataDir, row.file), 'utf8')) as { items: PrintBatchItem[] };
    pages = new Map(manifest.items.map((it) => [it.invoiceId, { firstPage: it.firstPage ?? 0, lastPage: it.lastPage ?? 0 }]));
  } catch {
    // The manifest is a convenience; the list below comes from the database.
  }
  const rows = await deps.db
    .selectFrom('invoice_delivery as d')
    .innerJoin('invoice as i', 'i.id', 'd.invoice_id')
    .select(['i.id', 'i.kind', 'i.number', 'i.payer_name', 'i.payer_address'])
    .where('d.print_batch_id', '=', id)
    .distinct()
    .execute();
  const items = rows
    .map((r) => ({
      invoiceId: r.id,
      kind: r.kind,
      number: r.number === null ? null : toNumber(r.number),
      payerName: r.payer_name ?? '',
      address: r.payer_address ? (JSON.parse(r.payer_address) as string[]) : [],
      firstPage: pages.get(r.id)?.firstPage ?? null,
      lastPage: pages.get(r.id)?.lastPage ?? null,
    }))
    .sort((a, b) => (a.firstPage ?? 0) - (b.firstPage ?? 0) || (a.number ?? 0) - (b.number ?? 0));
  return { ...toBatch(row), items };
};

/** The absolute path of a batch's PDF; 404 when the batch or its file is gone. */
export const printBatchFile = async (deps: { db: Kysely<DB>; config: { dataDir: string } }, id: string): Promise<{ path: string; filename: string; size: number }> => {
  const row = await deps.db.selectFrom('print_batch').select(['file', 'created_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The print batch');
  const full = path.join(deps.config.dataDir, row.file);
  if (!fs.existsSync(full)) throw notFound(`The file of print batch ${id} (${row.file} in the data directory)`);
  return { path: full, filename: `print-batch-${row.created_at.slice(0, 10)}-${id}.pdf`, size: fs.statSync(full).size };
};
