import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AppContext } from '../app.ts';
import type { DB, JobTable } from '../db/schema.ts';
import { toNumber } from '../db/database.ts';
import type { JobHandler, JobRegistry, RunningJob } from './registry.ts';
import { PermanentJobError, errorText } from './errors.ts';
import { SCHEDULED_TASK_JOB, runScheduledTask } from './scheduler.ts';

export type JobRow = Selectable<JobTable>;

/** A job left 'running' this long without a heartbeat belongs to a process that died. */
export const STUCK_AFTER_MS = 10 * 60_000;
/** While a job runs, its lock is refreshed this often, so long jobs are never taken for stuck ones. */
const HEARTBEAT_MS = 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 60 * 60_000;

/** Identifies this process in `job.locked_by`. */
export const newWorkerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Delay before try number `attempts + 1`: 30 s, 1 min, 2 min, … doubling, ±20 % jitter so failed
 * jobs don't come back in lockstep, never more than an hour.
 */
export const backoffMs = (attempts: number, random: () => number = Math.random): number => {
  const exp = BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
  return Math.round(Math.min(BACKOFF_CAP_MS, exp * (0.8 + 0.4 * random())));
};

const counts = () => ({ recovered: 0, ran: 0, done: 0, retrying: 0, failed: 0 });
export type RunCounts = ReturnType<typeof counts>;

/**
 * Puts jobs whose process died mid-run back in the queue. The interrupted try counts as an
 * attempt, so a job that crashes the process every time ends up 'failed' rather than looping.
 */
export const recoverStuckJobs = async (ctx: AppContext, stuckAfterMs = STUCK_AFTER_MS): Promise<number> => {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - stuckAfterMs).toISOString();
  const stuck = await ctx.db
    .selectFrom('job')
    .select(['id', 'type', 'attempts', 'max_attempts', 'locked_at'])
    .where('status', '=', 'running')
    .where('locked_at', '<', cutoff)
    .execute();
  let recovered = 0;
  for (const job of stuck) {
    const attempts = toNumber(job.attempts) + 1;
    const failed = attempts >= toNumber(job.max_attempts);
    const res = await ctx.db
      .updateTable('job')
      .set({
        status: failed ? 'failed' : 'pending',
        attempts,
        run_at: now.toISOString(),
        last_error: 'The process running this job stopped before it finished.',
        locked_by: null,
        locked_at: null,
        updated_at: now.toISOString(),
        finished_at: failed ? now.toISOString() : null,
      })
      // Only if nobody else recovered it (or its worker finished) in the meantime.
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_at', '=', job.locked_at)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) {
      recovered++;
      ctx.log.warn({ jobId: job.id, type: job.type, failed }, 'recovered a job left running by a stopped process');
    }
  }
  return recovered;
};

const dueJobIds = (db: Kysely<DB>, now: string, limit: number) =>
  db.selectFrom('job').select('id').where('status', '=', 'pending').where('run_at', '<=', now).orderBy('run_at').orderBy('id').limit(limit);

/**
 * Claims up to `limit` due jobs for `workerId`. On PostgreSQL `for update skip locked` lets
 * several processes claim side by side without ever taking the same row; SQLite has one writer,
 * so a conditional update per row is enough.
 */
export const claimDueJobs = async (ctx: AppContext, workerId: string, limit = 1): Promise<JobRow[]> => {
  const now = ctx.clock.now().toISOString();
  const claim = { status: 'running', locked_by: workerId, locked_at: now, updated_at: now };
  if (ctx.dbKind === 'postgres') {
    return ctx.db.transaction().execute(async (tx) => {
      const due = await dueJobIds(tx, now, limit).forUpdate().skipLocked().execute();
      if (due.length === 0) return [];
      return tx
        .updateTable('job')
        .set(claim)
        .where('id', 'in', due.map((d) => d.id))
        .returningAll()
        .execute();
    });
  }
  const due = await dueJobIds(ctx.db, now, limit).execute();
  const claimed: JobRow[] = [];
  for (const { id } of due) {
    const row = await ctx.db
      .updateTable('job')
      .set(claim)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (row) claimed.push(row);
  }
  return claimed;
};

