import type { Kysely, Selectable } from 'kysely';
import type { AppContext } from '../app.ts';
import type { DB, JobTable } from '../db/schema.ts';
import { toNumber } from '../db/database.ts';
import { conflict, notFound } from '../kernel/app-error.ts';
import { recordAudit, type Actor } from '../modules/audit/index.ts';

export const JOB_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobItem {
  id: string;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export const JOB_SORTS = ['created_at', 'updated_at', 'run_at', 'type', 'status'] as const;
export type JobSort = (typeof JOB_SORTS)[number];

// Payloads are not shown: they may carry personal data and staff act on type, status and error.
const COLUMNS = ['id', 'type', 'status', 'attempts', 'max_attempts', 'run_at', 'last_error', 'created_at', 'updated_at', 'finished_at'] as const;

export const toJobItem = (r: Pick<Selectable<JobTable>, (typeof COLUMNS)[number]>): JobItem => ({
  id: r.id,
  type: r.type,
  status: r.status as JobStatus,
  attempts: toNumber(r.attempts),
  maxAttempts: toNumber(r.max_attempts),
  runAt: r.run_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

export const listJobs = async (
  db: Kysely<DB>,
  filter: { status?: string; type?: string; q?: string },
  page: { offset: number; limit: number; sort: { column: JobSort; direction: 'asc' | 'desc' } },
): Promise<{ items: JobItem[]; total: number }> => {
  let query = db.selectFrom('job');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.q) query = query.where((eb) => eb.or([eb('id', 'like', `%${filter.q}%`), eb('type', 'like', `%${filter.q}%`)]));
  const [rows, count] = await Promise.all([
    query.select([...COLUMNS]).orderBy(page.sort.column, page.sort.direction).orderBy('id', page.sort.direction).offset(page.offset).limit(page.limit).execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toJobItem), total: toNumber(count.n) };
};

export const getJob = async (db: Kysely<DB>, id: string): Promise<JobItem> => {
  const row = await db.selectFrom('job').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The job');
  return toJobItem(row);
};

/**
 * Puts a failed job back in the queue to run now, with a fresh set of attempts. The last error
 * stays visible until the job runs again. Audited.
 */
export const retryJob = async (
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  id: string,
  opts: { requestId?: string } = {},
): Promise<JobItem> =>
  ctx.db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('job').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('The job');
    if (before.status !== 'failed') {
      throw conflict(`Only failed jobs can be retried; this job is ${before.status}.`, { status: before.status });
    }
    const now = ctx.clock.now().toISOString();
    const after = await tx
      .updateTable('job')
      .set({ status: 'pending', run_at: now, attempts: 0, locked_by: null, locked_at: null, updated_at: now, finished_at: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .returning([...COLUMNS])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx.clock, actor, {
      entityType: 'job',
      entityId: id,
      action: 'retry',
      before: { status: before.status, attempts: toNumber(before.attempts), lastError: before.last_error },
      after: { status: after.status, runAt: after.run_at },
      requestId: opts.requestId,
    });
    return toJobItem(after);
  });

/** How many jobs are in each status (for the queue-depth gauge and `jobs list`). */
export const jobCountsByStatus = async (db: Kysely<DB>): Promise<Record<JobStatus, number>> => {
  const rows = await db.selectFrom('job').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute();
  const out = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) if (r.status in out) out[r.status as keyof typeof out] = toNumber(r.n);
  return out;
};
