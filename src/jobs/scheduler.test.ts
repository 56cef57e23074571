import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { openSecondContext } from '../../test/support/second-context.ts';
import { JobRegistry } from './registry.ts';
import { runDueJobs } from './run-jobs.ts';
import { listScheduledTasks, nextRunAfter, SCHEDULED_TASK_JOB, tickScheduler } from './scheduler.ts';
import { defaultJobRegistry } from './job-modules.ts';
import { runHousekeeping } from './housekeeping.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());
beforeEach(async () => {
  await ctx.db.deleteFrom('job').execute();
  await ctx.db.deleteFrom('scheduled_task').execute();
  await ctx.db.deleteFrom('setting').execute();
  ctx.clock.set('2026-01-15T10:00:00Z');
});

const task = (name: string) => ctx.db.selectFrom('scheduled_task').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

const nightly = () => {
  const runs: string[] = [];
  const registry = new JobRegistry().schedule({
    name: 'nightly',
    cron: '0 2 * * *',
    handler: async (_ctx, run) => {
      runs.push(run.scheduledAt.toISOString());
    },
  });
  return { registry, runs };
};

test("cron expressions are read in the organization's time zone (Europe/Oslo by default)", () => {
  // 02:00 in Oslo is 01:00Z in winter (CET) and 00:00Z in summer (CEST).
  assert.equal(nextRunAfter('0 2 * * *', 'Europe/Oslo', new Date('2026-01-15T10:00:00Z'))?.toISOString(), '2026-01-16T01:00:00.000Z');
  assert.equal(nextRunAfter('0 2 * * *', 'Europe/Oslo', new Date('2026-07-01T10:00:00Z'))?.toISOString(), '2026-07-02T00:00:00.000Z');
});

test('a task fires at the right UTC instant, runs once per slot even when two schedulers tick, and records its run', async () => {
  const { registry, runs } = nightly();
  assert.deepEqual(await tickScheduler(ctx, registry), { enqueued: 0 });
  assert.equal((await task('nightly')).next_run_at, '2026-01-16T01:00:00.000Z');

  ctx.clock.set('2026-01-16T00:59:59Z');
  assert.equal((await tickScheduler(ctx, registry)).enqueued, 0, 'not before its slot');

  ctx.clock.set('2026-01-16T01:00:00Z');
  const other = openSecondContext(ctx);
  let metricsText = '';
  try {
    // Two server processes tick at the same moment.
    const a = await tickScheduler(ctx, registry);
    const b = await tickScheduler(other, registry);
    assert.equal(a.enqueued + b.enqueued, 1);
    const [x, y] = await Promise.all([runDueJobs(ctx, { registry }), runDueJobs(other, { registry })]);
    assert.equal(x.ran + y.ran, 1);
    // Whichever process ran the slot counts its duration.
    metricsText = (await ctx.metrics.render()) + (await other.metrics.render());
  } finally {
    await other.close();
  }
  const jobs = await ctx.db.selectFrom('job').select(['id', 'type', 'status']).execute();
  assert.deepEqual(jobs, [{ id: 'task:nightly:2026-01-16T01:00:00.000Z', type: SCHEDULED_TASK_JOB, status: 'done' }]);
  assert.deepEqual(runs, ['2026-01-16T01:00:00.000Z']);

  const row = await task('nightly');
  assert.equal(row.last_run_at, '2026-01-16T01:00:00.000Z');
  assert.equal(row.last_status, 'ok');
  assert.equal(typeof Number(row.last_duration_ms), 'number');
  assert.equal(row.last_error, null);
  assert.equal(row.next_run_at, '2026-01-17T01:00:00.000Z');
  assert.match(metricsText, /guildhall_scheduled_task_duration_seconds_count\{task="nightly"\} 1/);

  // A second tick in the same minute enqueues nothing new.
  assert.equal((await tickScheduler(ctx, registry)).enqueued, 0);
});

test('the same slot is enqueued once even when two schedulers tick concurrently', async () => {
  const { registry } = nightly();
  await tickScheduler(ctx, registry);
  ctx.clock.set('2026-01-16T01:00:30Z');
  const other = openSecondContext(ctx);
  try {
    if (ctx.dbKind === 'postgres') {
      await Promise.all([tickScheduler(ctx, registry), tickScheduler(other, registry)]);
    } else {
      // SQLite has one writer process; two connections in one thread take turns.
      await tickScheduler(ctx, registry);
      await tickScheduler(other, registry);
    }
  } finally {
    await other.close();
  }
  const jobs = await ctx.db.selectFrom('job').select('id').execute();
  assert.deepEqual(jobs, [{ id: 'task:nightly:2026-01-16T01:00:00.000Z' }]);
});

test('a time zone set for the organization moves slots that have not come yet', async () => {
  const { registry } = nightly();
  await tickScheduler(ctx, registry);
  assert.equal((await task('nightly')).next_run_at, '2026-01-16T01:00:00.000Z');
  await ctx.db
    .insertInto('setting')
    .values({ key: 'organization.time_zone', value: JSON.stringify('America/New_York'), updated_at: ctx.clock.now().toISOString(), updated_by: null })
    .execute();
  await tickScheduler(ctx, registry);
  assert.equal((await task('nightly')).next_run_at, '2026-01-16T07:00:00.000Z', '02:00 in New York is 07:00Z in winter');
});

