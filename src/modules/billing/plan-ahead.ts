/**
 * Where the billing run gets its batches: the payers of each batch and, when it can, the batch
 * planned ahead.
 *
 * SQLite answers on the thread that asks, so a run that reads and plans a batch and then writes it
 * uses one core for both. On a SQLite file a worker thread (plan-worker.ts) with a connection of its
 * own reads and plans the next batches while the run writes this one: at a million members about a
 * fifth of the run's time, reads and planning, moves to the other core.
 *
 * A plan made ahead was read from a snapshot taken before the run took its lock, so it stands only
 * if nothing but the run has written since it was asked for: the run takes the write lock, then
 * compares `pragma data_version` (changes by any other connection, in any process) and
 * `total_changes()` (changes by any other statement on its own connection, which the server shares
 * with requests) with what they were when the run last let go. Anything else written, and the batch
 * is planned again under the lock from fresh reads, exactly as a run without a worker plans every
 * batch. The run's own batches touch only their own payers, so they never make a later plan stale.
 *
 * PostgreSQL (whose work runs in its own processes already), in-memory databases, dry runs and runs
 * of one or two batches read and plan each batch under the lock.
 */
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import { toNumber, type DatabaseTarget } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { CatalogSnapshot } from './catalog-snapshot.ts';
import { duePayers, type BatchPlan, type DuePayers, type PlannerSetup } from './plan-batch.ts';

export type AheadRequest = { type: 'plan'; ask: number; nowMs: number } | { type: 'stop' };
export type AheadReply =
  | { type: 'plan'; ask: number; due: DuePayers; plan: BatchPlan }
  | { type: 'end'; ask: number }
  | { type: 'error'; ask: number; message: string };

/** The next batch: its payers and, when planned ahead, its plan (to be checked under the lock). */
export interface NextBatch {
  due: DuePayers;
  ahead?: { plan: BatchPlan; ask: number };
}

/** How the run's batches were planned (in the run's result, for the benchmarks and the curious). */
export interface PlanningStats {
  /** Batches written as planned ahead by the worker. */
  ahead: number;
  /** Batches read and planned under the lock (no worker, or something else wrote since the plan was asked for). */
  underLock: number;
  /** Why the worker stopped helping, when it did: the run went on without it. */
  workerError?: string;
}

export interface BatchSource {
  next(): Promise<NextBatch | null>;
  /** Under the run's lock, first thing in the batch's transaction: the plan made ahead if it still stands. */
  planStands(tx: Kysely<DB>, batch: NextBatch): Promise<BatchPlan | null>;
  /** Under the lock, after the batch's last write. */
  written(tx: Kysely<DB>): Promise<void>;
  readonly stats: PlanningStats;
  close(): Promise<void>;
}

/** Pages through the due payers on the run's own connection; every batch is planned under the lock. */
const inlineSource = (db: Kysely<DB>, setup: PlannerSetup, after = '', stats: PlanningStats = { ahead: 0, underLock: 0 }): BatchSource => {
  const only = setup.onlyItems ? new Set(setup.onlyItems) : undefined;
  return {
    stats,
    next: async () => {
      const due = await duePayers(db, setup.asOf, after, setup.batchSize, only);
      if (!due.payers.length) return null;
      after = due.payers[due.payers.length - 1]!;
      return { due };
    },
    planStands: async () => {
      stats.underLock++;
      return null;
    },
    written: async () => {},
    close: async () => {},
  };
};

/** Plans requested ahead of the batch being written. Two keep the worker busy while a batch is written. */
const DEPTH = 2;

/** What others have written, as the run's connection sees it (see the top of this file). */
const writeMarks = async (db: Kysely<DB>): Promise<string> => {
  const { rows } = await sql<{ n: number | bigint }>`select total_changes() as n`.execute(db);
  const dv = await sql<{ data_version: number | bigint }>`pragma data_version`.execute(db);
  return `${toNumber(rows[0]!.n)}:${toNumber(dv.rows[0]!.data_version)}`;
};

/**
 * A batch source for a SQLite file with a planner thread: asks for `DEPTH` plans ahead and one
 * more as each is taken. If the worker fails, the run goes on planning under the lock from where
 * the worker's last plan ended (`stats.workerError` says why).
 */
