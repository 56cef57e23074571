/**
 * Invoice PDFs in bulk: how many invoices one core renders per second, end to end (read the invoice,
 * lay it out, embed the font subset, write the PDF) and layout only (the invoice already in memory),
 * and a print batch (many invoices in one file). Node runs JavaScript on one core per process, so
 * per-process throughput is the per-core figure; a server with N cores and N workers scales about
 * linearly because rendering shares nothing. "Per core" is measured honestly as documents per CPU
 * second of this process (user + system time from process.cpuUsage), not wall time divided by
 * os.availableParallelism(): other load on the machine does not lower it, and the database server's
 * own CPU (PostgreSQL) is not counted. The wall-clock rate of the one process is reported beside it.
 *
 * `npm run bench -- --only pdf` runs it (`--pdfs N` invoices, at most the size).
 */
import { inTransaction } from '../src/db/database.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { systemActor } from '../src/modules/audit/index.ts';
import { createContact } from '../src/modules/contacts/index.ts';
import { getInvoice, issueNewInvoices, type NewLine } from '../src/modules/invoices/index.ts';
import { createPrintBatch, loadOrganization, renderInvoicePdf } from '../src/modules/documents/index.ts';
import { updateSetting } from '../src/modules/settings/index.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prng, time, type BenchDatabase, type BenchRow } from './lib.ts';

const FIRST = ['Åse', 'Zoë', 'Ærlig', 'Øystein', 'Kari', 'Ola', 'Björn', 'Łucja'];
const LAST = ['Ødegård', 'Łukasiewicz', 'Ørn', 'Nordmann', 'Æsøy', 'Berg', 'Dahl', 'Strøm'];

