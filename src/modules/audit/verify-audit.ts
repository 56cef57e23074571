import type { Executor } from '../../db/database.ts';
import { toNumber } from '../../db/database.ts';
import type { AuditLogTable } from '../../db/schema.ts';
import { verifyChain, type AuditRowContent, type ChainProblem } from './audit.ts';

/** The newest row of a verified chain. Keep it somewhere else to catch rows removed from the end later. */
export interface AuditHead {
  seq: number;
  hash: string;
  at: string;
}

export interface AuditFinding extends ChainProblem {
  /** One sentence a person can act on: which row, when, which record, what is wrong. */
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows that verified before the first problem (all rows when ok). */
  count: number;
  head: AuditHead | null;
  firstBad?: AuditFinding;
}

const BATCH = 1000;

const toContent = (r: AuditLogTable): AuditRowContent & { hash: string } => ({ ...r, seq: toNumber(r.seq) });

const describe = (r: AuditLogTable | undefined): string =>
  r ? `${r.at}, ${r.action} of ${r.entity_type} ${r.entity_id} by ${r.actor_name ?? r.actor_type}` : 'unknown row';

const explain = async (db: Executor, bad: ChainProblem): Promise<AuditFinding> => {
  const near = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>=', bad.seq - 1)
    .where('seq', '<=', bad.seq + 1)
    .orderBy('seq')
    .execute();
  const at = (seq: number) => near.find((r) => toNumber(r.seq) === seq);
  if (bad.problem === 'missing') {
    const next = await db.selectFrom('audit_log').selectAll().where('seq', '>', bad.seq).orderBy('seq').limit(1).executeTakeFirst();
    const after = at(bad.seq - 1);
    return {
      ...bad,
      message:
        `Row ${bad.seq} is missing: it was removed` +
        (after ? ` (it came after row ${bad.seq - 1}, ${describe(after)})` : '') +
        (next ? `; the chain goes on at row ${toNumber(next.seq)} (${describe(next)}).` : '.'),
    };
  }
  if (bad.problem === 'broken_link') {
    return {
      ...bad,
      message: `Row ${bad.seq} (${describe(at(bad.seq))}) does not link to row ${bad.seq - 1}: row ${bad.seq - 1} was altered and its hash recomputed, or rows were replaced.`,
    };
  }
  return { ...bad, message: `Row ${bad.seq} (${describe(at(bad.seq))}) was altered: its contents no longer match its hash.` };
};

/**
 * Verifies the hash-chained audit trail in seq order, a batch at a time (the trail can be large).
 *
 * What the chain proves: any edited field of any row (its hash no longer matches), a removed row
 * (a gap in seq), a row replaced with a recomputed hash (the next row's link breaks).
 * What it cannot prove on its own: that rows were not removed from the END — a shorter chain is
 * still a valid chain — nor that someone with write access did not rewrite the whole tail with
 * fresh hashes. For both, keep the head (seq and hash) outside the database (the CLI stores it in
 * the data directory after each successful run; it is also printed) and pass it back as `anchor`:
 * the row at that seq must still exist with that hash.
 */
export const verifyAudit = async (db: Executor, opts: { anchor?: { seq: number; hash: string } } = {}): Promise<AuditVerification> => {
  let start: { seq: number; hash: string } | undefined;
  let head: AuditHead | null = null;
  let count = 0;
  const anchor = opts.anchor;
  let anchorSeen = false;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(BATCH);
    if (start) query = query.where('seq', '>', start.seq);
    const rows = (await query.execute()).map(toContent);
    if (rows.length === 0) break;
    const result = verifyChain(rows, start);
    if (!result.ok) return { ok: false, count: count + result.count, head, firstBad: await explain(db, result.first) };
    count += result.count;
    const last = rows[rows.length - 1]!;
    if (anchor && !anchorSeen) {
      const row = rows.find((r) => r.seq === anchor.seq);
      if (row) {
        anchorSeen = true;
        if (row.hash !== anchor.hash) {
          return {
            ok: false,
            count,
            head,
            firstBad: {
              seq: anchor.seq,
              problem: 'altered',
              message: `Row ${anchor.seq} (${row.at}) is not the row verified earlier: its hash differs from the saved head, so the chain was rewritten from there on.`,
            },
          };
        }
      }
    }
    head = { seq: last.seq, hash: last.hash, at: last.at };
    start = { seq: last.seq, hash: last.hash };
    if (rows.length < BATCH) break;
  }
  if (anchor && !anchorSeen) {
    const from = (head?.seq ?? 0) + 1;
    return {
      ok: false,
      count,
      head,
      firstBad: {
        seq: from,
        problem: 'missing',
        message: `${anchor.seq > from ? `Rows ${from}–${anchor.seq} are` : `Row ${from} is`} missing: an earlier check saw the chain reach row ${anchor.seq}, but it now ends at row ${head?.seq ?? 0}. Rows were removed from the end (or an older backup was restored).`,
      },
    };
  }
  return { ok: true, count, head };
};
