import { createHash } from 'node:crypto';
import { validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';

/**
 * The general ledger: types and pure rules. Every money event posts one balanced entry (Σ debit =
 * Σ credit > 0, each line on one side only); entries are append-only and hash-chained in `seq`
 * order; closed journals hash the entries they hold and the journal before. No I/O here.
 */

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const ACCOUNT_CODE = /^\d{5}-\d{4}$/;

export const ENTRY_KINDS = ['invoice', 'credit_note', 'void', 'payment', 'reversal', 'credit_applied', 'refund', 'writeoff', 'fee', 'manual'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const GENESIS_HASH = '0'.repeat(64);
export const MAX_DESCRIPTION = 500;
export const MAX_LINES_PER_ENTRY = 10_000;

export interface NewEntryLine {
  /** G/L account code NNNNN-NNNN. */
  account: string;
  debitMinor?: bigint;
  creditMinor?: bigint;
  /** Required on the A/R and customer-credit accounts (settings ledger.ar_account, ledger.credit_account). */
  contactId?: string | null;
  invoiceId?: string | null;
}

export interface NewEntry {
  /** YYYY-MM-DD: the day the event belongs to (invoice date, payment date). */
  date: string;
  kind: EntryKind;
  description: string;
  contactId?: string | null;
  invoiceId?: string | null;
  paymentId?: string | null;
  /** Posts once: a second entry with the same key is skipped and the first returned ('invoice:<id>', 'payment:<id>', …). */
  sourceKey?: string | null;
  lines: NewEntryLine[];
}

/** A line as stored and hashed. */
export interface LineContent {
  id: string;
  line_no: number;
  account_code: string;
  contact_id: string | null;
  invoice_id: string | null;
  debit_minor: bigint;
  credit_minor: bigint;
}

/** An entry as stored and hashed (journal_id is set later and is not part of the entry's hash). */
export interface EntryContent {
  id: string;
  seq: number;
  entry_date: string;
  kind: string;
  description: string;
  contact_id: string | null;
  invoice_id: string | null;
  payment_id: string | null;
  source_key: string | null;
  created_by: string;
  created_at: string;
  prev_hash: string;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The hash of an entry: SHA-256 over canonical JSON (a fixed-order array) of every field of the
 * entry, the previous entry's hash, and every line in line order (amounts as decimal strings).
 */
export const entryHash = (e: EntryContent, lines: readonly LineContent[]): string =>
  sha(
    JSON.stringify([
      e.seq,
      e.id,
      e.entry_date,
      e.kind,
      e.description,
      e.contact_id,
      e.invoice_id,
      e.payment_id,
      e.source_key,
      e.created_by,
      e.created_at,
      e.prev_hash,
      [...lines]
        .sort((a, b) => a.line_no - b.line_no)
        .map((l) => [l.line_no, l.id, l.account_code, l.contact_id, l.invoice_id, l.debit_minor.toString(), l.credit_minor.toString()]),
    ]),
  );

/** Σ debit and Σ credit of lines. */
export const sides = (lines: readonly { debitMinor?: bigint; creditMinor?: bigint }[]) => {
  let debit = 0n;
  let credit = 0n;
  for (const l of lines) {
    debit += l.debitMinor ?? 0n;
    credit += l.creditMinor ?? 0n;
  }
  return { debit, credit };
};

const what = (entry: Pick<NewEntry, 'description' | 'sourceKey'>, index: number) =>
  `Ledger entry ${index + 1} ("${entry.description?.slice(0, 60) ?? ''}"${entry.sourceKey ? `, ${entry.sourceKey}` : ''})`;

/**
 * Refuses an entry that is not a well-formed double entry: no lines, a line with both or neither
 * side, a negative amount, debits that differ from credits, or nothing at all moved.
 */
export const assertValidEntry = (entry: NewEntry, index = 0): void => {
  const w = what(entry, index);
  if (!entry || typeof entry !== 'object') throw validation(`${w} is missing.`);
  if (!isIsoDate(entry.date)) throw validation(`${w}: the date must be written YYYY-MM-DD; got "${entry.date}".`, { field: 'date' });
  if (!(ENTRY_KINDS as readonly string[]).includes(entry.kind)) throw validation(`${w}: the kind must be one of ${ENTRY_KINDS.join(', ')}; got "${entry.kind}".`, { field: 'kind' });
  if (typeof entry.description !== 'string' || !entry.description.trim()) throw validation(`${w}: write a description.`, { field: 'description' });
  if (entry.description.length > MAX_DESCRIPTION) throw validation(`${w}: the description has more than ${MAX_DESCRIPTION} characters.`, { field: 'description' });
  if (!Array.isArray(entry.lines) || entry.lines.length < 2) throw validation(`${w} needs at least two lines: something debited and something credited.`, { field: 'lines' });
  if (entry.lines.length > MAX_LINES_PER_ENTRY) throw validation(`${w} has more than ${MAX_LINES_PER_ENTRY} lines.`, { field: 'lines' });
  entry.lines.forEach((l, i) => {
    const lw = `${w}, line ${i + 1}`;
    if (!ACCOUNT_CODE.test(l.account ?? '')) throw validation(`${lw}: the account "${l.account}" must be written NNNNN-NNNN, like 31000-0000.`, { field: 'account' });
    const d = l.debitMinor ?? 0n;
    const c = l.creditMinor ?? 0n;
    if (typeof d !== 'bigint' || typeof c !== 'bigint') throw validation(`${lw}: amounts must be whole minor units (bigint).`);
    if (d < 0n || c < 0n) throw validation(`${lw}: amounts are never negative; put the amount on the other side instead.`, { field: 'lines' });
    if (d > 0n && c > 0n) throw validation(`${lw} has both a debit and a credit; a line is on one side only.`, { field: 'lines' });
    if (d === 0n && c === 0n) throw validation(`${lw} moves nothing (debit and credit are both 0).`, { field: 'lines' });
  });
  const { debit, credit } = sides(entry.lines);
  if (debit !== credit) throw validation(`${w} does not balance: debits ${debit} and credits ${credit} (minor units) must be equal.`, { field: 'lines' });
};

/**
 * Builds entry lines from signed amounts per account: a positive amount goes on `positiveSide`,
 * a negative one on the other side, zero is left out. Lines on one account with the same contact
 * and invoice are added together, in the order they first appear.
 */
export const signedLines = (
  items: readonly { account: string; amount: bigint; contactId?: string | null; invoiceId?: string | null }[],
  positiveSide: 'debit' | 'credit',
): NewEntryLine[] => {
  const by = new Map<string, { account: string; amount: bigint; contactId: string | null; invoiceId: string | null }>();
  for (const it of items) {
    const key = `${it.account}\u0000${it.contactId ?? ''}\u0000${it.invoiceId ?? ''}`;
    const t = by.get(key);
    if (t) t.amount += it.amount;
    else by.set(key, { account: it.account, amount: it.amount, contactId: it.contactId ?? null, invoiceId: it.invoiceId ?? null });
  }
  const out: NewEntryLine[] = [];
  for (const t of by.values()) {
    if (t.amount === 0n) continue;
    const positive = t.amount > 0n;
    const abs = positive ? t.amount : -t.amount;
    const debit = positive === (positiveSide === 'debit');
    out.push({ account: t.account, ...(debit ? { debitMinor: abs } : { creditMinor: abs }), contactId: t.contactId, invoiceId: t.invoiceId });
  }
  return out;
};

/** The mirror of an entry's lines: every debit becomes a credit and the other way round. */
export const mirrorLines = (lines: readonly NewEntryLine[]): NewEntryLine[] =>
  lines.map((l) => ({
    account: l.account,
    ...(l.creditMinor ? { debitMinor: l.creditMinor } : {}),
    ...(l.debitMinor ? { creditMinor: l.debitMinor } : {}),
    contactId: l.contactId ?? null,
    invoiceId: l.invoiceId ?? null,
  }));

// ---- journals

export interface JournalSummary {
  byKind: { kind: string; entries: number; debit: string; credit: string }[];
  byAccount: { account: string; name: string; debit: string; credit: string }[];
}

export interface JournalContent {
  id: string;
  seq: number;
  up_to: string;
  first_seq: number | null;
  last_seq: number | null;
  entry_count: number;
  debit_minor: bigint;
  credit_minor: bigint;
  summary: string;
  prev_hash: string;
  closed_by: string;
  closed_at: string;
}

/** Hashes entry hashes in seq order, incrementally (a journal can hold hundreds of thousands). */
export class EntriesDigest {
  private readonly h = createHash('sha256');
  count = 0;
  add(entryHash: string): void {
    this.h.update(entryHash + '\n');
    this.count++;
  }
  digest(): string {
    return this.h.digest('hex');
  }
}

/** The journal's hash: every field, the digest of its entries' hashes (seq order) and the previous journal's hash. */
export const journalHash = (j: JournalContent, entriesDigest: string): string =>
  sha(
    JSON.stringify([
      j.seq,
      j.id,
      j.up_to,
      j.first_seq,
      j.last_seq,
      j.entry_count,
      j.debit_minor.toString(),
      j.credit_minor.toString(),
      j.summary,
      entriesDigest,
      j.prev_hash,
      j.closed_by,
      j.closed_at,
    ]),
  );

/** Adds up a journal's summary (by entry kind and by account) in a stable order; the same input gives the same JSON. */
export class SummaryBuilder {
  private readonly kinds = new Map<string, { entries: number; debit: bigint; credit: bigint }>();
  private readonly accounts = new Map<string, { debit: bigint; credit: bigint }>();
  debit = 0n;
  credit = 0n;
  addEntry(kind: string, lines: readonly { account_code: string; debit_minor: bigint; credit_minor: bigint }[]): void {
    const k = this.kinds.get(kind) ?? { entries: 0, debit: 0n, credit: 0n };
    k.entries++;
    for (const l of lines) {
      k.debit += l.debit_minor;
      k.credit += l.credit_minor;
      const a = this.accounts.get(l.account_code) ?? { debit: 0n, credit: 0n };
      a.debit += l.debit_minor;
      a.credit += l.credit_minor;
      this.accounts.set(l.account_code, a);
      this.debit += l.debit_minor;
      this.credit += l.credit_minor;
    }
    this.kinds.set(kind, k);
  }
  build(names: ReadonlyMap<string, string>): JournalSummary {
    return {
      byKind: [...this.kinds.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([kind, v]) => ({ kind, entries: v.entries, debit: v.debit.toString(), credit: v.credit.toString() })),
      byAccount: [...this.accounts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([account, v]) => ({ account, name: names.get(account) ?? '', debit: v.debit.toString(), credit: v.credit.toString() })),
    };
  }
}
