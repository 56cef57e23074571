import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import { insertRows, updateRows } from '../../db/bulk.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { mirrorLines, signedLines, type NewEntry, type NewEntryLine } from './ledger.ts';
import { inList, toLineContent } from './ledger-db.ts';
import { orgToday } from '../settings/index.ts';
import { postEntries, postEntry } from './post-entries.ts';
import { loadRoles, type LedgerRoles } from './roles.ts';

type Db = Kysely<DB>;

/**
 * Posting invoices and credit notes (the holding step, seed 004 §3.1.4). Issuing puts every
 * invoice and credit note in `ledger_holding` in the same transaction; with the setting
 * ledger.invoice_posting = immediate (the default) they are posted at once, in bulk, and the rows
 * are written already imported; with 'held' they wait for `importHeld`. The billing run calls this
 * for each batch through the invoices module's writer: a few statements per batch, never one per
 * invoice.
 */

/** What posting an invoice needs (the billing run has it in memory; drafts are read back). */
export interface LedgerInvoice {
  id: string;
  kind: 'invoice' | 'credit_note' | string;
  number: number | null;
  payerId: string;
  /** YYYY-MM-DD: the entry's date. */
  issueDate: string;
  creditsInvoiceId: string | null;
  lines: readonly { glAccount: string; netMinor: bigint; vatMinor: bigint }[];
}

export const invoiceSourceKey = (invoiceId: string) => `invoice:${invoiceId}`;
export const voidSourceKey = (invoiceId: string) => `void:${invoiceId}`;

/**
 * The entry for an issued invoice: A/R (payer, invoice) debit of the total ↔ each line's account
 * credit of its net and the VAT account credit of the VAT. Negative lines (discounts) and credit
 * notes (negative totals) land on the other side; amounts per account are added together. A
 * credit note's A/R line names the invoice it credits. Null when the invoice moves nothing.
 */
export const invoiceEntry = (inv: LedgerInvoice, roles: Pick<LedgerRoles, 'ar' | 'vat'>): NewEntry | null => {
  const credit = inv.kind === 'credit_note';
  let total = 0n;
  const items: { account: string; amount: bigint; contactId?: string | null; invoiceId?: string | null }[] = [];
  for (const l of inv.lines) {
    total += l.netMinor + l.vatMinor;
    items.push({ account: l.glAccount, amount: -l.netMinor });
  }
  let vat = 0n;
  for (const l of inv.lines) vat += l.vatMinor;
  const lines: NewEntryLine[] = signedLines(
    [{ account: roles.ar, amount: total, contactId: inv.payerId, invoiceId: credit ? (inv.creditsInvoiceId ?? inv.id) : inv.id }, ...items, { account: roles.vat, amount: -vat }],
    'debit',
  );
  if (!lines.length) return null;
  const no = inv.number ?? inv.id;
  return {
    date: inv.issueDate,
    kind: credit ? 'credit_note' : 'invoice',
    description: credit ? `Credit note ${no}` : `Invoice ${no}`,
    contactId: inv.payerId,
    invoiceId: inv.id,
    sourceKey: invoiceSourceKey(inv.id),
    lines,
  };
};

/** Adds line accounts that are not in the chart (type income, "Added from invoice N"), so the billing run never stops on a catalog typo. */
const ensureLineAccounts = async (tx: Db, clock: Clock, invoices: readonly LedgerInvoice[], roles: LedgerRoles) => {
  const firstUse = new Map<string, number | string>();
  for (const inv of invoices) for (const l of inv.lines) if (!firstUse.has(l.glAccount)) firstUse.set(l.glAccount, inv.number ?? inv.id);
  for (const role of [roles.ar, roles.vat]) firstUse.delete(role);
  if (!firstUse.size) return;
  const known = new Set((await tx.selectFrom('gl_account').select('code').where(inList(tx, 'code', [...firstUse.keys()])).execute()).map((r) => r.code));
  const now = clock.now().toISOString();
  const missing = [...firstUse].filter(([code]) => !known.has(code));
  if (missing.length) {
    await insertRows(
      tx,
      'gl_account',
      ['code', 'name', 'type', 'description', 'archived', 'created_at', 'updated_at'],
      missing.map(([code, no]) => [code, `Added from invoice ${no}`, 'income', 'Added by the ledger because an invoice line named it; rename it and check its type.', 0, now, now]),
    );
  }
};

/** Posts `invoices` (issued, not posted yet); returns the entry id per invoice (null: it moves nothing). */
const postInvoices = async (tx: Db, clock: Clock, by: string, invoices: readonly LedgerInvoice[], roles: LedgerRoles): Promise<Map<string, string | null>> => {
  await ensureLineAccounts(tx, clock, invoices, roles);
  const out = new Map<string, string | null>();
  const entries: NewEntry[] = [];
  const owners: string[] = [];
  for (const inv of invoices) {
    const e = invoiceEntry(inv, roles);
    if (e) {
      entries.push(e);
      owners.push(inv.id);
    } else out.set(inv.id, null);
  }
  const refs = await postEntries(tx, { clock }, by, entries, { roles });
  refs.forEach((r, i) => out.set(owners[i]!, r.id));
  return out;
};

/**
 * The hook for issued invoices and credit notes, inside the issuing transaction: holding rows,
 * and with ledger.invoice_posting = immediate the postings too (in bulk).
 */