test('a long outage gives one catch-up run, not one per missed slot', async () => {
  const { registry, runs } = nightly();
  await tickScheduler(ctx, registry);
  ctx.clock.set('2026-01-20T12:00:00Z');
  assert.equal((await tickScheduler(ctx, registry)).enqueued, 1);
  await runDueJobs(ctx, { registry });
  assert.deepEqual(runs, ['2026-01-16T01:00:00.000Z']);
  assert.equal((await task('nightly')).next_run_at, '2026-01-21T01:00:00.000Z');
});

test('a failing task records the failure on its row and its job retries', async () => {
  const registry = new JobRegistry().schedule({
    name: 'flaky',
    cron: '*/5 * * * *',
    maxAttempts: 2,
    handler: async () => {
      throw new Error('the bank file was not there');
    },
  });
  await tickScheduler(ctx, registry);
  ctx.clock.set('2026-01-15T10:05:00Z');
  await tickScheduler(ctx, registry);
  const r = await runDueJobs(ctx, { registry });
  assert.equal(r.retrying, 1);
  const row = await task('flaky');
  assert.equal(row.last_status, 'failed');
  assert.equal(row.last_error, 'the bank file was not there');
  const [item] = await listScheduledTasks(ctx, registry);
  assert.equal(item?.lastStatus, 'failed');
  assert.equal(item?.nextRunAt, '2026-01-15T10:10:00.000Z');
});

test('the built-in housekeeping task runs daily and is listed', async () => {
  const registry = defaultJobRegistry();
  const items = await listScheduledTasks(ctx, registry);
  const hk = items.find((i) => i.name === 'housekeeping');
  assert.ok(hk, 'housekeeping is registered');
  assert.equal(hk.cron, '15 3 * * *');
  assert.equal(hk.nextRunAt, '2026-01-16T02:15:00.000Z', '03:15 in Oslo');
  assert.equal(hk.lastRunAt, null);
});

test('housekeeping deletes expired sessions, used or expired tokens, old idempotency keys and old done jobs', async () => {
  const now = ctx.clock.now().getTime();
  const at = (ms: number) => new Date(now + ms).toISOString();
  const DAY = 24 * 60 * 60_000;
  await ctx.db
    .insertInto('staff_user')
    .values({ id: 'u1', email: 'hk@example.org', name: 'HK', password_hash: null, is_admin: 0, active: 1, language: null, created_at: at(0), updated_at: at(0), password_changed_at: null })
    .execute();
  const session = (id: string, lastSeen: number, expires: number) => ({
    id_hash: id,
    staff_id: 'u1',
    csrf_token: 'x',
    created_at: at(-DAY),
    last_seen_at: at(lastSeen),
    expires_at: at(expires),
    ip: null,
    user_agent: null,
  });
  await ctx.db
    .insertInto('staff_session')
    .values([session('live', -60_000, 3_600_000), session('expired', -60_000, -1), session('idle', -2 * 3_600_000, 3_600_000)])
    .execute();
  const token = (h: string, used: string | null, expires: number) => ({ token_hash: h, purpose: 'password_reset', staff_id: 'u1', created_at: at(-DAY), expires_at: at(expires), used_at: used });
  await ctx.db.insertInto('one_time_token').values([token('fresh', null, DAY), token('used', at(-1000), DAY), token('old', null, -1)]).execute();
  const idem = (key: string, created: number) => ({ key, actor: 'a', method: 'POST', path: '/x', request_hash: 'h', status_code: 201, response: '{}', created_at: at(created) });
  await ctx.db.insertInto('idempotency_key').values([idem('recent', -3_600_000), idem('stale', -2 * DAY)]).execute();
  const doneJob = (id: string, status: string, finished: number) => ({
    id,
    type: 't',
    payload: 'null',
    status,
    run_at: at(-40 * DAY),
    attempts: 1,
    max_attempts: 8,
    last_error: null,
    locked_by: null,
    locked_at: null,
    created_at: at(-40 * DAY),
    updated_at: at(finished),
    finished_at: at(finished),
  });
  await ctx.db.insertInto('job').values([doneJob('old-done', 'done', -31 * DAY), doneJob('new-done', 'done', -DAY), doneJob('old-failed', 'failed', -31 * DAY)]).execute();

  const deleted = await runHousekeeping(ctx);
  assert.deepEqual(deleted, { sessions: 2, oneTimeTokens: 2, idempotencyKeys: 1, jobs: 1 });
  assert.deepEqual((await ctx.db.selectFrom('staff_session').select('id_hash').execute()).map((r) => r.id_hash), ['live']);
  assert.deepEqual((await ctx.db.selectFrom('one_time_token').select('token_hash').execute()).map((r) => r.token_hash), ['fresh']);
  assert.deepEqual((await ctx.db.selectFrom('idempotency_key').select('key').execute()).map((r) => r.key), ['recent']);
  assert.deepEqual((await ctx.db.selectFrom('job').select('id').orderBy('id').execute()).map((r) => r.id), ['new-done', 'old-failed']);
  await ctx.db.deleteFrom('staff_session').execute();
  await ctx.db.deleteFrom('one_time_token').execute();
  await ctx.db.deleteFrom('staff_user').execute();
});