export const benchPdf = async (bdb: BenchDatabase, size: number, opts: { count?: number } = {}): Promise<BenchRow[]> => {
  const { db } = bdb;
  const database = bdb.version;
  const count = Math.max(1, Math.min(size, opts.count ?? 2000));
  const deps = { db, clock: systemClock() };
  const rnd = prng(42);
  for (const [k, v] of [
    ['organization.name', 'Oslo Makerspace'],
    ['organization.address', 'Storgata 1\n0155 Oslo'],
    ['organization.org_number', '912 345 678'],
    ['organization.bank_account', '1234.56.78903'],
  ] as const) {
    await updateSetting(deps, systemActor, k, v);
  }
  const payers: string[] = [];
  for (let i = 0; i < Math.min(count, 200); i++) {
    const c = await createContact(deps, { actor: systemActor }, {
      kind: 'person',
      firstNames: FIRST[i % FIRST.length]!,
      lastName: `${LAST[(i * 7) % LAST.length]!}-${i}`,
      addressLines: [`Kirkeveien ${i} B`],
      postcode: '0368',
      place: 'Oslo',
      invoiceDelivery: 'print',
    });
    payers.push(c.id);
  }
  const line = (k: number): NewLine => {
    const quantity = String(rnd.int(1, 3));
    const unit = BigInt(rnd.int(5000, 105_000));
    return {
      chargeKey: null,
      source: 'manual',
      subscriptionId: null,
      itemType: null,
      itemId: null,
      description: ['Ordinary membership – Ærlig Ørn', 'Locker rental', 'Laser cutter time (€ course)', 'Web hosting', 'Domain renewal'][k % 5]!,
      quantity,
      unitPriceMinor: unit,
      netMinor: unit * BigInt(quantity),
      vatRate: k % 2 ? '25' : '0',
      periodStart: '2026-01-01',
      periodEnd: '2026-04-01',
      glAccount: '30000-0000',
    };
  };
  const issued = await inTransaction(db, (tx) =>
    issueNewInvoices(tx, deps, {
      origin: 'manual',
      billingRunId: null,
      issueDate: '2026-01-15',
      createdBy: 'bench',
      invoices: Array.from({ length: count }, (_, i) => ({ payerId: payers[i % payers.length]!, currency: 'NOK', lines: Array.from({ length: 1 + (i % 4) }, (_, k) => line(k)) })),
    }),
  );
  console.error(`  ${count.toLocaleString('en')} invoices with 1–4 lines`);

  const org = await loadOrganization(db);
  // Warm up (fonts parsed, code compiled) before timing.
  for (const inv of issued.slice(0, 20)) await renderInvoicePdf(deps, inv.id, { org });

  // Per core = documents per second of this process's own CPU time (user + system), so other work
  // on the machine does not count against it; wall-clock rates are reported beside it.
  const cpuSeconds = async (fn: () => Promise<void>) => {
    const before = process.cpuUsage();
    const t = await time(fn);
    const used = process.cpuUsage(before);
    return { wall: t.ms / 1000, cpu: (used.user + used.system) / 1e6 };
  };
  let bytes = 0;
  const endToEnd = await cpuSeconds(async () => {
    for (const inv of issued) bytes += (await renderInvoicePdf(deps, inv.id, { org })).bytes.length;
  });
  const loaded = await Promise.all(issued.slice(0, Math.min(issued.length, 500)).map((i) => getInvoice(db, i.id)));
  const layoutOnly = await cpuSeconds(async () => {
    for (const inv of loaded) await renderInvoicePdf(deps, inv, { org });
  });

  // A print batch: every invoice queued for print, then one file.
  const now = new Date().toISOString();
  const batchCount = Math.min(count, 1000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-bench-pdf-'));
  try {
    await db
      .insertInto('invoice_delivery')
      .values(issued.slice(0, batchCount).map((inv, k) => ({ id: `bench-${k}`, invoice_id: inv.id, sending: 1, channel: 'print', recipient: null, status: 'waiting_print', mail_message_id: null, print_batch_id: null, error: null, created_by: 'bench', created_at: now, updated_at: now })))
      .execute();
    let made = { documentCount: 0, pageCount: 0 };
    const batch = await cpuSeconds(async () => {
      made = await createPrintBatch({ ...deps, config: { dataDir } }, { actor: systemActor }, { limit: batchCount });
    });
    const cpuNote = bdb.kind === 'postgres' ? ' (PostgreSQL’s own CPU not counted)' : '';
    const rows: BenchRow[] = [
      { benchmark: 'invoice PDFs', database, size: count, figure: 'PDFs per second per core', value: count / endToEnd.cpu, unit: 'PDF/s', note: `read from the database, laid out, font subset embedded, written; PDFs per CPU second of this process (user + system), not wall time ÷ cores${cpuNote}` },
      { benchmark: 'invoice PDFs', database, size: count, figure: 'PDFs per second (wall)', value: count / endToEnd.wall, unit: 'PDF/s', note: `one process, elapsed time (os.availableParallelism() = ${os.availableParallelism()})` },
      { benchmark: 'invoice PDFs', database, size: loaded.length, figure: 'layout only, per core', value: loaded.length / layoutOnly.cpu, unit: 'PDF/s', note: 'the invoice already in memory' },
      { benchmark: 'invoice PDFs', database, size: count, figure: 'average size', value: bytes / count / 1024, unit: 'KiB' },
      { benchmark: 'print batch', database, size: made.documentCount, figure: 'documents per second per core', value: made.documentCount / batch.cpu, unit: 'doc/s', note: `${made.pageCount} pages in one file` },
    ];
    return rows;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
};

// `node bench/pdf.ts [count] [sqlite|postgres]` runs it on its own.
if (import.meta.main) {
  const { openBenchDatabase } = await import('./lib.ts');
  const count = Number(process.argv[2] ?? 1000);
  const kind = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'postgres';
  const bdb = await openBenchDatabase(kind, process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  try {
    for (const r of await benchPdf(bdb, count, { count })) console.log(`${r.benchmark.padEnd(14)} ${r.figure.padEnd(26)} ${r.value.toFixed(1).padStart(9)} ${r.unit}  ${r.note ?? ''}`);
  } finally {
    await bdb.close();
  }
}
