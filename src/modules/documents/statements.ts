import type { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import yazl from 'yazl';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import type { DocumentTemplateContent } from './document-template.ts';
import { loadOrganization, type OrganizationProfile } from './organization.ts';
import { PdfWriter } from './pdf-writer.ts';
import { layoutContext, type RenderedPdf } from './render-invoice.ts';
import { drawStatement } from './statement-layout.ts';
import { loadStatement, type Statement } from './statement.ts';
import { documentTemplateContent } from './template-store.ts';
import { openAmountOf } from '../invoices/open-amount.ts';

type Db = Kysely<DB>;

export interface StatementDeps {
  db: Db;
  clock: Clock;
}

/** The statement date: `asOf` when given (checked), else today in the organization time zone. */
export const statementDate = (deps: StatementDeps, org: OrganizationProfile, asOf?: string): string => {
  if (asOf === undefined) return deps.clock.today(org.timeZone).toString();
  if (!isIsoDate(asOf)) throw validation(`Write the statement date as YYYY-MM-DD, like 2026-01-31; got "${asOf}".`, { field: 'asOf' });
  return asOf;
};

/** A contact's statement as data (the screen shows it; the PDF draws it). */
export const getStatement = async (deps: StatementDeps, contactId: string, opts: { asOf?: string } = {}): Promise<Statement> => {
  const org = await loadOrganization(deps.db);
  return loadStatement(deps.db, contactId, statementDate(deps, org, opts.asOf), org.currency);
};

export const statementFilename = (c: { labels: { files: { statement: string } } }, s: Statement): string =>
  `${c.labels.files.statement}-${s.contact.memberNumber ?? s.contact.id}-${s.asOf}.pdf`;

/** Renders a statement; `template` previews an unsaved template. */
export const renderStatementPdf = async (
  deps: StatementDeps,
  contactIdOrStatement: string | Statement,
  opts: { asOf?: string; template?: DocumentTemplateContent; org?: OrganizationProfile } = {},
): Promise<RenderedPdf & { statement: Statement }> => {
  const org = opts.org ?? (await loadOrganization(deps.db));
  const statement = typeof contactIdOrStatement === 'string' ? await loadStatement(deps.db, contactIdOrStatement, statementDate(deps, org, opts.asOf), org.currency) : contactIdOrStatement;
  const c = layoutContext(org, opts.template ?? (await documentTemplateContent(deps.db, 'statement', org.language)));
  const w = new PdfWriter({ title: `${c.labels.statement} ${statement.contact.name}`, author: org.name, createdAt: deps.clock.now() });
  drawStatement(w, c, statement);
  return { ...(await w.finish()), filename: statementFilename(c, statement), statement };
};

export interface StatementSelection {
  /** Exactly these contacts; otherwise every active contact that has been invoiced or has paid. */
  contactIds?: string[];
  /** Only contacts who owe something (balance > 0). */
  onlyWithBalance?: boolean;
}

/**
 * The contacts a mass statement run takes (seed 002 "Statement, all"): active (not erased) contacts
 * that are the payer of an issued invoice or credit note, or that have a payment — in member-number
 * order. A contact with nothing on its account gets no statement.
 */
export const statementContacts = async (db: Db, sel: StatementSelection): Promise<string[]> => {
  if (sel.contactIds && sel.contactIds.length > 50_000) throw validation('Give at most 50,000 contacts; leave the list out for everyone.', { field: 'contactIds' });
  let q = db
    .selectFrom('contact')
    .select('contact.id')
    .where('contact.status', '=', 'active')
    .where('contact.erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('invoice').select('invoice.id').whereRef('invoice.payer_id', '=', 'contact.id').where('invoice.status', 'in', ['issued', 'paid'])),
        eb.exists(eb.selectFrom('payment').select('payment.id').whereRef('payment.contact_id', '=', 'contact.id')),
      ]),
    );
  if (sel.contactIds) {
    if (!sel.contactIds.length) return [];
    q = q.where('contact.id', 'in', sel.contactIds);
  }
  if (sel.onlyWithBalance) {
    // Something still open on an invoice is what makes a balance due (customer credit aside).
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('invoice as i')
          .select('i.id')
          .whereRef('i.payer_id', '=', 'contact.id')
          .where('i.kind', '=', 'invoice')
          .where('i.status', '=', 'issued')
          .where(sql<boolean>`${openAmountOf('i')} > 0`),
      ),
    );
  }
  const rows = await q.orderBy('contact.member_number').orderBy('contact.id').execute();
  return rows.map((r) => r.id);
};

/**
 * Writes a zip of statement PDFs (one per contact) to `out`, rendering them one at a time so memory
 * stays flat however many there are. Resolves with how many it wrote.
 */
export const writeStatementsZip = async (deps: StatementDeps, sel: StatementSelection & { asOf?: string }, out: Writable): Promise<number> => {
  const org = await loadOrganization(deps.db);
  const asOf = statementDate(deps, org, sel.asOf);
  const ids = await statementContacts(deps.db, sel);
  const template = await documentTemplateContent(deps.db, 'statement', org.language);
  const zip = new yazl.ZipFile();
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(out);
  const mtime = deps.clock.now();
  let n = 0;
  for (const id of ids) {
    const s = await loadStatement(deps.db, id, asOf, org.currency);
    if (sel.onlyWithBalance && s.balance.minor <= 0n) continue;
    const pdf = await renderStatementPdf(deps, s, { template, org });
    zip.addBuffer(pdf.bytes, pdf.filename, { mtime, compress: false });
    n++;
  }
  zip.end();
  await finished;
  return n;
};
