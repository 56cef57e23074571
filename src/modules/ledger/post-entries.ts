import { sql, type Kysely } from 'kysely';
import { lockResource, toNumber } from '../../db/database.ts';
import { insertRows } from '../../db/bulk.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { assertValidEntry, entryHash, GENESIS_HASH, type EntryContent, type LineContent, type NewEntry } from './ledger.ts';
import { inList } from './ledger-db.ts';
import { loadRoles, type LedgerRoles } from './roles.ts';

type Db = Kysely<DB>;

export interface PostedRef {
  id: string;
  seq: number;
  /** False when the source key had been posted before and that entry is returned instead. */
  created: boolean;
}

const ENTRY_COLUMNS = ['id', 'seq', 'entry_date', 'kind', 'description', 'contact_id', 'invoice_id', 'payment_id', 'source_key', 'journal_id', 'prev_hash', 'hash', 'created_by', 'created_at'] as const;
const LINE_COLUMNS = ['id', 'entry_id', 'line_no', 'entry_date', 'account_code', 'contact_id', 'invoice_id', 'debit_minor', 'credit_minor'] as const;

/**
 * Posts entries in bulk inside the caller's transaction: every entry is checked (balanced, lines
 * on one side, known accounts, a contact on every A/R and customer-credit line), then one lock on
 * the ledger, one read of the chain head, a block of `seq` numbers, the hashes, and multi-row
 * inserts of entries and lines. An entry whose `sourceKey` was posted before (or appears twice in
 * `entries`) is not posted again: the existing entry is returned. Returns one ref per input entry,
 * in order. Take the ledger lock before the audit lock (post, then `recordAudit`).
 */
