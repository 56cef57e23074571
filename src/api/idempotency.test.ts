import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../test/support/context.ts';
import { bearerWith } from '../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let headers: Record<string, string>;
before(async () => {
  t = await createTestServer();
  headers = (await bearerWith(t.ctx, { staff: 'update', contacts: 'read' })).headers;
});
after(async () => t.close());

const createGroup = (name: string, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/access-groups',
    headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: { name, permissions: { contacts: 'read' } },
  });

const groupsNamed = async (name: string) =>
  (await t.ctx.db.selectFrom('access_group').select('id').where('name', '=', name).execute()).length;

test('a retried POST with the same Idempotency-Key returns the first response and creates nothing more', async () => {
  const first = await createGroup('Door volunteers', 'retry-1');
  assert.equal(first.statusCode, 201, first.body);
  const again = await createGroup('Door volunteers', 'retry-1');
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  assert.equal(await groupsNamed('Door volunteers'), 1);
});

test('the same key with a different body is refused with 422 and changes nothing', async () => {
  const res = await createGroup('Someone else', 'retry-1');
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().error.code, 'idempotency_mismatch');
  assert.equal(await groupsNamed('Someone else'), 0);
});

test('keys belong to their caller: another API key may use the same key for its own request', async () => {
  const other = (await bearerWith(t.ctx, { staff: 'update' }, 'other')).headers;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/access-groups',
    headers: { ...other, 'idempotency-key': 'retry-1' },
    payload: { name: 'Other caller', permissions: {} },
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.headers['idempotent-replayed'], undefined);
});

test('an error response is replayed too, and a malformed key is refused', async () => {
  const dup = await createGroup('Door volunteers', 'dup-1');
  assert.equal(dup.statusCode, 409);
  const again = await createGroup('Door volunteers', 'dup-1');
  assert.equal(again.statusCode, 409);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  const bad = await createGroup('Bad key', 'has spaces in it');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /Idempotency-Key/);
  assert.equal(await groupsNamed('Bad key'), 0);
});
