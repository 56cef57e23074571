/**
 * The A/R ageing worked out by hand for tests, from the raw rows (every invoice, allocation, ledger
 * entry, credit note and contact read separately and put together here), with the pure
 * `ageingBucket` (days past due) instead of the report's due-date cutoffs. The report does the same
 * in one SQL statement; tests compare the two on both databases.
 */
import type { Kysely } from 'kysely';
import { toBigInt } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { foldForSearch } from '../../src/modules/contacts/index.ts';
import { ageingBucket, AGEING_BUCKETS, type AgeingQuery, type AgeingReport, type AgeingRow } from '../../src/modules/payments/index.ts';

export const ageingByHand = async (db: Kysely<DB>, query: AgeingQuery, currency: string): Promise<AgeingReport> => {
  const { at } = query;
  const invoices = await db.selectFrom('invoice').select(['id', 'kind', 'status', 'payer_id', 'issue_date', 'due_date', 'voided_at', 'total_minor', 'credits_invoice_id']).execute();
  const entryDate = new Map((await db.selectFrom('ledger_entry').select(['id', 'entry_date']).execute()).map((e) => [e.id, e.entry_date]));
  const allocations = await db.selectFrom('payment_allocation').select(['invoice_id', 'amount_minor', 'entry_id']).execute();
  const contacts = new Map((await db.selectFrom('contact').select(['id', 'display_name', 'sort_name']).execute()).map((c) => [c.id, c]));

  const open = new Map<string, bigint>();
  for (const i of invoices) {
    if (i.kind !== 'invoice' || i.issue_date === null || i.issue_date > at) continue;
    const live = i.status === 'issued' || i.status === 'paid' || (i.status === 'void' && i.voided_at !== null && i.voided_at.slice(0, 10) > at);
    if (live) open.set(i.id, toBigInt(i.total_minor));
  }
  for (const a of allocations) {
    const date = a.entry_id ? entryDate.get(a.entry_id) : undefined;
    if (open.has(a.invoice_id) && date !== undefined && date <= at) open.set(a.invoice_id, open.get(a.invoice_id)! - toBigInt(a.amount_minor));
  }
  for (const c of invoices) {
    if (c.kind === 'credit_note' && c.status === 'issued' && c.credits_invoice_id && open.has(c.credits_invoice_id) && c.issue_date !== null && c.issue_date <= at) {
      open.set(c.credits_invoice_id, open.get(c.credits_invoice_id)! + toBigInt(c.total_minor));
    }
  }

  const rowsById = new Map<string, AgeingRow>();
  for (const i of invoices) {
    const amount = open.get(i.id);
    if (amount === undefined || amount === 0n || (query.contactId && i.payer_id !== query.contactId)) continue;
    const c = contacts.get(i.payer_id)!;
    const row = rowsById.get(i.payer_id) ?? { contactId: i.payer_id, name: c.display_name, invoices: 0, oldestDueDate: null, current: 0n, days1to30: 0n, days31to60: 0n, days61to90: 0n, over90: 0n, total: 0n };
    row[ageingBucket(i.due_date, at)] += amount;
    row.total += amount;
    row.invoices++;
    if (amount > 0n && i.due_date && (row.oldestDueDate === null || i.due_date < row.oldestDueDate)) row.oldestDueDate = i.due_date;
    rowsById.set(i.payer_id, row);
  }
  const kept = [...rowsById.values()].filter((r) => r.total !== 0n || AGEING_BUCKETS.some((b) => r[b] !== 0n));
  const totals = { current: 0n, days1to30: 0n, days31to60: 0n, days61to90: 0n, over90: 0n, total: 0n, invoices: 0, contacts: kept.length };
  for (const r of kept) {
    for (const b of [...AGEING_BUCKETS, 'total'] as const) totals[b] += r[b];
    totals.invoices += r.invoices;
  }
  const needle = query.q?.trim() ? foldForSearch(query.q.trim()) : '';
  const sortName = (r: AgeingRow) => contacts.get(r.contactId)!.sort_name;
  const matching = kept.filter((r) => !needle || foldForSearch(r.name).includes(needle));
  const sign = query.sort.direction === 'desc' ? -1 : 1;
  const cmp = <T>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);
  matching.sort((x, y) => (query.sort.column === 'name' ? cmp(sortName(x), sortName(y)) : cmp(x[query.sort.column], y[query.sort.column])) * sign || cmp(x.contactId, y.contactId));
  const start = (query.page - 1) * query.pageSize;
  return { at, currency, totals, items: matching.slice(start, start + query.pageSize), page: query.page, pageSize: query.pageSize, total: matching.length };
};
