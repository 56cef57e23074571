/**
 * Stored checks of the books (SQLite, and PostgreSQL with TEST_DATABASE_URL): run in a worker thread
 * on a connection of its own, so the server's thread stays free; one at a time; progress while they
 * run; findings (an altered entry) or a failure kept on the check; the nightly task.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import type { DatabaseTarget } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import { defaultJobRegistry } from '../../jobs/job-modules.ts';
import { getLedgerCheck, latestLedgerCheck, ledgerCheckTask, postEntries, startLedgerCheck, type NewEntry } from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor };
let deps: Parameters<typeof startLedgerCheck>[0];

const entry = (n: number): NewEntry => ({
  date: '2026-03-01',
  kind: 'manual',
  description: `Correction ${n}`,
  lines: [
    { account: '19000-0000', debitMinor: BigInt(100 * n) },
    { account: '31000-0000', creditMinor: BigInt(100 * n) },
  ],
});

before(async () => {
  ctx = await createTestContext({ start: '2026-03-10T10:00:00Z' });
  deps = { db: ctx.db, clock: ctx.clock, target: ctx.config.database };
  await ctx.db.transaction().execute((tx) => postEntries(tx, ctx, 'test', Array.from({ length: 30 }, (_, i) => entry(i + 1))));
});
after(async () => ctx.close());

test('a check runs off the thread: timers fire while it runs; it is stored done with its progress, head and findings', async () => {
  assert.deepEqual(await latestLedgerCheck(ctx.db), { check: null, headSeq: 30 });
  const { check, done } = await startLedgerCheck(deps, by);
  assert.equal(check.status, 'running');
  assert.equal(check.headSeq, 30);
  assert.equal(check.startedBy, 'system');
  // One at a time: asking again while it runs gives the same check.
  const again = await startLedgerCheck(deps, by);
  assert.equal(again.check.id, check.id);
  // This thread is free while the worker checks: a timer set now fires before the check is done.
  let fired = false;
  setTimeout(() => (fired = true), 1);
  const finished = await done;
  assert.equal(fired, true);

  assert.deepEqual([finished.status, finished.ok, finished.progress, finished.step, finished.error], ['done', true, 1, null, null]);
  assert.deepEqual(finished.violations, []);
  assert.deepEqual([finished.verification?.ok, finished.verification?.entries, finished.verification?.head?.seq], [true, 30, 30]);
  assert.ok(finished.finishedAt);
  // The second caller's promise waits for the same check to finish.
  assert.deepEqual(await again.done, finished);
  assert.deepEqual((await latestLedgerCheck(ctx.db)).check, finished);
});

test('an altered entry: the stored check is done, not ok, and names the entry; the next check after a repair is ok again', async () => {
  const original = (await ctx.db.selectFrom('ledger_entry').select('description').where('seq', '=', 7).executeTakeFirstOrThrow()).description;
  await sql`update ledger_entry set description = 'Correction 700' where seq = 7`.execute(ctx.db);
  try {
    const { done } = await startLedgerCheck(deps, by);
    const c = await done;
    assert.deepEqual([c.status, c.ok, c.verification?.ok, c.verification?.firstBad?.seq, c.verification?.firstBad?.problem], ['done', false, false, 7, 'altered']);
    assert.ok(c.violations?.some((v) => /Ledger entry 7 .*was altered/.test(v)), String(c.violations));
  } finally {
    await sql`update ledger_entry set description = ${original} where seq = 7`.execute(ctx.db);
  }
  assert.equal((await (await startLedgerCheck(deps, by)).done).ok, true);
});

test('a check left running by a process that died does not block the next: it is marked failed', async () => {
  const old = new Date(ctx.clock.now().getTime() - 2 * 3600_000).toISOString();
  await ctx.db
    .insertInto('ledger_check')
    .values({ id: 'lc_dead', status: 'running', started_by: 'system', started_at: old, finished_at: null, progress_permille: 400, step: 'chain', head_seq: 3, ok: null, result: null, error: null })
    .execute();
  const { check, done } = await startLedgerCheck(deps, by);
  assert.notEqual(check.id, 'lc_dead');
  assert.equal((await done).ok, true);
  const dead = await getLedgerCheck(ctx.db, 'lc_dead');
  assert.equal(dead.status, 'failed');
  assert.match(dead.error ?? '', /stopped with the process/);
  await assert.rejects(getLedgerCheck(ctx.db, 'nope'), /was not found/);
});

test('a check that cannot read the database is stored failed with the reason, and the nightly task reports it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-nodb-'));
  try {
    // A database without Guildhall's tables (a wrong file, a PostgreSQL database never migrated).
    const target = ctx.config.database;
    const wrong: DatabaseTarget =
      target.kind === 'sqlite' ? { kind: 'sqlite', file: path.join(dir, 'empty.sqlite') } : { kind: 'postgres', url: Object.assign(new URL(target.url), { pathname: '/guildhall_no_such_database' }).toString() };
    const { done } = await startLedgerCheck({ ...deps, target: wrong }, by);
    const c = await done;
    assert.deepEqual([c.status, c.ok], ['failed', null]);
    assert.match(c.error ?? '', /could not read the database/);
    const task = { ...ctx, config: { ...ctx.config, database: wrong } };
    await assert.rejects(ledgerCheckTask.handler(task, { scheduledAt: ctx.clock.now() }), /could not read the database/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The nightly task is registered, and run against the real database it stores a good check.
  assert.equal(defaultJobRegistry().task('ledger.check')?.cron, '40 3 * * *');
  await ledgerCheckTask.handler(ctx, { scheduledAt: ctx.clock.now() });
  const latest = (await latestLedgerCheck(ctx.db)).check;
  assert.deepEqual([latest?.status, latest?.ok], ['done', true]);
});
