import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { updateSetting } from '../../src/modules/settings/index.ts';
import { systemActor } from '../../src/modules/audit/index.ts';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
  // Four real changes make four audit rows.
  for (const [key, value] of [['organization.name', 'Oslo Roklubb'], ['general.invoice_due_days', '20'], ['general.vat_rate', '15'], ['organization.locale', 'en-GB']] as const) {
    ctx.clock.advance(60_000);
    await updateSetting({ db: ctx.db, clock: ctx.clock }, systemActor, key, value);
  }
});
afterEach(async () => ctx.close());

test('audit verify exits 0 on an intact chain and says so (text and --json)', () => {
  const r = runCli(ctx, ['audit', 'verify']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^The audit trail is intact: 4 rows; head row 4 \(2026-01-15T10:04:00.000Z\), hash [0-9a-f]{64}\.$/m);
  const j = runCli(ctx, ['--json', 'audit', 'verify']);
  assert.equal(j.status, 0);
  const body = JSON.parse(j.stdout);
  assert.deepEqual([body.ok, body.count, body.head.seq], [true, 4, 4]);
});

test('audit verify exits 1 and names the row whose values were changed in the database', async () => {
  await ctx.db.updateTable('audit_log').set({ after: '{"value":99}' }).where('seq', '=', 2).execute();
  const r = runCli(ctx, ['audit', 'verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /NOT intact \(1 row verified before the problem\)/);
  assert.match(r.stdout, /Row 2 \(2026-01-15T10:02:00.000Z, update of setting general.invoice_due_days by system\) was altered/);
  const j = JSON.parse(runCli(ctx, ['--json', 'audit', 'verify']).stdout);
  assert.deepEqual([j.ok, j.firstBad.seq, j.firstBad.problem], [false, 2, 'altered']);
});

test('audit verify exits 1 and names a row removed from the middle', async () => {
  await ctx.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
  const r = runCli(ctx, ['audit', 'verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Row 3 is missing: it was removed \(it came after row 2, .*general.invoice_due_days.*\); the chain goes on at row 4/);
});

test('rows removed from the end are caught by the head saved at the last check', async () => {
  assert.equal(runCli(ctx, ['audit', 'verify']).status, 0);
  await ctx.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
  const r = runCli(ctx, ['audit', 'verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Row 4 is missing: an earlier check/);
  assert.match(r.stdout, /an earlier check saw the chain reach row 4, but it now ends at row 3/);
  assert.match(r.stdout, /--forget-anchor/);
  // After a deliberate restore the operator starts afresh.
  assert.equal(runCli(ctx, ['audit', 'verify', '--forget-anchor']).status, 0);
  assert.equal(runCli(ctx, ['audit', 'verify']).status, 0);
});

test('an explicit --anchor from an earlier run is checked; a malformed one is refused', async () => {
  const head = JSON.parse(runCli(ctx, ['--json', 'audit', 'verify']).stdout).head;
  assert.equal(runCli(ctx, ['audit', 'verify', '--anchor', `${head.seq}:${head.hash}`]).status, 0);
  assert.equal(runCli(ctx, ['audit', 'verify', '--anchor', `${head.seq}:${'0'.repeat(64)}`]).status, 1);
  const bad = runCli(ctx, ['audit', 'verify', '--anchor', 'yesterday']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--anchor must be SEQ:HASH/);
});