export const recordIssuedInvoices = async (tx: Db, deps: { clock: Clock }, by: string, invoices: readonly LedgerInvoice[]): Promise<void> => {
  if (!invoices.length) return;
  const roles = await loadRoles(tx);
  const now = deps.clock.now().toISOString();
  if (roles.invoicePosting === 'held') {
    await insertRows(tx, 'ledger_holding', ['invoice_id', 'queued_at', 'imported_at', 'entry_id', 'exported_at'], invoices.map((i) => [i.id, now, null, null, null]));
    return;
  }
  const posted = await postInvoices(tx, deps.clock, by, invoices, roles);
  await insertRows(tx, 'ledger_holding', ['invoice_id', 'queued_at', 'imported_at', 'entry_id', 'exported_at'], invoices.map((i) => [i.id, now, now, posted.get(i.id) ?? null, null]));
};

/** Reads invoices back for posting (two queries for any number). */
export const loadLedgerInvoices = async (tx: Db, ids: readonly string[]): Promise<LedgerInvoice[]> => {
  if (!ids.length) return [];
  const rows = await tx.selectFrom('invoice').select(['id', 'kind', 'number', 'payer_id', 'issue_date', 'credits_invoice_id', 'status']).where(inList(tx, 'id', ids)).execute();
  const lines = await tx
    .selectFrom('invoice_line')
    .select(['invoice_id', 'gl_account', 'net_minor', 'vat_minor'])
    .where(inList(tx, 'invoice_id', ids))
    .orderBy('invoice_id')
    .orderBy('position')
    .execute();
  const linesOf = new Map<string, { glAccount: string; netMinor: bigint; vatMinor: bigint }[]>();
  for (const l of lines) {
    const list = linesOf.get(l.invoice_id) ?? [];
    list.push({ glAccount: l.gl_account, netMinor: toBigInt(l.net_minor), vatMinor: toBigInt(l.vat_minor) });
    linesOf.set(l.invoice_id, list);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is NonNullable<typeof r> => !!r && r.status !== 'draft' && !!r.issue_date)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      number: r.number === null ? null : toNumber(r.number),
      payerId: r.payer_id,
      issueDate: r.issue_date!,
      creditsInvoiceId: r.credits_invoice_id,
      lines: linesOf.get(r.id) ?? [],
    }));
};

/** The hook for a draft that was just issued (read back from the database). */
export const recordIssuedInvoiceIds = async (tx: Db, deps: { clock: Clock }, by: string, ids: readonly string[]): Promise<void> =>
  recordIssuedInvoices(tx, deps, by, await loadLedgerInvoices(tx, ids));

/**
 * Posts held invoices (rows of the holding step not imported yet) and marks them imported. Rows
 * already imported are left alone. Returns how many were imported.
 */
export const postHeldInvoices = async (tx: Db, deps: { clock: Clock }, by: string, ids: readonly string[]): Promise<number> => {
  if (!ids.length) return 0;
  const waiting = (await tx.selectFrom('ledger_holding').select('invoice_id').where(inList(tx, 'invoice_id', ids)).where('imported_at', 'is', null).execute()).map((r) => r.invoice_id);
  if (!waiting.length) return 0;
  const roles = await loadRoles(tx);
  const invoices = await loadLedgerInvoices(tx, waiting);
  const posted = await postInvoices(tx, deps.clock, by, invoices, roles);
  const now = deps.clock.now().toISOString();
  await updateRows(tx, 'ledger_holding', 'invoice_id', ['imported_at', 'entry_id'], waiting.map((id) => [id, now, posted.get(id) ?? null]));
  return waiting.length;
};

/**
 * The hook for a voided invoice, inside the void's transaction: the invoice's posting is mirrored
 * by a new entry (never changed). A posting still held is imported first; an invoice issued
 * before the ledger existed is put through the holding step first.
 */
export const recordVoidedInvoice = async (tx: Db, deps: { clock: Clock }, by: string, invoiceId: string): Promise<string | null> => {
  const holding = await tx.selectFrom('ledger_holding').select(['imported_at']).where('invoice_id', '=', invoiceId).executeTakeFirst();
  if (!holding) {
    const [inv] = await loadLedgerInvoices(tx, [invoiceId]);
    if (!inv) return null;
    await recordIssuedInvoices(tx, deps, by, [inv]);
  }
  await postHeldInvoices(tx, deps, by, [invoiceId]);
  const original = await tx.selectFrom('ledger_entry').select(['id', 'seq', 'contact_id', 'description']).where('source_key', '=', invoiceSourceKey(invoiceId)).executeTakeFirst();
  if (!original) return null; // it moved nothing
  const lines = (await tx.selectFrom('ledger_line').selectAll().where('entry_id', '=', original.id).orderBy('line_no').execute()).map(toLineContent);
  const ref = await postEntry(tx, deps, by, {
    date: await orgToday(tx, deps.clock),
    kind: 'void',
    description: `${original.description} voided (mirrors entry ${toNumber(original.seq)})`,
    contactId: original.contact_id,
    invoiceId,
    sourceKey: voidSourceKey(invoiceId),
    lines: mirrorLines(lines.map((l) => ({ account: l.account_code, debitMinor: l.debit_minor, creditMinor: l.credit_minor, contactId: l.contact_id, invoiceId: l.invoice_id }))),
  });
  return ref.id;
};
