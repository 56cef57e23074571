import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { openSecondContext } from '../../test/support/second-context.ts';
import { enqueueJob } from './enqueue.ts';
import { JobRegistry } from './registry.ts';
import { PermanentJobError, errorText } from './errors.ts';
import { backoffMs, recoverStuckJobs, runDueJobs } from './run-jobs.ts';
import { Worker } from './worker.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());
beforeEach(async () => {
  await ctx.db.deleteFrom('job').execute();
  ctx.clock.set('2026-01-15T10:00:00Z');
});

const job = (id: string) => ctx.db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const HOUR = 60 * 60_000;

test('a job enqueued in a transaction that rolls back does not exist; one that commits runs once', async () => {
  const runs: unknown[] = [];
  const registry = new JobRegistry().handle('test.note', async (_ctx, payload) => {
    runs.push(payload);
  });

  await assert.rejects(
    ctx.db.transaction().execute(async (tx) => {
      await enqueueJob(tx, ctx.clock, { type: 'test.note', id: 'rolled-back', payload: { n: 1 } });
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  assert.equal(await ctx.db.selectFrom('job').select('id').where('id', '=', 'rolled-back').executeTakeFirst(), undefined);

  await ctx.db.transaction().execute(async (tx) => {
    await enqueueJob(tx, ctx.clock, { type: 'test.note', id: 'committed', payload: { n: 2 } });
    // The same deterministic id again is a no-op: the job exists once.
    await enqueueJob(tx, ctx.clock, { type: 'test.note', id: 'committed', payload: { n: 3 } });
  });

  const first = await runDueJobs(ctx, { registry });
  assert.equal(first.ran, 1);
  assert.equal(first.done, 1);
  const second = await runDueJobs(ctx, { registry });
  assert.equal(second.ran, 0, 'a done job does not run again');
  assert.deepEqual(runs, [{ n: 2 }]);

  const row = await job('committed');
  assert.equal(row.status, 'done');
  assert.equal(row.finished_at, '2026-01-15T10:00:00.000Z');
  assert.equal(Number(row.attempts), 1);
  assert.equal(row.locked_by, null);
});

test('jobs wait for their run_at', async () => {
  let ran = 0;
  const registry = new JobRegistry().handle('test.later', async () => {
    ran++;
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.later', id: 'later', payload: null, runAt: new Date('2026-01-15T11:00:00Z') });
  assert.equal((await runDueJobs(ctx, { registry })).ran, 0);
  ctx.clock.set('2026-01-15T11:00:00Z');
  assert.equal((await runDueJobs(ctx, { registry })).done, 1);
  assert.equal(ran, 1);
});

test('a failing job is retried with growing back-off and becomes failed after its last attempt', async () => {
  let calls = 0;
  const registry = new JobRegistry().handle('test.boom', async () => {
    calls++;
    throw new Error(`provider said no (${calls})`);
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.boom', id: 'boom', payload: {}, maxAttempts: 3 });

  const first = await runDueJobs(ctx, { registry });
  assert.deepEqual([first.ran, first.retrying, first.failed], [1, 1, 0]);
  let row = await job('boom');
  assert.equal(row.status, 'pending');
  assert.equal(Number(row.attempts), 1);
  assert.equal(row.last_error, 'provider said no (1)', 'the message only, no stack trace');
  const delay1 = Date.parse(row.run_at) - ctx.clock.now().getTime();
  assert.ok(delay1 >= 24_000 && delay1 <= 36_000, `first back-off is about 30 s, got ${delay1} ms`);

  assert.equal((await runDueJobs(ctx, { registry })).ran, 0, 'not before the back-off has passed');

  ctx.clock.set(row.run_at);
  await runDueJobs(ctx, { registry });
  row = await job('boom');
  assert.equal(row.status, 'pending');
  const delay2 = Date.parse(row.run_at) - ctx.clock.now().getTime();
  assert.ok(delay2 >= 48_000 && delay2 <= 72_000, `second back-off is about 60 s, got ${delay2} ms`);

  ctx.clock.advance(HOUR);
  const last = await runDueJobs(ctx, { registry });
  assert.equal(last.failed, 1);
  row = await job('boom');
  assert.equal(row.status, 'failed');
  assert.equal(Number(row.attempts), 3);
  assert.equal(row.last_error, 'provider said no (3)');
  assert.equal(row.finished_at, ctx.clock.now().toISOString());

  ctx.clock.advance(24 * HOUR);
  assert.equal((await runDueJobs(ctx, { registry })).ran, 0, 'a failed job stays failed');
  assert.equal(calls, 3);
});

test('back-off doubles from 30 seconds with jitter and is capped at an hour', () => {
  assert.equal(backoffMs(1, () => 0.5), 30_000);
  assert.equal(backoffMs(2, () => 0.5), 60_000);
  assert.equal(backoffMs(3, () => 0.5), 120_000);
  assert.equal(backoffMs(1, () => 0), 24_000);
  assert.equal(backoffMs(1, () => 1), 36_000);
  assert.equal(backoffMs(20, () => 1), HOUR);
});

test('error text keeps the message, masks credentials in URLs and drops the stack', () => {
  const e = new Error('cannot connect to smtps://mailer:s3cret@smtp.example.org:465');
  assert.equal(errorText(e), 'cannot connect to smtps://***@smtp.example.org:465');
  assert.equal(errorText(new TypeError('bad')), 'TypeError: bad');
  assert.ok(errorText(new Error('x'.repeat(5000))).length <= 2000);
});

test('an unknown job type or a permanent error fails at once with a clear message', async () => {
  const registry = new JobRegistry().handle('test.permanent', async () => {
    throw new PermanentJobError('The invoice no longer exists.');
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.nobody-knows', id: 'unknown', payload: {} });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.permanent', id: 'permanent', payload: {} });
  const r = await runDueJobs(ctx, { registry });
  assert.equal(r.failed, 2);
  const unknown = await job('unknown');
  assert.equal(unknown.status, 'failed');
  assert.match(unknown.last_error!, /No handler for job type "test\.nobody-knows"/);
  assert.equal(Number(unknown.attempts), 1);
  assert.equal((await job('permanent')).last_error, 'The invoice no longer exists.');
});

test('a job left running by a crashed process is recovered and run; a live one is left alone', async () => {
  let ran = 0;
  const registry = new JobRegistry().handle('test.crashy', async () => {
    ran++;
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.crashy', id: 'stuck', payload: {} });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.crashy', id: 'busy', payload: {} });
  const now = ctx.clock.now().getTime();
  await ctx.db
    .updateTable('job')
    .set({ status: 'running', locked_by: 'dead-host:1', locked_at: new Date(now - 11 * 60_000).toISOString() })
    .where('id', '=', 'stuck')
    .execute();
  await ctx.db
    .updateTable('job')
    .set({ status: 'running', locked_by: 'live-host:2', locked_at: new Date(now - 60_000).toISOString() })
    .where('id', '=', 'busy')
    .execute();

  const r = await runDueJobs(ctx, { registry });
  assert.equal(r.recovered, 1);
  assert.equal(r.done, 1);
  assert.equal(ran, 1);
  const stuck = await job('stuck');
  assert.equal(stuck.status, 'done');
  assert.equal(Number(stuck.attempts), 2, 'the interrupted try counts as an attempt');
  assert.equal((await job('busy')).status, 'running');

  // A job that keeps crashing its process gives up after max_attempts.
  await ctx.db.updateTable('job').set({ attempts: 7, max_attempts: 8, locked_at: new Date(now - HOUR).toISOString() }).where('id', '=', 'busy').execute();
  assert.equal(await recoverStuckJobs(ctx), 1);
  const busy = await job('busy');
  assert.equal(busy.status, 'failed');
  assert.match(busy.last_error!, /stopped before it finished/);
});

test('two workers on separate connections racing over the same queue run each job exactly once', async () => {
  const other = openSecondContext(ctx);
  try {
    const executions = new Map<string, number>();
    const registry = new JobRegistry().handle('test.count', async (_ctx, payload) => {
      const id = (payload as { id: string }).id;
      executions.set(id, (executions.get(id) ?? 0) + 1);
      await sleep(Math.floor(Math.random() * 3));
    });
    const N = 40;
    for (let i = 0; i < N; i++) await enqueueJob(ctx.db, ctx.clock, { type: 'test.count', id: `race-${i}`, payload: { id: `race-${i}` } });

    const [a, b] = await Promise.all([runDueJobs(ctx, { registry }), runDueJobs(other, { registry })]);
    assert.equal(a.ran + b.ran, N, `ran ${a.ran} + ${b.ran}`);
    assert.equal(executions.size, N);
    for (const [id, n] of executions) assert.equal(n, 1, `${id} ran ${n} times`);
    const notDone = await ctx.db.selectFrom('job').select('id').where('status', '!=', 'done').execute();
    assert.deepEqual(notDone, []);
  } finally {
    await other.close();
  }
});

test('two in-process workers (concurrency 2 each) share the queue without running a job twice', async () => {
  const other = openSecondContext(ctx);
  const executions = new Map<string, number>();
  const registry = new JobRegistry().handle('test.count', async (_ctx, payload) => {
    const id = (payload as { id: string }).id;
    executions.set(id, (executions.get(id) ?? 0) + 1);
    await sleep(1);
  });
  const N = 30;
  for (let i = 0; i < N; i++) await enqueueJob(ctx.db, ctx.clock, { type: 'test.count', id: `w-${i}`, payload: { id: `w-${i}` } });
  const w1 = new Worker(ctx, registry, { pollMs: 5, concurrency: 2 }).start();
  const w2 = new Worker(other, registry, { pollMs: 5, concurrency: 2 }).start();
  try {
    for (let i = 0; i < 400 && executions.size < N; i++) await sleep(10);
  } finally {
    await w1.stop();
    await w2.stop();
    await other.close();
  }
  assert.equal(executions.size, N);
  for (const [id, n] of executions) assert.equal(n, 1, `${id} ran ${n} times`);
});

test('stopping the worker waits for the running job to finish and takes no new one', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const isStarted = new Promise<void>((r) => (started = r));
  const registry = new JobRegistry()
    .handle('test.slow', async () => {
      started();
      await gate;
    })
    .handle('test.next', async () => {});
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.slow', id: 'slow', payload: {} });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.next', id: 'next', payload: {}, runAt: new Date(ctx.clock.now().getTime() + 1) });
  ctx.clock.advance(1);

  const worker = new Worker(ctx, registry, { pollMs: 5 }).start();
  await isStarted;
  assert.equal((await job('slow')).status, 'running');
  assert.equal((await job('slow')).locked_by, worker.id);

  let stopped = false;
  const stopping = worker.stop().then(() => {
    stopped = true;
  });
  await sleep(50);
  assert.equal(stopped, false, 'stop() waits while the job runs');
  release();
  await stopping;
  assert.equal((await job('slow')).status, 'done', 'the running job finished');
  assert.equal((await job('next')).status, 'pending', 'no new job was taken after stop()');
});
