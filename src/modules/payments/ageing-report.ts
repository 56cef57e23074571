import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dbKind, toBigInt, toNumber } from '../../db/database.ts';
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
  /** Every contact's amounts added up (not just this page, and whatever `q` is). */
  totals: AgeingAmounts & { invoices: number; contacts: number };
  items: AgeingRow[];
  page: number;
  pageSize: number;
  /** Contacts with something open (that match `q`). */
  total: number;
}

type Raw = {
  kind: 'T' | 'R';
  payer_id: string | null;
  name: string | null;
  invoices: number | string | null;
  oldest: string | null;
  contacts: number | string | null;
  matching: number | string | null;
} & Record<AgeingBucket | 'total', number | string | null>;

/**
 * A/R ageing at a day, per contact and in total: every invoice issued by then and not void by then,
 * with what was open on it that day (total − allocations dated up to it − credit notes issued up to
 * it), in the bucket of its due date. Allocations are dated by the ledger entry that posted them.
 * Its total equals the A/R balance of the ledger at that day when invoices are posted as issued.
 *
 * One statement does it in the database: what was open per invoice, the buckets, count and oldest
 * due date per contact (contacts with every bucket zero left out), the totals over every contact,
 * and the page asked for (filtered by name, sorted, limited). Its first row carries the totals and
 * how many contacts match `q`; the others are the page, in order. Contacts are read for the page
 * only, unless the name filters or sorts.
 */
export const ageingReport = async (db: Kysely<DB>, query: AgeingQuery, currency: string): Promise<AgeingReport> => {
  const { at } = query;
  const c = ageingCutoffs(at);
  const pg = dbKind(db) === 'postgres';
  const needle = query.q?.trim() ? foldForSearch(query.q.trim()) : '';
  const withNames = needle !== '' || query.sort.column === 'name';
  // The sort name is the display name folded as the needle is: a plain substring test, no pattern.
  const matches = needle ? (pg ? sql<boolean>`strpos(k.sort_name, ${needle}) > 0` : sql<boolean>`instr(k.sort_name, ${needle}) > 0`) : sql<boolean>`1 = 1`;
  // Text in code-unit order on both databases (ids and folded names); ties by contact id.
  const bytes = (column: string) => (pg ? sql`${sql.ref(column)} collate "C"` : sql.ref(column));
  const dir = query.sort.direction === 'desc' ? sql`desc` : sql`asc`;
  const order = (t: string) => sql`${query.sort.column === 'name' ? bytes(`${t}.sort_name`) : sql.ref(`${t}.${query.sort.column}`)} ${dir}, ${bytes(`${t}.payer_id`)} asc`;
  const inBucket = (when: RawBuilder<boolean>) => sql`sum(case when ${when} then o.open else 0 end)`;
  const buckets: Record<AgeingBucket, RawBuilder<unknown>> = {
    current: inBucket(sql<boolean>`o.due_date is null or o.due_date >= ${c.current}`),
    days1to30: inBucket(sql<boolean>`o.due_date < ${c.current} and o.due_date >= ${c.days30}`),
    days31to60: inBucket(sql<boolean>`o.due_date < ${c.days30} and o.due_date >= ${c.days60}`),
    days61to90: inBucket(sql<boolean>`o.due_date < ${c.days60} and o.due_date >= ${c.days90}`),
    over90: inBucket(sql<boolean>`o.due_date < ${c.days90}`),
  };
  const { rows } = await sql<Raw>`
    with o as (
      select invoice.payer_id, invoice.due_date, invoice.total_minor - coalesce(a.s, 0) + coalesce(cn.s, 0) as open
      from invoice
      left join (
        select pa.invoice_id, cast(sum(pa.amount_minor) as bigint) as s
        from payment_allocation pa
        where (select e.entry_date from ledger_entry e where e.id = pa.entry_id) <= ${at}
        group by pa.invoice_id
      ) a on a.invoice_id = invoice.id
      left join (
        select cr.credits_invoice_id, cast(sum(cr.total_minor) as bigint) as s
        from invoice cr
        where cr.credits_invoice_id is not null and cr.kind = 'credit_note' and cr.status = 'issued' and cr.issue_date <= ${at}
        group by cr.credits_invoice_id
      ) cn on cn.credits_invoice_id = invoice.id
      where invoice.kind = 'invoice' and invoice.issue_date <= ${at}
        and (invoice.status in ('issued', 'paid') or (invoice.status = 'void' and substr(invoice.voided_at, 1, 10) > ${at}))
        ${query.contactId ? sql`and invoice.payer_id = ${query.contactId}` : sql``}
    ),
    per as materialized (
      select o.payer_id,
        ${sql.join(AGEING_BUCKETS.map((b) => sql`${buckets[b]} as ${sql.ref(b)}`))},
        sum(o.open) as total,
        count(*) as invoices,
        min(case when o.open > 0 then o.due_date end) as oldest
      from o
      where o.open <> 0
      group by o.payer_id
      having ${sql.join(AGEING_BUCKETS.map((b) => sql`${buckets[b]} <> 0`), sql` or `)}
    )${withNames ? sql`,
    named as materialized (select per.*, contact.sort_name from per inner join contact on contact.id = per.payer_id)` : sql``}
    select x.* from (
      select 'T' as kind, null as payer_id, null as name, null as sort_name, sum(k.invoices) as invoices, null as oldest,
        ${sql.join([...AGEING_BUCKETS, 'total'].map((b) => sql`sum(${sql.ref(`k.${b}`)}) as ${sql.ref(b)}`))},
        count(*) as contacts, sum(case when ${matches} then 1 else 0 end) as matching
      from ${withNames ? sql`named` : sql`per`} k
      union all
      select 'R', p.payer_id, contact.display_name, p.sort_name, p.invoices, p.oldest, ${sql.join([...AGEING_BUCKETS, 'total'].map((b) => sql.ref(`p.${b}`)))}, null, null
      from (
        select k.*${withNames ? sql`` : sql`, null as sort_name`}
        from ${withNames ? sql`named` : sql`per`} k
        where ${matches}
        order by ${order('k')}
        limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}
      ) p
      inner join contact on contact.id = p.payer_id
    ) x
    order by x.kind desc, ${order('x')}`.execute(db);
  // The totals row comes first and is always there (an aggregate without GROUP BY gives one row, its sums null when nobody owes anything).
  const [t, ...page] = rows;
  const money = (r: Raw): AgeingAmounts => ({
    current: toBigInt(r.current),
    days1to30: toBigInt(r.days1to30),
    days31to60: toBigInt(r.days31to60),
    days61to90: toBigInt(r.days61to90),
    over90: toBigInt(r.over90),
    total: toBigInt(r.total),
  });
  return {
    at,
    currency,
    totals: { ...money(t!), invoices: toNumber(t!.invoices), contacts: toNumber(t!.contacts) },
    items: page.map((r) => ({ contactId: r.payer_id!, name: r.name!, invoices: toNumber(r.invoices), oldestDueDate: r.oldest, ...money(r) })),
    page: query.page,
    pageSize: query.pageSize,
    total: toNumber(t!.matching),
  };
};
