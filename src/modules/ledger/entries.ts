import { sql, type Kysely } from 'kysely';
import { ilike, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { money, type Money } from '../../kernel/money.ts';
import { getSetting } from '../settings/index.ts';
import { inList } from './ledger-db.ts';

type Db = Kysely<DB>;

export interface EntryLine {
  lineNo: number;
  account: string;
  accountName: string;
  contactId: string | null;
  invoiceId: string | null;
  debit: Money;
  credit: Money;
}

export interface LedgerEntry {
  id: string;
  seq: number;
  date: string;
  kind: string;
  description: string;
  contactId: string | null;
  contactName: string | null;
  invoiceId: string | null;
  invoiceNumber: number | null;
  paymentId: string | null;
  sourceKey: string | null;
  journalId: string | null;
  journalSeq: number | null;
  /** Σ debit (= Σ credit). */
  amount: Money;
  createdBy: string;
  createdAt: string;
  prevHash: string;
  hash: string;
  lines: EntryLine[];
}

export const ENTRY_SORTS = ['seq', 'date'] as const;
export type EntrySort = (typeof ENTRY_SORTS)[number];

export interface EntryListQuery {
  page: number;
  pageSize: number;
  sort?: { column: EntrySort; direction: 'asc' | 'desc' };
  /** Part of the description, or the entry's seq. */
  q?: string;
  kind?: string;
  from?: string;
  to?: string;
  /** Entries with a line on this account. */
  account?: string;
  /** Entries about this contact (the entry's contact or a line's). */
  contactId?: string;
  /** Entries about this invoice (the entry's invoice or a line's, so a credit note's and payments' entries show on the invoice they settle). */
  invoiceId?: string;
  paymentId?: string;
  journalId?: string;
  /** true: held by a journal; false: not journalized yet. */
  journalized?: boolean;
}

const baseQuery = (db: Db) =>
  db
    .selectFrom('ledger_entry as e')
    .leftJoin('contact as c', 'c.id', 'e.contact_id')
    .leftJoin('invoice as i', 'i.id', 'e.invoice_id')
    .leftJoin('journal as j', 'j.id', 'e.journal_id')
    .select([
      'e.id',
      'e.seq',
      'e.entry_date',
      'e.kind',
      'e.description',
      'e.contact_id',
      'e.invoice_id',
      'e.payment_id',
      'e.source_key',
      'e.journal_id',
      'e.prev_hash',
      'e.hash',
      'e.created_by',
      'e.created_at',
      'c.display_name as contact_name',
      'i.number as invoice_number',
      'j.seq as journal_seq',
    ]);

type EntryRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

const withLines = async (db: Db, rows: EntryRow[], currency: string): Promise<LedgerEntry[]> => {
  if (!rows.length) return [];
  const lines = await db
    .selectFrom('ledger_line as l')
    .innerJoin('gl_account as a', 'a.code', 'l.account_code')
    .select(['l.entry_id', 'l.line_no', 'l.account_code', 'a.name', 'l.contact_id', 'l.invoice_id', 'l.debit_minor', 'l.credit_minor'])
    .where(inList(db, 'l.entry_id', rows.map((r) => r.id)))
    .execute();
  const by = new Map<string, EntryLine[]>();
  for (const l of lines) {
    const list = by.get(l.entry_id) ?? [];
    list.push({
      lineNo: toNumber(l.line_no),
      account: l.account_code,
      accountName: l.name,
      contactId: l.contact_id,
      invoiceId: l.invoice_id,
      debit: money(toBigInt(l.debit_minor), currency),
      credit: money(toBigInt(l.credit_minor), currency),
    });
    by.set(l.entry_id, list);
  }
  return rows.map((r) => {
    const ls = (by.get(r.id) ?? []).sort((a, b) => a.lineNo - b.lineNo);
    return {
      id: r.id,
      seq: toNumber(r.seq),
      date: r.entry_date,
      kind: r.kind,
      description: r.description,
      contactId: r.contact_id,
      contactName: r.contact_name ?? null,
      invoiceId: r.invoice_id,
      invoiceNumber: r.invoice_number === null || r.invoice_number === undefined ? null : toNumber(r.invoice_number),
      paymentId: r.payment_id,
      sourceKey: r.source_key,
      journalId: r.journal_id,
      journalSeq: r.journal_seq === null || r.journal_seq === undefined ? null : toNumber(r.journal_seq),
      amount: money(ls.reduce((s, l) => s + l.debit.minor, 0n), currency),
      createdBy: r.created_by,
      createdAt: r.created_at,
      prevHash: r.prev_hash,
      hash: r.hash,
      lines: ls,
    };
  });
};

/** One entry with its lines, by id or by seq. */
export const getEntry = async (db: Db, idOrSeq: string): Promise<LedgerEntry> => {
  const row = await baseQuery(db)
    .where((eb) => (/^\d{1,15}$/.test(idOrSeq) ? eb('e.seq', '=', Number(idOrSeq)) : eb('e.id', '=', idOrSeq)))
    .executeTakeFirst();
  if (!row) throw notFound(`Ledger entry ${idOrSeq}`);
  return (await withLines(db, [row], await getSetting(db, 'organization.currency')))[0]!;
};

/** Entries with their lines, filtered, sorted (default newest first) and paged. */
export const listEntries = async (db: Db, query: EntryListQuery): Promise<{ items: LedgerEntry[]; page: number; pageSize: number; total: number }> => {
  let q = baseQuery(db);
  if (query.kind) q = q.where('e.kind', '=', query.kind);
  if (query.from) q = q.where('e.entry_date', '>=', query.from);
  if (query.to) q = q.where('e.entry_date', '<=', query.to);
  if (query.paymentId) q = q.where('e.payment_id', '=', query.paymentId);
  if (query.journalId) {
    const jid = query.journalId;
    q = /^\d{1,9}$/.test(jid) ? q.where('j.seq', '=', Number(jid)) : q.where('e.journal_id', '=', jid);
  }
  if (query.journalized !== undefined) q = q.where('e.journal_id', query.journalized ? 'is not' : 'is', null);
  if (query.account) {
    const account = query.account;
    q = q.where((eb) => eb.exists(eb.selectFrom('ledger_line as la').select('la.id').whereRef('la.entry_id', '=', 'e.id').where('la.account_code', '=', account)));
  }
  if (query.contactId) {
    const contact = query.contactId;
    q = q.where((eb) =>
      eb.or([eb('e.contact_id', '=', contact), eb.exists(eb.selectFrom('ledger_line as lc').select('lc.id').whereRef('lc.entry_id', '=', 'e.id').where('lc.contact_id', '=', contact))]),
    );
  }
  if (query.invoiceId) {
    const invoice = query.invoiceId;
    q = q.where((eb) =>
      eb.or([eb('e.invoice_id', '=', invoice), eb.exists(eb.selectFrom('ledger_line as li').select('li.id').whereRef('li.entry_id', '=', 'e.id').where('li.invoice_id', '=', invoice))]),
    );
  }
  const text = query.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = /^\d{1,15}$/.test(text) ? q.where((eb) => eb.or([eb('e.seq', '=', Number(text)), eb('e.description', ilike(db), like)])) : q.where('e.description', ilike(db), like);
  }
  const count = await q.clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const sort = query.sort ?? { column: 'seq', direction: 'desc' };
  const dir = sort.direction === 'desc' ? sql`desc` : sql`asc`;
  let ordered = q;
  if (sort.column === 'date') ordered = ordered.orderBy(sql`e.entry_date ${dir}`);
  const rows = await ordered
    .orderBy(sql`e.seq ${dir}`)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { items: await withLines(db, rows, await getSetting(db, 'organization.currency')), page: query.page, pageSize: query.pageSize, total: toNumber(count?.n) };
};
