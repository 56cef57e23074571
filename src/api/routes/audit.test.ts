import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { inTransaction } from '../../db/database.ts';
import { recordAudit, systemActor } from '../../modules/audit/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let staffReader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  staffReader = await bearerWith(t.ctx, { staff: 'read' });
  await inTransaction(t.ctx.db, async (tx) => {
    for (let i = 1; i <= 12; i++) {
      t.ctx.clock.advance(60_000);
      const actor = i % 3 === 0 ? { type: 'staff' as const, id: 'u1', name: 'Ada' } : systemActor;
      await recordAudit(tx, t.ctx.clock, actor, { entityType: i % 2 ? 'contact' : 'invoice', entityId: `e${i % 4}`, action: i === 12 ? 'delete' : 'update', after: { i, password: 'hunter2' } });
    }
  });
});
after(async () => t.close());

const get = (url: string, headers = staffReader.headers) => t.app.inject({ method: 'GET', url, headers });

test('the audit list needs staff:read', async () => {
  assert.equal((await get('/api/v1/audit', {})).statusCode, 401);
  assert.equal((await get('/api/v1/audit', (await bearerWith(t.ctx, { settings: 'update' })).headers)).statusCode, 403);
  assert.equal((await get('/api/v1/audit/verify', (await bearerWith(t.ctx, { settings: 'update' })).headers)).statusCode, 403);
});

test('the audit list is newest first, paged, with parsed values and secrets redacted', async () => {
  const res = await get('/api/v1/audit?pageSize=5');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.total, 12);
  assert.deepEqual(body.items.map((i: { seq: number }) => i.seq), [12, 11, 10, 9, 8]);
  assert.deepEqual(body.items[0].after, { i: 12, password: '[redacted]' });
  assert.equal(body.items[0].before, null);
  const page3 = (await get('/api/v1/audit?pageSize=5&page=3')).json();
  assert.deepEqual(page3.items.map((i: { seq: number }) => i.seq), [2, 1]);
});

test('the audit list sorts by seq or at either way, and refuses other sorts', async () => {
  assert.deepEqual((await get('/api/v1/audit?sort=seq&pageSize=3')).json().items.map((i: { seq: number }) => i.seq), [1, 2, 3]);
  assert.deepEqual((await get('/api/v1/audit?sort=-at&pageSize=2')).json().items.map((i: { seq: number }) => i.seq), [12, 11]);
  assert.deepEqual((await get('/api/v1/audit?sort=at&pageSize=2')).json().items.map((i: { seq: number }) => i.seq), [1, 2]);
  const bad = await get('/api/v1/audit?sort=actor_name');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /Sort by one of: seq, at/);
});

test('the audit list filters by record, actor and action', async () => {
  const history = (await get('/api/v1/audit?entityType=contact&entityId=e1')).json();
  assert.deepEqual(history.items.map((i: { seq: number }) => i.seq), [9, 5, 1]);
  assert.deepEqual((await get('/api/v1/audit?actorId=u1')).json().items.map((i: { seq: number }) => i.seq), [12, 9, 6, 3]);
  assert.deepEqual((await get('/api/v1/audit?action=delete')).json().items.map((i: { seq: number }) => i.seq), [12]);
  assert.equal((await get('/api/v1/audit?q=ad')).json().total, 4, 'q finds the actor name');
});

test('GET /api/v1/audit/verify reports an intact chain, then names the first altered row', async () => {
  const ok = await get('/api/v1/audit/verify');
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().ok, true);
  assert.equal(ok.json().count, 12);
  assert.equal(ok.json().head.seq, 12);
  assert.equal(ok.json().firstBad, undefined);

  await t.ctx.db.updateTable('audit_log').set({ action: 'create' }).where('seq', '=', 7).execute();
  const bad = (await get('/api/v1/audit/verify')).json();
  assert.equal(bad.ok, false);
  assert.equal(bad.count, 6);
  assert.equal(bad.firstBad.seq, 7);
  assert.equal(bad.firstBad.problem, 'altered');
  assert.match(bad.firstBad.message, /^Row 7 .* was altered/);
});

test("a record's history is readable with read access to the record's area, not only with audit rights", async () => {
  const settingsReader = (await bearerWith(t.ctx, { settings: 'update' }, 'settings person')).headers;
  const change = await t.app.inject({ method: 'PATCH', url: '/api/v1/settings/organization.vat_number', headers: settingsReader, payload: { value: 'NO 999 888 777 MVA' } });
  assert.equal(change.statusCode, 200, change.body);

  const history = await t.app.inject({ method: 'GET', url: '/api/v1/audit/history/setting/organization.vat_number', headers: settingsReader });
  assert.equal(history.statusCode, 200, history.body);
  const body = history.json();
  assert.equal(body.items[0].entityId, 'organization.vat_number');
  assert.deepEqual(body.items[0].after, { value: 'NO 999 888 777 MVA' });
  assert.ok(body.items.every((i: { entityType: string; entityId: string }) => i.entityType === 'setting' && i.entityId === 'organization.vat_number'));

  const whole = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: settingsReader });
  assert.equal(whole.statusCode, 403, 'the whole trail still needs staff access');
  const staffHistory = await t.app.inject({ method: 'GET', url: '/api/v1/audit/history/staff_user/x', headers: settingsReader });
  assert.equal(staffHistory.statusCode, 403);
  const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/audit/history/spaceship/x', headers: settingsReader });
  assert.equal(unknown.statusCode, 404);
});
