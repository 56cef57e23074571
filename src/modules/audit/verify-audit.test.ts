import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { inTransaction } from '../../db/database.ts';
import { auditRowHash, recordAudit, systemActor, verifyAudit } from './index.ts';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

const record = (n: number) =>
  inTransaction(ctx.db, async (tx) => {
    for (let i = 1; i <= n; i++) {
      ctx.clock.advance(1000);
      await recordAudit(tx, ctx.clock, systemActor, { entityType: 'contact', entityId: `c${i}`, action: 'update', before: { n: i - 1 }, after: { n: i } });
    }
  });

test('an empty trail and an intact trail verify', async () => {
  assert.deepEqual(await verifyAudit(ctx.db), { ok: true, count: 0, head: null });
  await record(5);
  const r = await verifyAudit(ctx.db);
  assert.equal(r.ok, true);
  assert.equal(r.count, 5);
  assert.equal(r.head?.seq, 5);
});

test('a row whose values were edited directly in the database is named', async () => {
  await record(4);
  await ctx.db.updateTable('audit_log').set({ after: '{"n":999}' }).where('seq', '=', 2).execute();
  const r = await verifyAudit(ctx.db);
  assert.equal(r.ok, false);
  assert.equal(r.count, 1);
  assert.equal(r.firstBad?.seq, 2);
  assert.equal(r.firstBad?.problem, 'altered');
  assert.match(r.firstBad!.message, /^Row 2 \(2026-01-15T10:00:02.000Z, update of contact c2 by system\) was altered/);
});

test('any field counts, including who did it', async () => {
  await record(3);
  await ctx.db.updateTable('audit_log').set({ actor_name: 'someone else' }).where('seq', '=', 3).execute();
  assert.deepEqual((await verifyAudit(ctx.db)).firstBad?.seq, 3);
});

test('a removed row in the middle, or the first row, is named as missing', async () => {
  await record(5);
  await ctx.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
  const r = await verifyAudit(ctx.db);
  assert.equal(r.ok, false);
  assert.deepEqual([r.firstBad?.seq, r.firstBad?.problem], [3, 'missing']);
  assert.match(r.firstBad!.message, /Row 3 is missing: it was removed \(it came after row 2, .*contact c2.*\); the chain goes on at row 4/);

  await ctx.db.deleteFrom('audit_log').where('seq', '=', 1).execute();
  assert.deepEqual((await verifyAudit(ctx.db)).firstBad?.seq, 1);
});

test('a row replaced with a correctly recomputed hash breaks the link of the next row', async () => {
  await record(3);
  const row = await ctx.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
  const forged = { ...row, seq: Number(row.seq), after: '{"n":-1}' };
  await ctx.db.updateTable('audit_log').set({ after: forged.after, hash: auditRowHash(forged) }).where('seq', '=', 2).execute();
  const r = await verifyAudit(ctx.db);
  assert.deepEqual([r.firstBad?.seq, r.firstBad?.problem], [3, 'broken_link']);
  assert.match(r.firstBad!.message, /does not link to row 2: row 2 was altered and its hash recomputed/);
});

test('rows removed from the end go unseen by the chain alone, but not past a saved head', async () => {
  await record(5);
  const head = (await verifyAudit(ctx.db)).head!;
  await ctx.db.deleteFrom('audit_log').where('seq', '>=', 4).execute();
  // The limit of any hash chain: a shorter chain is still a valid chain.
  assert.equal((await verifyAudit(ctx.db)).ok, true);
  const r = await verifyAudit(ctx.db, { anchor: head });
  assert.equal(r.ok, false);
  assert.deepEqual([r.firstBad?.seq, r.firstBad?.problem], [4, 'missing']);
  assert.match(r.firstBad!.message, /Rows 4–5 are missing: an earlier check saw the chain reach row 5, but it now ends at row 3/);
  // A head that is still there but with another hash means the chain was rewritten.
  const wrong = await verifyAudit(ctx.db, { anchor: { seq: 2, hash: 'f'.repeat(64) } });
  assert.deepEqual([wrong.firstBad?.seq, wrong.firstBad?.problem], [2, 'altered']);
});

test('a long trail is read in batches and a problem in a later batch is still found', async () => {
  await record(2300);
  const r = await verifyAudit(ctx.db);
  assert.equal(r.ok, true);
  assert.equal(r.count, 2300);
  await sql`update audit_log set entity_id = 'tampered' where seq = 2150`.execute(ctx.db);
  const bad = await verifyAudit(ctx.db);
  assert.deepEqual([bad.ok, bad.count, bad.firstBad?.seq], [false, 2149, 2150]);
});
