import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB, JournalTable } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { money, type Money } from '../../kernel/money.ts';
import { getSetting } from '../settings/index.ts';
import type { JournalSummary } from './ledger.ts';

type Db = Kysely<DB>;

/** A closed journal: every entry up to a date that no earlier journal held, with sums, counts and its hash. */
export interface Journal {
  id: string;
  seq: number;
  upTo: string;
  firstSeq: number | null;
  lastSeq: number | null;
  entryCount: number;
  debit: Money;
  credit: Money;
  prevHash: string;
  hash: string;
  closedBy: string;
  closedAt: string;
}

export interface JournalDetail extends Journal {
  /** By entry kind (invoice, payment, …) and by G/L account, debit and credit columns; each balances. */
  summary: {
    byKind: { kind: string; entries: number; debit: Money; credit: Money }[];
    byAccount: { account: string; name: string; debit: Money; credit: Money }[];
  };
}

export const toJournal = (r: JournalTable, currency: string): Journal => ({
  id: r.id,
  seq: toNumber(r.seq),
  upTo: r.up_to,
  firstSeq: r.first_seq === null ? null : toNumber(r.first_seq),
  lastSeq: r.last_seq === null ? null : toNumber(r.last_seq),
  entryCount: toNumber(r.entry_count),
  debit: money(toBigInt(r.debit_minor), currency),
  credit: money(toBigInt(r.credit_minor), currency),
  prevHash: r.prev_hash,
  hash: r.hash,
  closedBy: r.closed_by,
  closedAt: r.closed_at,
});

export const toJournalDetail = (r: JournalTable, currency: string): JournalDetail => {
  const s = JSON.parse(r.summary) as JournalSummary;
  const m = (v: string) => money(BigInt(v), currency);
  return {
    ...toJournal(r, currency),
    summary: {
      byKind: s.byKind.map((k) => ({ kind: k.kind, entries: k.entries, debit: m(k.debit), credit: m(k.credit) })),
      byAccount: s.byAccount.map((a) => ({ account: a.account, name: a.name, debit: m(a.debit), credit: m(a.credit) })),
    },
  };
};

export const getJournal = async (db: Db, id: string): Promise<JournalDetail> => {
  const row = await db.selectFrom('journal').selectAll().where((eb) => (/^\d{1,9}$/.test(id) ? eb('seq', '=', Number(id)) : eb('id', '=', id))).executeTakeFirst();
  if (!row) throw notFound(`Journal ${id}`);
  return toJournalDetail(row, await getSetting(db, 'organization.currency'));
};

/** Journals, newest first. */
export const listJournals = async (db: Db, q: { page: number; pageSize: number }): Promise<{ items: Journal[]; page: number; pageSize: number; total: number }> => {
  const currency = await getSetting(db, 'organization.currency');
  const [rows, count] = await Promise.all([
    db.selectFrom('journal').selectAll().orderBy('seq', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    db.selectFrom('journal').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
  ]);
  return { items: rows.map((r) => toJournal(r, currency)), page: q.page, pageSize: q.pageSize, total: toNumber(count?.n) };
};
