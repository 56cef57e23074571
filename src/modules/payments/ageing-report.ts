import { sql, type Kysely } from 'kysely';
import { toBigInt } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { foldForSearch } from '../contacts/index.ts';
import { AGEING_BUCKETS, ageingCutoffs, type AgeingBucket } from './ageing.ts';

export const AGEING_SORTS = ['total', 'name', 'over90'] as const;
export type AgeingSort = (typeof AGEING_SORTS)[number];

export interface AgeingQuery {
  /** The day the report is at: what was open then, aged by its due date. */
  at: string;
  page: number;
  pageSize: number;
  sort: { column: AgeingSort; direction: 'asc' | 'desc' };
  /** Part of the contact's name. */
  q?: string;
  contactId?: string;
}

export type AgeingAmounts = Record<AgeingBucket | 'total', bigint>;

export interface AgeingRow extends AgeingAmounts {
  contactId: string;
  name: string;
  /** Open invoices of the contact at the day. */
  invoices: number;
  oldestDueDate: string | null;
}

export interface AgeingReport {
  at: string;
  currency: string;
  /** Every contact's amounts added up (not just this page). */
  totals: AgeingAmounts & { invoices: number; contacts: number };
  items: AgeingRow[];
  page: number;
  pageSize: number;
  /** Contacts with something open. */
  total: number;
}

/**
 * A/R ageing at a day, per contact and in total: every invoice issued by then and not void by then,
 * with what was open on it that day (total − allocations dated up to it − credit notes issued up to
 * it), in the bucket of its due date. Allocations are dated by the ledger entry that posted them.
 * Its total equals the A/R balance of the ledger at that day when invoices are posted as issued.
 */
export const ageingReport = async (db: Kysely<DB>, query: AgeingQuery, currency: string): Promise<AgeingReport> => {
  const at = query.at;
  const c = ageingCutoffs(at);
  const openAt = sql<string | number>`(invoice.total_minor
    - coalesce((select sum(a.amount_minor) from payment_allocation a inner join ledger_entry e on e.id = a.entry_id where a.invoice_id = invoice.id and e.entry_date <= ${at}), 0)
    + coalesce((select sum(cn.total_minor) from invoice cn where cn.credits_invoice_id = invoice.id and cn.kind = 'credit_note' and cn.status = 'issued' and cn.issue_date <= ${at}), 0))`;
  let q = db
    .selectFrom('invoice')
    .select(['invoice.payer_id', 'invoice.due_date'])
    .select(openAt.as('open_at'))
    .where('invoice.kind', '=', 'invoice')
    .where('invoice.issue_date', '<=', at)
    .where((eb) => eb.or([eb('invoice.status', 'in', ['issued', 'paid']), eb.and([eb('invoice.status', '=', 'void'), eb(sql`substr(invoice.voided_at, 1, 10)`, '>', at)])]));
  if (query.contactId) q = q.where('invoice.payer_id', '=', query.contactId);
  const bucketOf = (due: string | null): AgeingBucket =>
    due === null || due >= c.current ? 'current' : due >= c.days30 ? 'days1to30' : due >= c.days60 ? 'days31to60' : due >= c.days90 ? 'days61to90' : 'over90';
  const empty = (): AgeingAmounts => ({ current: 0n, days1to30: 0n, days31to60: 0n, days61to90: 0n, over90: 0n, total: 0n });

  const byContact = new Map<string, AgeingAmounts & { invoices: number; oldest: string | null }>();
  for (const r of await q.execute()) {
    const open = toBigInt(r.open_at);
    if (open === 0n) continue;
    const row = byContact.get(r.payer_id) ?? { ...empty(), invoices: 0, oldest: null };
    const b = bucketOf(r.due_date);
    row[b] += open;
    row.total += open;
    row.invoices++;
    if (open > 0n && r.due_date && (row.oldest === null || r.due_date < row.oldest)) row.oldest = r.due_date;
    byContact.set(r.payer_id, row);
  }
  const ids = [...byContact.keys()];
  const names = new Map<string, { name: string; sort: string }>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    for (const r of await db.selectFrom('contact').select(['id', 'display_name', 'sort_name']).where('id', 'in', chunk).execute()) names.set(r.id, { name: r.display_name, sort: r.sort_name });
  }
  const totals = { ...empty(), invoices: 0, contacts: 0 };
  let rows: AgeingRow[] = [];
  for (const [contactId, a] of byContact) {
    if (a.total === 0n && AGEING_BUCKETS.every((b) => a[b] === 0n)) continue;
    for (const b of [...AGEING_BUCKETS, 'total'] as const) totals[b] += a[b];
    totals.invoices += a.invoices;
    totals.contacts++;
    rows.push({ contactId, name: names.get(contactId)?.name ?? contactId, invoices: a.invoices, oldestDueDate: a.oldest, current: a.current, days1to30: a.days1to30, days31to60: a.days31to60, days61to90: a.days61to90, over90: a.over90, total: a.total });
  }
  const text = query.q?.trim();
  if (text) {
    const needle = foldForSearch(text);
    rows = rows.filter((r) => foldForSearch(r.name).includes(needle));
  }
  const sortKey = new Map(rows.map((r) => [r.contactId, names.get(r.contactId)?.sort ?? r.name]));
  const sign = query.sort.direction === 'desc' ? -1 : 1;
  rows.sort((x, y) => {
    let d = 0;
    if (query.sort.column === 'name') d = sortKey.get(x.contactId)! < sortKey.get(y.contactId)! ? -1 : sortKey.get(x.contactId)! > sortKey.get(y.contactId)! ? 1 : 0;
    else d = x[query.sort.column] < y[query.sort.column] ? -1 : x[query.sort.column] > y[query.sort.column] ? 1 : 0;
    return d * sign || (x.contactId < y.contactId ? -1 : 1);
  });
  const start = (query.page - 1) * query.pageSize;
  return { at, currency, totals, items: rows.slice(start, start + query.pageSize), page: query.page, pageSize: query.pageSize, total: rows.length };
};