const handlerFor = (registry: JobRegistry, type: string): JobHandler | undefined =>
  type === SCHEDULED_TASK_JOB ? (ctx, payload, job) => runScheduledTask(ctx, registry, payload, job) : registry.handler(type);

const parsePayload = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentJobError('The job payload is not valid JSON.');
  }
};

export type JobOutcome = 'done' | 'retrying' | 'failed';

/** Runs one claimed job and records the outcome. Never throws for a handler's failure. */
export const runClaimedJob = async (ctx: AppContext, registry: JobRegistry, job: JobRow, workerId: string): Promise<JobOutcome> => {
  const attempt = toNumber(job.attempts) + 1;
  const maxAttempts = toNumber(job.max_attempts);
  const info: RunningJob = { id: job.id, type: job.type, attempt, maxAttempts, isLastAttempt: attempt >= maxAttempts };
  const mine = () => ctx.db.updateTable('job').where('id', '=', job.id).where('status', '=', 'running').where('locked_by', '=', workerId);

  const heartbeat = setInterval(() => {
    void mine()
      .set({ locked_at: ctx.clock.now().toISOString() })
      .execute()
      .catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let error: unknown = null;
  try {
    const handler = handlerFor(registry, job.type);
    if (!handler) {
      throw new PermanentJobError(`No handler for job type "${job.type}": this version of Guildhall does not know how to run it.`);
    }
    await handler(ctx, parsePayload(job.payload), info);
  } catch (e) {
    error = e ?? new Error('The job failed.');
  } finally {
    clearInterval(heartbeat);
  }

  const now = ctx.clock.now();
  const labels = { type: job.type };
  if (error === null) {
    await mine()
      .set({ status: 'done', attempts: attempt, last_error: null, locked_by: null, locked_at: null, updated_at: now.toISOString(), finished_at: now.toISOString() })
      .execute();
    ctx.metrics.inc('guildhall_job_runs_total', 'Job runs by type and outcome.', { ...labels, outcome: 'done' });
    return 'done';
  }

  const permanent = error instanceof PermanentJobError;
  const outcome: JobOutcome = permanent || info.isLastAttempt ? 'failed' : 'retrying';
  const lastError = errorText(error);
  await mine()
    .set({
      status: outcome === 'failed' ? 'failed' : 'pending',
      attempts: attempt,
      last_error: lastError,
      run_at: outcome === 'failed' ? job.run_at : new Date(now.getTime() + backoffMs(attempt)).toISOString(),
      locked_by: null,
      locked_at: null,
      updated_at: now.toISOString(),
      finished_at: outcome === 'failed' ? now.toISOString() : null,
    })
    .execute();
  ctx.metrics.inc('guildhall_job_runs_total', 'Job runs by type and outcome.', { ...labels, outcome });
  ctx.metrics.inc('guildhall_job_failures_total', 'Failed job attempts by type.', labels);
  ctx.log[outcome === 'failed' ? 'error' : 'warn']({ jobId: job.id, type: job.type, attempt, maxAttempts, error: lastError }, outcome === 'failed' ? 'job failed for good' : 'job failed; will retry');
  return outcome;
};

/**
 * Runs every job that is due now, one after another, and returns what happened (for
 * `guildhall jobs run-due` and tests). Jobs that become due while it runs are taken too;
 * retried jobs wait for their back-off.
 */
export const runDueJobs = async (
  ctx: AppContext,
  opts: { registry: JobRegistry; workerId?: string; limit?: number; stuckAfterMs?: number },
): Promise<RunCounts> => {
  const workerId = opts.workerId ?? newWorkerId();
  const result = counts();
  result.recovered = await recoverStuckJobs(ctx, opts.stuckAfterMs);
  const limit = opts.limit ?? 10_000;
  while (result.ran < limit) {
    const [job] = await claimDueJobs(ctx, workerId, 1);
    if (!job) break;
    const outcome = await runClaimedJob(ctx, opts.registry, job, workerId);
    result.ran++;
    result[outcome]++;
  }
  return result;
};
