import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import type { DB, JournalTable } from '../../db/schema.ts';
import { EntriesDigest, entryHash, GENESIS_HASH, journalHash, SummaryBuilder, type JournalContent, type JournalSummary, type LineContent } from './ledger.ts';
import { inList, toEntryContent, toLineContent } from './ledger-db.ts';

type Db = Kysely<DB>;

export interface LedgerFinding {
  type: 'entry' | 'journal';
  /** The entry's or the journal's seq. */
  seq: number;
  id: string | null;
  problem: 'altered' | 'missing' | 'broken_link' | 'unbalanced' | 'entries_changed' | 'unknown_journal';
  /** One sentence a person can act on. */
  message: string;
}

export interface LedgerVerification {
  ok: boolean;
  /** Entries and journals that verified. */
  entries: number;
  journals: number;
  head: { seq: number; hash: string; date: string } | null;
  /** The anchors given that the chain still has (entry seqs). */
  anchored: number[];
  firstBad?: LedgerFinding;
}

/**
 * An entry's seq and hash kept outside the database (as `ledger verify` prints the head: in the
 * annual report, an e-mail to the auditor). The chain proves every edit of an entry it still has,
 * but someone who rewrites the database can recompute every hash after an edit, or cut entries off
 * the end; an anchor from before shows both.
 */
export interface LedgerAnchor {
  seq: number;
  hash: string;
}

/** "SEQ:HASH", as `ledger verify` prints the head (hash: 64 hex digits). */
export const parseAnchor = (text: string): LedgerAnchor => {
  const m = /^\s*(\d{1,15})\s*:\s*([0-9a-fA-F]{64})\s*$/.exec(String(text ?? ''));
  if (!m || Number(m[1]) < 1) {
    throw validation(`An anchor is an entry's number and hash as \`ledger verify\` prints the head, like 1234:9f86d081884c7d65… (64 hex digits); got "${String(text ?? '').slice(0, 80)}".`, { field: 'anchor' });
  }
  return { seq: Number(m[1]), hash: m[2]!.toLowerCase() };
};

/** The seq of the ledger's last entry (0 when it has none). */
export const lastSeq = async (db: Db): Promise<number> => toNumber((await db.selectFrom('ledger_entry').select((eb) => eb.fn.max('seq').as('s')).executeTakeFirst())?.s ?? 0);

const BATCH = 1000;

interface JournalTally {
  digest: EntriesDigest;
  summary: SummaryBuilder;
  first: number | null;
  last: number | null;
  /** The first entry that names this journal (for messages when the journal does not exist). */
  firstEntry: { seq: number; id: string };
}

const entryLabel = (e: { seq: number; entry_date: string; kind: string; description: string }) => `entry ${e.seq} (${e.entry_date}, ${e.kind}: ${e.description})`;

const parseSummaryNames = (text: string): Map<string, string> => {
  try {
    const s = JSON.parse(text) as JournalSummary;
    return new Map((s.byAccount ?? []).map((a) => [a.account, a.name]));
  } catch {
    return new Map();
  }
};

export const toJournalContent = (r: JournalTable): JournalContent => ({
  id: r.id,
  seq: toNumber(r.seq),
  up_to: r.up_to,
  first_seq: r.first_seq === null ? null : toNumber(r.first_seq),
  last_seq: r.last_seq === null ? null : toNumber(r.last_seq),
  entry_count: toNumber(r.entry_count),
  debit_minor: toBigInt(r.debit_minor),
  credit_minor: toBigInt(r.credit_minor),
  summary: r.summary,
  prev_hash: r.prev_hash,
  closed_by: r.closed_by,
  closed_at: r.closed_at,
});

/**
 * Walks the entry chain in seq order (a batch at a time) and then the journals, and names the
 * first entry or journal that was altered. It proves: an edited entry or line (its hash no longer
 * matches), a removed or inserted entry (a gap in seq, a broken link), an entry moved into or out
 * of a closed journal, an edited or removed journal. A journal covers its entries, so removing
 * journaled entries from the end is caught too; entries not yet journalized are only as safe as
 * the chain (rows removed from the very end leave a shorter valid chain): journalize regularly.
 */