export const postEntries = async (tx: Db, deps: { clock: Clock }, by: string, entries: readonly NewEntry[], opts: { roles?: LedgerRoles } = {}): Promise<PostedRef[]> => {
  if (!entries.length) return [];
  entries.forEach((e, i) => assertValidEntry(e, i));
  const createdBy = (by ?? '').trim() || 'system';

  // Accounts must be in the chart; A/R and customer credit name the contact.
  const roles = opts.roles ?? (await loadRoles(tx));
  const codes = new Set<string>();
  for (const e of entries) for (const l of e.lines) codes.add(l.account);
  const known = await tx.selectFrom('gl_account').select(['code', 'archived']).where(inList(tx, 'code', [...codes])).execute();
  const knownCodes = new Map(known.map((a) => [a.code, toNumber(a.archived) === 1]));
  const missing = [...codes].filter((c) => !knownCodes.has(c));
  if (missing.length) {
    throw validation(
      `The G/L account${missing.length === 1 ? '' : 's'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} ${missing.length === 1 ? 'is' : 'are'} not in the chart of accounts. Add ${missing.length === 1 ? 'it' : 'them'} to the chart (Ledger → Accounts), or correct the setting or catalog item that names ${missing.length === 1 ? 'it' : 'them'}.`,
      { field: 'account', accounts: missing },
    );
  }
  entries.forEach((e, i) => {
    e.lines.forEach((l, n) => {
      if ((l.account === roles.ar || l.account === roles.credit) && !l.contactId) {
        throw validation(`Ledger entry ${i + 1}, line ${n + 1}: a line on ${l.account === roles.ar ? 'accounts receivable' : 'customer credit'} (${l.account}) must name the contact.`, { field: 'contactId' });
      }
      if (e.kind === 'manual' && knownCodes.get(l.account)) {
        throw validation(`Ledger entry ${i + 1}, line ${n + 1}: the account ${l.account} is archived; post to an account in use.`, { field: 'account' });
      }
    });
  });

  await lockResource(tx, 'ledger');

  // Source keys posted before, or repeated in this call, return the first entry.
  const keys = [...new Set(entries.map((e) => e.sourceKey).filter((k): k is string => !!k))];
  const existing = new Map<string, PostedRef>();
  if (keys.length) {
    const rows = await tx.selectFrom('ledger_entry').select(['id', 'seq', 'source_key']).where(inList(tx, 'source_key', keys)).execute();
    for (const r of rows) existing.set(r.source_key!, { id: r.id, seq: toNumber(r.seq), created: false });
  }

  const head = await tx.selectFrom('ledger_entry').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = head ? toNumber(head.seq) : 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const nowMs = deps.clock.now().getTime();
  const now = deps.clock.now().toISOString();
  const entryRows: unknown[][] = [];
  const lineRows: unknown[][] = [];
  const days = new Map<string, DayTotal>();
  const out: PostedRef[] = [];
  for (const e of entries) {
    const prior = e.sourceKey ? existing.get(e.sourceKey) : undefined;
    if (prior) {
      out.push(prior);
      continue;
    }
    const content: EntryContent = {
      id: newId(nowMs),
      seq: ++seq,
      entry_date: e.date,
      kind: e.kind,
      description: e.description.trim(),
      contact_id: e.contactId ?? null,
      invoice_id: e.invoiceId ?? null,
      payment_id: e.paymentId ?? null,
      source_key: e.sourceKey ?? null,
      created_by: createdBy,
      created_at: now,
      prev_hash: prevHash,
    };
    const lines: LineContent[] = e.lines.map((l, i) => ({
      id: newId(nowMs),
      line_no: i + 1,
      account_code: l.account,
      contact_id: l.contactId ?? null,
      invoice_id: l.invoiceId ?? null,
      debit_minor: l.debitMinor ?? 0n,
      credit_minor: l.creditMinor ?? 0n,
    }));
    const hash = entryHash(content, lines);
    prevHash = hash;
    entryRows.push([content.id, content.seq, content.entry_date, content.kind, content.description, content.contact_id, content.invoice_id, content.payment_id, content.source_key, null, content.prev_hash, hash, content.created_by, content.created_at]);
    for (const l of lines) {
      lineRows.push([l.id, content.id, l.line_no, content.entry_date, l.account_code, l.contact_id, l.invoice_id, l.debit_minor.toString(), l.credit_minor.toString()]);
      const key = `${l.account_code}\u0000${content.entry_date}`;
      const day = days.get(key) ?? { account_code: l.account_code, entry_date: content.entry_date, debit: 0n, credit: 0n, lines: 0 };
      day.debit += l.debit_minor;
      day.credit += l.credit_minor;
      day.lines++;
      days.set(key, day);
    }
    const ref = { id: content.id, seq: content.seq, created: true };
    if (content.source_key) existing.set(content.source_key, { ...ref, created: false });
    out.push(ref);
  }
  await insertRows(tx, 'ledger_entry', ENTRY_COLUMNS, entryRows, 1000);
  await insertRows(tx, 'ledger_line', LINE_COLUMNS, lineRows, 2000);
  await addDayTotals(tx, [...days.values()]);
  return out;
};

/** What a posting adds to one account on one day. */
interface DayTotal {
  account_code: string;
  entry_date: string;
  debit: bigint;
  credit: bigint;
  lines: number;
}

/**
 * Adds the lines just written to `ledger_day_total` (per account and day: Σ debit, Σ credit, lines),
 * one upsert per call; under the ledger lock, so no two postings add to a row at once.
 */
const addDayTotals = async (tx: Db, days: DayTotal[]) => {
  if (!days.length) return;
  await tx
    .insertInto('ledger_day_total')
    .values(days.map((t) => ({ account_code: t.account_code, entry_date: t.entry_date, debit_minor: t.debit.toString(), credit_minor: t.credit.toString(), lines: t.lines })))
    .onConflict((oc) =>
      oc.columns(['account_code', 'entry_date']).doUpdateSet({
        debit_minor: sql`ledger_day_total.debit_minor + excluded.debit_minor`,
        credit_minor: sql`ledger_day_total.credit_minor + excluded.credit_minor`,
        lines: sql`ledger_day_total.lines + excluded.lines`,
      }),
    )
    .execute();
};

/** Posts one entry (see `postEntries`). */
export const postEntry = async (tx: Db, deps: { clock: Clock }, by: string, entry: NewEntry, opts: { roles?: LedgerRoles } = {}): Promise<PostedRef> =>
  (await postEntries(tx, deps, by, [entry], opts))[0]!;
