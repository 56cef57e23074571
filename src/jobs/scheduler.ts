import { performance } from 'node:perf_hooks';
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app.ts';
import type { DB } from '../db/schema.ts';
import { enqueueJob } from './enqueue.ts';
import type { JobRegistry, RunningJob } from './registry.ts';
import { PermanentJobError, errorText } from './errors.ts';
import { getSetting } from '../modules/settings/index.ts';

/** The job type a due scheduled task becomes; its id `task:<name>:<slot>` makes each slot run once. */
export const SCHEDULED_TASK_JOB = 'scheduled.task';
export const DEFAULT_TIME_ZONE = 'Europe/Oslo';


/** The organization's time zone (setting `organization.time_zone`), or Europe/Oslo. */
export const organizationTimeZone = async (db: Kysely<DB>): Promise<string> => {
  // The settings module validated the value on the way in and falls back to its default.
  return (await getSetting(db, 'organization.time_zone')) || DEFAULT_TIME_ZONE;
};

/** The first slot of `cron` strictly after `after`, with the pattern read as wall-clock time in `timeZone`. */
export const nextRunAfter = (cron: string, timeZone: string, after: Date): Date | null =>
  new Cron(cron, { timezone: timeZone, paused: true, mode: '5-part' }).nextRun(after);

const taskJobId = (name: string, slot: string) => `task:${name}:${slot}`;

/**
 * Brings `scheduled_task` in line with the tasks in code: new tasks get a row and their next
 * slot; a changed cron expression or time zone moves a slot that has not come yet.
 */
export const syncScheduledTasks = async (ctx: AppContext, registry: JobRegistry): Promise<void> => {
  const tz = await organizationTimeZone(ctx.db);
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const rows = await ctx.db.selectFrom('scheduled_task').selectAll().execute();
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const task of registry.tasks()) {
    const next = nextRunAfter(task.cron, tz, now)?.toISOString() ?? null;
    const row = byName.get(task.name);
    if (!row) {
      await ctx.db
        .insertInto('scheduled_task')
        .values({ name: task.name, cron: task.cron, enabled: 1, next_run_at: next, last_run_at: null, last_status: null, last_duration_ms: null, last_error: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      continue;
    }
    const slotStale = row.next_run_at === null || (row.next_run_at > nowIso && row.next_run_at !== next);
    if (row.cron !== task.cron || slotStale) {
      await ctx.db.updateTable('scheduled_task').set({ cron: task.cron, next_run_at: next }).where('name', '=', task.name).execute();
    }
  }
};

/**
 * Enqueues one job for each task whose slot has come, then moves the task to its next slot.
 * Safe to run from several processes at once: the job id names the slot, so a slot is enqueued
 * once; a long outage yields one catch-up run, not one per missed slot.
 */
export const tickScheduler = async (ctx: AppContext, registry: JobRegistry): Promise<{ enqueued: number }> => {
  await syncScheduledTasks(ctx, registry);
  const names = registry.tasks().map((t) => t.name);
  if (names.length === 0) return { enqueued: 0 };
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('scheduled_task')
    .selectAll()
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', now.toISOString())
    .where('name', 'in', names)
    .execute();
  const tz = due.length ? await organizationTimeZone(ctx.db) : DEFAULT_TIME_ZONE;
  let enqueued = 0;
  for (const row of due) {
    const task = registry.task(row.name)!;
    const slot = row.next_run_at!;
    // Enqueue first, then advance: a crash in between re-enqueues the same id, which is a no-op.
    await enqueueJob(ctx.db, ctx.clock, {
      type: SCHEDULED_TASK_JOB,
      id: taskJobId(task.name, slot),
      payload: { task: task.name, scheduledAt: slot },
      runAt: new Date(slot),
      maxAttempts: task.maxAttempts ?? 3,
    });
    const next = nextRunAfter(task.cron, tz, now)?.toISOString() ?? null;
    const res = await ctx.db
      .updateTable('scheduled_task')
      .set({ next_run_at: next })
      .where('name', '=', task.name)
      .where('next_run_at', '=', slot)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) enqueued++;
  }
  return { enqueued };
};

/** The handler of a `scheduled.task` job: runs the task and records how it went on its row. */
export const runScheduledTask = async (ctx: AppContext, registry: JobRegistry, payload: unknown, _job: RunningJob): Promise<void> => {
  const { task: name, scheduledAt } = (payload ?? {}) as { task?: string; scheduledAt?: string };
  const task = name ? registry.task(name) : undefined;
  if (!task || !scheduledAt) throw new PermanentJobError(`No scheduled task named "${String(name)}" in this version of Guildhall.`);
  const startedAt = ctx.clock.now().toISOString();
  // Durations are real elapsed time, whatever the application clock says.
  const started = performance.now();
  let error: unknown = null;
  try {
    await task.handler(ctx, { scheduledAt: new Date(scheduledAt) });
  } catch (e) {
    error = e ?? new Error('The task failed.');
  }
  const ms = Math.round(performance.now() - started);
  await ctx.db
    .updateTable('scheduled_task')
    .set({
      last_run_at: startedAt,
      last_status: error === null ? 'ok' : 'failed',
      last_duration_ms: ms,
      last_error: error === null ? null : errorText(error),
    })
    .where('name', '=', task.name)
    .execute();
  ctx.metrics.observe('guildhall_scheduled_task_duration_seconds', 'Durations of scheduled task runs.', { task: task.name }, ms / 1000);
  if (error !== null) throw error;
};

export interface ScheduledTaskItem {
  name: string;
  cron: string;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
}

/** The tasks in code with their state; a task the scheduler has not seen yet shows its first slot. */
export const listScheduledTasks = async (ctx: AppContext, registry: JobRegistry): Promise<ScheduledTaskItem[]> => {
  const rows = new Map((await ctx.db.selectFrom('scheduled_task').selectAll().execute()).map((r) => [r.name, r]));
  const tz = await organizationTimeZone(ctx.db);
  return registry
    .tasks()
    .map((task) => {
      const row = rows.get(task.name);
      return {
        name: task.name,
        cron: task.cron,
        enabled: row ? Boolean(Number(row.enabled)) : true,
        nextRunAt: row?.next_run_at ?? nextRunAfter(task.cron, tz, ctx.clock.now())?.toISOString() ?? null,
        lastRunAt: row?.last_run_at ?? null,
        lastStatus: row?.last_status ?? null,
        lastDurationMs: row?.last_duration_ms === null || row?.last_duration_ms === undefined ? null : Number(row.last_duration_ms),
        lastError: row?.last_error ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
};
