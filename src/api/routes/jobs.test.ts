import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { enqueueJob, JobRegistry, runDueJobs } from '../../jobs/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
});
after(async () => t.close());

test('a failed job is listed for staff, retried through the API (audited), and then runs', async () => {
  const { ctx, app } = t;
  let healthy = false;
  const registry = new JobRegistry().handle('test.webhook', async () => {
    if (!healthy) throw new Error('the receiver answered 503');
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.webhook', id: 'hook-1', payload: { secretish: 'not shown' }, maxAttempts: 2 });
  await runDueJobs(ctx, { registry });
  ctx.clock.advance(60 * 60_000);
  assert.equal((await runDueJobs(ctx, { registry })).failed, 1);

  const reader = await bearerWith(ctx, { settings: 'read' });
  const list = await app.inject({ method: 'GET', url: '/api/v1/jobs?status=failed', headers: reader.headers });
  assert.equal(list.statusCode, 200);
  const page = list.json();
  assert.equal(page.total, 1);
  assert.deepEqual(page.items[0], {
    id: 'hook-1',
    type: 'test.webhook',
    status: 'failed',
    attempts: 2,
    maxAttempts: 2,
    runAt: page.items[0].runAt,
    lastError: 'the receiver answered 503',
    createdAt: '2026-01-15T10:00:00.000Z',
    updatedAt: ctx.clock.now().toISOString(),
    finishedAt: ctx.clock.now().toISOString(),
  });
  assert.doesNotMatch(list.body, /secretish/, 'payloads are not exposed');

  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/jobs/hook-1/retry', headers: reader.headers })).statusCode, 403);

  const admin = await bearerWith(ctx, { settings: 'update' }, 'ops key');
  const retried = await app.inject({ method: 'POST', url: '/api/v1/jobs/hook-1/retry', headers: admin.headers });
  assert.equal(retried.statusCode, 200);
  assert.equal(retried.json().status, 'pending');
  assert.equal(retried.json().attempts, 0);
  assert.equal(retried.json().runAt, ctx.clock.now().toISOString());
  const audit = await ctx.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'job').where('entity_id', '=', 'hook-1').execute();
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.action, 'retry');
  assert.equal(audit[0]!.actor_name, 'ops key');

  const again = await app.inject({ method: 'POST', url: '/api/v1/jobs/hook-1/retry', headers: admin.headers });
  assert.equal(again.statusCode, 409, 'only failed jobs can be retried');
  assert.match(again.json().error.message, /Only failed jobs can be retried; this job is pending/);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/jobs/nope/retry', headers: admin.headers })).statusCode, 404);

  healthy = true;
  assert.equal((await runDueJobs(ctx, { registry })).done, 1);
  const done = await app.inject({ method: 'GET', url: '/api/v1/jobs/hook-1', headers: reader.headers });
  assert.equal(done.json().status, 'done');
});

test('job lists filter, sort and page; bad filters get a 400', async () => {
  const { ctx, app } = t;
  for (const id of ['a', 'b', 'c']) await enqueueJob(ctx.db, ctx.clock, { type: 'test.list', id: `list-${id}`, payload: null });
  const { headers } = await bearerWith(ctx, { settings: 'read' });
  const res = await app.inject({ method: 'GET', url: '/api/v1/jobs?type=test.list&sort=id&pageSize=2', headers });
  assert.equal(res.statusCode, 400, 'id is not a sort column');
  const page = await app.inject({ method: 'GET', url: '/api/v1/jobs?type=test.list&status=pending&sort=-run_at&pageSize=2&page=2', headers });
  assert.equal(page.statusCode, 200);
  assert.equal(page.json().total, 3);
  assert.equal(page.json().items.length, 1);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/jobs?status=stuck', headers })).statusCode, 400);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/jobs' })).statusCode, 401);
});

test('scheduled tasks are listed with their cron, next run and last run', async () => {
  const { ctx, app } = t;
  const { headers } = await bearerWith(ctx, { settings: 'read' });
  const res = await app.inject({ method: 'GET', url: '/api/v1/scheduled-tasks', headers });
  assert.equal(res.statusCode, 200);
  const hk = res.json().items.find((i: { name: string }) => i.name === 'housekeeping');
  assert.deepEqual(hk, {
    name: 'housekeeping',
    cron: '15 3 * * *',
    enabled: true,
    nextRunAt: '2026-01-16T02:15:00.000Z',
    lastRunAt: null,
    lastStatus: null,
    lastDurationMs: null,
    lastError: null,
  });
});

test('/metrics shows job queue depth by status and failures by type', async () => {
  const { ctx, app } = t;
  const registry = new JobRegistry().handle('test.boom', async () => {
    throw new Error('boom');
  });
  await enqueueJob(ctx.db, ctx.clock, { type: 'test.boom', id: 'boom-1', payload: null, maxAttempts: 1 });
  await runDueJobs(ctx, { registry });
  const counts = Object.fromEntries(
    (await ctx.db.selectFrom('job').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute()).map((r) => [r.status, Number(r.n)]),
  );
  assert.ok((counts.failed ?? 0) >= 1);
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /# TYPE guildhall_jobs gauge/);
  for (const status of ['pending', 'running', 'done', 'failed']) {
    assert.match(res.body, new RegExp(`guildhall_jobs\\{status="${status}"\\} ${counts[status] ?? 0}\\n`), `${status} depth`);
  }
  assert.match(res.body, /guildhall_job_failures_total\{type="test\.boom"\} 1\n/);
  assert.match(res.body, /guildhall_job_runs_total\{outcome="failed",type="test\.boom"\} 1\n/);
});
