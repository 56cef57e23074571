import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB, LedgerEntryTable, LedgerLineTable } from '../../db/schema.ts';
import type { EntryContent, LineContent } from './ledger.ts';

type Db = Kysely<DB>;

import { inList } from '../../db/bulk.ts';

export { inList };

export const toEntryContent = (r: Omit<LedgerEntryTable, 'hash' | 'journal_id'> & Partial<Pick<LedgerEntryTable, 'hash' | 'journal_id'>>): EntryContent => ({
  id: r.id,
  seq: toNumber(r.seq),
  entry_date: r.entry_date,
  kind: r.kind,
  description: r.description,
  contact_id: r.contact_id,
  invoice_id: r.invoice_id,
  payment_id: r.payment_id,
  source_key: r.source_key,
  created_by: r.created_by,
  created_at: r.created_at,
  prev_hash: r.prev_hash,
});

export const toLineContent = (r: Pick<LedgerLineTable, 'id' | 'line_no' | 'account_code' | 'contact_id' | 'invoice_id' | 'debit_minor' | 'credit_minor'>): LineContent => ({
  id: r.id,
  line_no: toNumber(r.line_no),
  account_code: r.account_code,
  contact_id: r.contact_id,
  invoice_id: r.invoice_id,
  debit_minor: toBigInt(r.debit_minor),
  credit_minor: toBigInt(r.credit_minor),
});

/** The lines of some entries, as hashed, by entry id (one query for any number of entries). */
export const loadLineContents = async (db: Db, entryIds: readonly string[]): Promise<Map<string, LineContent[]>> => {
  const lines = await db
    .selectFrom('ledger_line')
    .select(['id', 'entry_id', 'line_no', 'account_code', 'contact_id', 'invoice_id', 'debit_minor', 'credit_minor'])
    .where(inList(db, 'entry_id', entryIds))
    .execute();
  const linesOf = new Map<string, LineContent[]>();
  for (const l of lines) {
    const list = linesOf.get(l.entry_id) ?? [];
    list.push(toLineContent(l));
    linesOf.set(l.entry_id, list);
  }
  return linesOf;
};

/** The organization's day for `clock` (its time zone setting). */
