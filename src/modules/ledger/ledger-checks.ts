import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database, DatabaseTarget } from '../../db/database.ts';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import type { InspectionStep, LedgerInspection } from './check-invariants.ts';
import { lastSeq, type LedgerVerification, type LedgerAnchor } from './verify-ledger.ts';
import { authorOf, type ChangedBy } from './deps.ts';

/**
 * Checking the books off the request thread. The chain walk and the invariants read the whole
 * ledger (about 20 s of one core at a million members); on SQLite, whose calls block the thread
 * that makes them, that would stop the server for everyone. They run in a worker thread with a
 * connection of its own, in one read snapshot, and a stored check (`ledger_check`) keeps its
 * progress and findings, so the ledger pages show the latest check instead of running one per visit.
 */

export interface LedgerCheckDeps {
  db: Database;
  clock: Clock;
  /** The database the worker opens (the app's own: config.database). */
  target: DatabaseTarget;
  log?: { error: (obj: object, msg: string) => void };
}

/**
 * Runs `inspectLedger` (with `verifyOnly`, only the chain walk, `verifyLedger`) in a worker thread on
 * its own connection; `onProgress` hears from it at each whole percent and each step.
 */
export const inspectOffThread = (
  target: DatabaseTarget,
  opts: { anchors?: readonly LedgerAnchor[]; verifyOnly?: boolean; onProgress?: (fraction: number, step: InspectionStep) => void } = {},
): Promise<LedgerInspection> =>
  new Promise((resolve, reject) => {
    if (target.kind === 'sqlite' && target.file === ':memory:') {
      reject(new AppError('unavailable', 'An in-memory database cannot be checked from another thread.'));
      return;
    }
    const worker = new Worker(new URL('./inspect-worker.ts', import.meta.url), { workerData: { target, anchors: opts.anchors ?? [], verifyOnly: !!opts.verifyOnly } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (m: { type: 'progress'; fraction: number; step: InspectionStep } | { type: 'done'; inspection: LedgerInspection } | { type: 'error'; message: string }) => {
      if (m.type === 'progress') opts.onProgress?.(m.fraction, m.step);
      else if (m.type === 'done') settle(() => resolve(m.inspection));
      else settle(() => reject(new AppError('unavailable', `The ledger check could not read the database: ${m.message}`)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new AppError('unavailable', `The ledger check stopped (worker exit code ${code}).`))));
  });

export interface LedgerCheck {
  id: string;
  status: 'running' | 'done' | 'failed';
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** 0–1 while running; 1 when done. */
  progress: number;
  step: InspectionStep | null;
  /** The last entry when the check started (later entries are not covered). */
  headSeq: number | null;
  /** Done: the chain verified and no invariant is violated. Null while running or failed. */
  ok: boolean | null;
  verification: LedgerVerification | null;
  violations: string[] | null;
  /** Failed: why the check could not run. */
  error: string | null;
}

type Row = DB['ledger_check'];

const toCheck = (r: Row): LedgerCheck => {
  const result = r.result ? (JSON.parse(r.result) as LedgerInspection) : null;
  return {
    id: r.id,
    status: r.status as LedgerCheck['status'],
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    progress: toNumber(r.progress_permille) / 1000,
    step: (r.step as InspectionStep | null) ?? null,
    headSeq: r.head_seq === null ? null : toNumber(r.head_seq),
    ok: r.ok === null ? null : toNumber(r.ok) === 1,
    verification: result?.verification ?? null,
    violations: result?.violations ?? null,
    error: r.error,
  };
};

/** A check still marked running an hour after it started died with its process; a new one may start. */
const isStale = (startedAt: string, nowMs: number) => nowMs - Date.parse(startedAt) >= 60 * 60 * 1000;

export const getLedgerCheck = async (db: Kysely<DB>, id: string): Promise<LedgerCheck> => {
  const row = await db.selectFrom('ledger_check').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Ledger check ${id}`);
  return toCheck(row);
};

/** The latest check, and the ledger's last entry now (entries after the check's `headSeq` are not covered by it). */
export const latestLedgerCheck = async (db: Kysely<DB>): Promise<{ check: LedgerCheck | null; headSeq: number }> => {
  const row = await db.selectFrom('ledger_check').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return { check: row ? toCheck(row) : null, headSeq: await lastSeq(db) };
};

/**
 * Starts a check in the background and returns it (running), or the one already running: one at a
 * time. `done` settles when it has finished (stored as done or failed; it never rejects).
 */
export const startLedgerCheck = async (deps: LedgerCheckDeps, by: ChangedBy): Promise<{ check: LedgerCheck; done: Promise<LedgerCheck> }> => {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const id = newId(nowMs);
  const startedAt = now.toISOString();
  const running = await deps.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('ledger_check').selectAll().where('status', '=', 'running').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    if (current && !isStale(current.started_at, nowMs)) return current;
    if (current) await tx.updateTable('ledger_check').set({ status: 'failed', finished_at: startedAt, error: 'It stopped with the process that ran it.' }).where('id', '=', current.id).execute();
    await tx
      .insertInto('ledger_check')
      .values({ id, status: 'running', started_by: authorOf(by), started_at: startedAt, finished_at: null, progress_permille: 0, step: null, head_seq: await lastSeq(tx), ok: null, result: null, error: null })
      .execute();
    return null;
  });
  if (running) {
    const check = toCheck(running);
    return { check, done: waitFor(deps, check.id) };
  }
  let lastWrite = Promise.resolve();
  const done = inspectOffThread(deps.target, {
    onProgress: (fraction, step) => {
      lastWrite = lastWrite.then(async () => {
        await deps.db.updateTable('ledger_check').set({ progress_permille: Math.round(fraction * 1000), step }).where('id', '=', id).where('status', '=', 'running').execute();
      });
    },
  })
    .then(async (inspection) => {
      await lastWrite;
      await deps.db
        .updateTable('ledger_check')
        .set({ status: 'done', finished_at: deps.clock.now().toISOString(), progress_permille: 1000, step: null, ok: inspection.violations.length === 0 ? 1 : 0, result: JSON.stringify(inspection) })
        .where('id', '=', id)
        .execute();
    })
    .catch(async (e: unknown) => {
      deps.log?.error({ err: e, checkId: id }, 'ledger check failed');
      await lastWrite.catch(() => undefined);
      await deps.db
        .updateTable('ledger_check')
        .set({ status: 'failed', finished_at: deps.clock.now().toISOString(), step: null, error: e instanceof Error ? e.message : String(e) })
        .where('id', '=', id)
        .execute();
    })
    .then(() => getLedgerCheck(deps.db, id));
  return { check: await getLedgerCheck(deps.db, id), done };
};

/** Polls a check another caller started until it has finished. */
const waitFor = async (deps: { db: Kysely<DB>; clock: Clock }, id: string): Promise<LedgerCheck> => {
  for (;;) {
    const check = await getLedgerCheck(deps.db, id);
    if (check.status !== 'running' || isStale(check.startedAt, deps.clock.now().getTime())) return check;
    await new Promise((r) => setTimeout(r, 250));
  }
};