export const verifyLedger = async (db: Db, opts: { anchors?: readonly LedgerAnchor[]; onProgress?: (fraction: number) => void } = {}): Promise<LedgerVerification> => {
  // Progress: entries walked of the last entry when the walk starts.
  const last = opts.onProgress ? await lastSeq(db) : 0;
  const tallies = new Map<string, JournalTally>();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let head: LedgerVerification['head'] = null;
  let count = 0;
  const anchors = new Map((opts.anchors ?? []).map((a) => [a.seq, a.hash.toLowerCase()]));
  const anchored: number[] = [];
  const fail = (firstBad: LedgerFinding, journals = 0): LedgerVerification => ({ ok: false, entries: count, journals, head, anchored, firstBad });

  for (;;) {
    const entries = await db.selectFrom('ledger_entry').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(BATCH).execute();
    if (!entries.length) break;
    const lineRows = await db
      .selectFrom('ledger_line')
      .select(['id', 'entry_id', 'line_no', 'entry_date', 'account_code', 'contact_id', 'invoice_id', 'debit_minor', 'credit_minor'])
      .where(inList(db, 'entry_id', entries.map((e) => e.id)))
      .execute();
    const linesOf = new Map<string, (LineContent & { entry_date: string })[]>();
    for (const r of lineRows) {
      const list = linesOf.get(r.entry_id) ?? [];
      list.push({ ...toLineContent(r), entry_date: r.entry_date });
      linesOf.set(r.entry_id, list);
    }
    for (const row of entries) {
      const e = toEntryContent(row);
      const lines = (linesOf.get(e.id) ?? []).sort((a, b) => a.line_no - b.line_no);
      if (e.seq !== expectedSeq) {
        return fail({ type: 'entry', seq: expectedSeq, id: null, problem: 'missing', message: `Ledger entry ${expectedSeq} is missing: it was removed${expectedSeq > 1 ? ` (it came after entry ${expectedSeq - 1})` : ''}; the chain goes on at ${entryLabel(e)}.` });
      }
      if (e.prev_hash !== prevHash) {
        return fail({
          type: 'entry',
          seq: e.seq,
          id: e.id,
          problem: 'broken_link',
          message: `Ledger ${entryLabel(e)} does not link to entry ${e.seq - 1}: entry ${e.seq - 1} was altered and its hash recomputed, or entries were replaced.`,
        });
      }
      if (entryHash(e, lines) !== row.hash || lines.some((l) => l.entry_date !== e.entry_date)) {
        return fail({ type: 'entry', seq: e.seq, id: e.id, problem: 'altered', message: `Ledger ${entryLabel(e)} was altered: its contents or lines no longer match its hash.` });
      }
      let debit = 0n;
      let credit = 0n;
      for (const l of lines) {
        debit += l.debit_minor;
        credit += l.credit_minor;
      }
      if (debit !== credit || debit <= 0n) {
        return fail({ type: 'entry', seq: e.seq, id: e.id, problem: 'unbalanced', message: `Ledger ${entryLabel(e)} does not balance: debits ${debit}, credits ${credit} (minor units).` });
      }
      const recorded = anchors.get(e.seq);
      if (recorded !== undefined) {
        if (recorded !== row.hash) {
          return fail({
            type: 'entry',
            seq: e.seq,
            id: e.id,
            problem: 'altered',
            message: `Ledger ${entryLabel(e)} has the hash ${row.hash}, not ${recorded} as recorded: the chain was rewritten at or before this entry and its hashes recomputed.`,
          });
        }
        anchored.push(e.seq);
      }
      if (row.journal_id) {
        let t = tallies.get(row.journal_id);
        if (!t) {
          t = { digest: new EntriesDigest(), summary: new SummaryBuilder(), first: null, last: null, firstEntry: { seq: e.seq, id: e.id } };
          tallies.set(row.journal_id, t);
        }
        t.digest.add(row.hash);
        t.summary.addEntry(e.kind, lines);
        t.first ??= e.seq;
        t.last = e.seq;
      }
      prevHash = row.hash;
      head = { seq: e.seq, hash: row.hash, date: e.entry_date };
      expectedSeq++;
      count++;
    }
    opts.onProgress?.(last ? Math.min(1, count / last) : 1);
    if (entries.length < BATCH) break;
  }

  // An anchor past the end: entries were cut off the end (the rest of the chain still verifies).
  const beyond = [...anchors.keys()].filter((seq) => seq > (head?.seq ?? 0)).sort((a, b) => a - b)[0];
  if (beyond !== undefined) {
    return fail({
      type: 'entry',
      seq: beyond,
      id: null,
      problem: 'missing',
      message: `Ledger entry ${beyond} is missing: it was recorded with the hash ${anchors.get(beyond)}, but the ledger ends at ${head ? `entry ${head.seq}` : 'no entry'}; entries were removed from the end.`,
    });
  }

  // Journals, in seq order: each links to the one before and hashes exactly the entries that name it.
  const journalRows = await db.selectFrom('journal').selectAll().orderBy('seq').execute();
  const journals = journalRows.map(toJournalContent);
  const hashes = new Map(journalRows.map((r) => [r.id, r.hash]));
  let jPrev = GENESIS_HASH;
  let jCount = 0;
  for (let i = 0; i < journals.length; i++) {
    const j = journals[i]!;
    const label = `Journal ${j.seq} (entries up to ${j.up_to}, closed ${j.closed_at.slice(0, 10)} by ${j.closed_by})`;
    if (j.seq !== i + 1) {
      return fail({ type: 'journal', seq: i + 1, id: null, problem: 'missing', message: `Journal ${i + 1} is missing: it was removed; the journals go on at ${label}.` }, jCount);
    }
    if (j.prev_hash !== jPrev) {
      return fail({ type: 'journal', seq: j.seq, id: j.id, problem: 'broken_link', message: `${label} does not link to journal ${j.seq - 1}: journal ${j.seq - 1} was altered and its hash recomputed, or journals were replaced.` }, jCount);
    }
    const t = tallies.get(j.id);
    tallies.delete(j.id);
    const digest = t ? t.digest.digest() : new EntriesDigest().digest();
    if (journalHash(j, digest) !== hashes.get(j.id)) {
      const now = {
        count: t?.digest.count ?? 0,
        debit: t?.summary.debit ?? 0n,
        credit: t?.summary.credit ?? 0n,
        summary: JSON.stringify((t?.summary ?? new SummaryBuilder()).build(parseSummaryNames(j.summary))),
        first: t?.first ?? null,
        last: t?.last ?? null,
      };
      const fieldsMatch = now.count === j.entry_count && now.debit === j.debit_minor && now.credit === j.credit_minor && now.summary === j.summary && now.first === j.first_seq && now.last === j.last_seq;
      const message = !fieldsMatch
        ? `${label} no longer matches its entries: it was closed with ${j.entry_count} entries (debit ${j.debit_minor}, credit ${j.credit_minor}) and the entries that name it now count ${now.count} (debit ${now.debit}, credit ${now.credit}); entries were moved into or out of it, or its sums were edited.`
        : `${label} was altered: its contents no longer match its hash, or its entries were replaced by others with the same sums.`;
      return fail({ type: 'journal', seq: j.seq, id: j.id, problem: fieldsMatch ? 'altered' : 'entries_changed', message }, jCount);
    }
    jPrev = hashes.get(j.id)!;
    jCount++;
  }
  for (const [journalId, t] of tallies) {
    return fail(
      { type: 'entry', seq: t.firstEntry.seq, id: t.firstEntry.id, problem: 'unknown_journal', message: `Ledger entry ${t.firstEntry.seq} names journal ${journalId}, which does not exist: the journal was removed or the entry was edited.` },
      jCount,
    );
  }
  return { ok: true, entries: count, journals: jCount, head, anchored };
};