const aheadSource = async (db: Kysely<DB>, target: DatabaseTarget, setup: PlannerSetup, catalog: CatalogSnapshot, now: () => number): Promise<BatchSource> => {
  const stats: PlanningStats = { ahead: 0, underLock: 0 };
  /** Bumped whenever the run finds that something else wrote; each request remembers the value it was made at. */
  let epoch = 0;
  let marks = await writeMarks(db);
  const askedAt = new Map<number, number>();
  const replies = new Map<number, AheadReply>();
  let waiting: { ask: number; resolve: (r: AheadReply) => void } | null = null;
  let asked = 0;
  let taken = 0;
  let after = '';
  let fallback: BatchSource | null = null;
  let finished = false;

  // No heap limit: the worker holds one batch at a time, but with a limit of 64-128 MiB its garbage
  // collections took the second core from the run (100k members: 10-11 s → 12-13.5 s). It adds about
  // 250 MiB to the process at 1M (a second copy of the code, its heap and its page cache).
  const worker = new Worker(new URL('./plan-worker.ts', import.meta.url), { workerData: { ...setup, target, catalog } });
  const deliver = (r: AheadReply) => {
    if (waiting && waiting.ask === r.ask) {
      const w = waiting;
      waiting = null;
      w.resolve(r);
    } else replies.set(r.ask, r);
  };
  const fail = (message: string) => {
    // The request waited on and every one not answered yet get the failure (the run then plans under the lock).
    if (waiting) deliver({ type: 'error', ask: waiting.ask, message });
    for (let a = taken; a < asked; a++) if (!replies.has(a)) replies.set(a, { type: 'error', ask: a, message });
  };
  worker.on('message', deliver);
  worker.on('error', (e) => fail(e.message));
  worker.on('exit', (code) => {
    finished = true;
    fail(`the planner thread stopped (exit code ${code})`);
  });
  const ask = () => {
    const a = asked++;
    askedAt.set(a, epoch);
    // A thread that has stopped answers nothing: the request fails at once (the run then plans under the lock).
    if (finished) replies.set(a, { type: 'error', ask: a, message: 'the planner thread has stopped' });
    else worker.postMessage({ type: 'plan', ask: a, nowMs: now() } satisfies AheadRequest);
  };
  const reply = (a: number): Promise<AheadReply> => {
    const r = replies.get(a);
    if (r) {
      replies.delete(a);
      return Promise.resolve(r);
    }
    return new Promise((resolve) => (waiting = { ask: a, resolve }));
  };
  for (let i = 0; i < DEPTH; i++) ask();

  const stop = async () => {
    if (finished) return;
    finished = true;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'stop' } satisfies AheadRequest);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await worker.terminate();
  };

  return {
    stats,
    next: async () => {
      if (fallback) return fallback.next();
      const r = await reply(taken++);
      if (r.type === 'error') {
        stats.workerError = r.message;
        await stop();
        fallback = inlineSource(db, setup, after, stats);
        return fallback.next();
      }
      if (r.type === 'end') {
        await stop();
        return null;
      }
      ask();
      after = r.due.payers[r.due.payers.length - 1]!;
      return { due: r.due, ahead: { plan: r.plan, ask: r.ask } };
    },
    planStands: async (tx, batch) => {
      // Take the write lock first (a write that writes nothing): from here on nobody else commits.
      await sql`delete from billing_run where 0 = 1`.execute(tx);
      const now = await writeMarks(tx);
      if (now !== marks) epoch++;
      marks = now;
      if (batch.ahead && askedAt.get(batch.ahead.ask) === epoch) {
        askedAt.delete(batch.ahead.ask);
        stats.ahead++;
        return batch.ahead.plan;
      }
      stats.underLock++;
      return null;
    },
    written: async (tx) => {
      marks = await writeMarks(tx);
    },
    close: () => (fallback ? fallback.close() : stop()),
  };
};

/**
 * The batches of a run: planned ahead by a worker thread on a SQLite file when the run has more
 * than two batches to write, otherwise read and planned under the lock.
 */
export const batchSource = async (
  db: Kysely<DB>,
  opts: { target?: DatabaseTarget; planAhead: boolean; setup: PlannerSetup; catalog: CatalogSnapshot; totalPayers: number; now: () => number },
): Promise<BatchSource> => {
  const { target, setup } = opts;
  const worthIt = opts.planAhead && target?.kind === 'sqlite' && target.file !== ':memory:' && opts.totalPayers > 2 * setup.batchSize;
  return worthIt ? aheadSource(db, target, setup, opts.catalog, opts.now) : inlineSource(db, setup);
};
