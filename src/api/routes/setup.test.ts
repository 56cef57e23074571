import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { sessionCookieOf } from '../../../test/support/staff.ts';
import { ensureSetupToken } from '../../modules/staff/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
});
after(async () => t.close());

const setup = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/setup', payload });
const person = { email: 'first@example.org', name: 'First Admin', password: 'lanterns over quiet harbours' };

test('first run: the setup link creates the first administrator, signs them in, and works only while nobody exists', async () => {
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json(), { needed: true });
  const link = await ensureSetupToken(t.ctx);
  assert.ok(link);
  assert.match(link.link, /^http:\/\/localhost:8080\/setup\?token=[\w-]{40,}$/);
  assert.equal(link.expiresAt, '2026-01-16T10:00:00.000Z', 'valid 24 hours');

  const bad = await setup({ ...person, token: 'guessed' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /not valid/);
  const weak = await setup({ ...person, token: link.token, password: 'qwertyuiop123' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.json().error.message, /keyboard pattern/);
  const extra = await setup({ ...person, token: link.token, isAdmin: false });
  assert.equal(extra.statusCode, 400, 'unknown fields are refused');

  const res = await setup({ ...person, token: link.token });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.user.email, 'first@example.org');
  assert.equal(body.user.isAdmin, true);
  assert.equal(body.user.permissions.staff, 'update');
  const cookie = sessionCookieOf(res.headers['set-cookie']);
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
  assert.equal(me.statusCode, 200);

  const groups = await t.app.inject({ method: 'GET', url: '/api/v1/access-groups', headers: { cookie } });
  const admins = groups.json().items.find((g: { name: string }) => g.name === 'Administrators');
  assert.ok(admins.builtin);
  assert.deepEqual(admins.memberIds, [body.user.id], 'the first admin is in the Administrators group');
  const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', body.user.id).execute();
  assert.equal(audit[0]?.actor_type, 'setup');
  assert.doesNotMatch(audit[0]?.after ?? '', /argon2/);

  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json(), { needed: false });
  assert.equal(await ensureSetupToken(t.ctx), null, 'no more setup links');
  const again = await setup({ ...person, email: 'second@example.org', token: link.token });
  assert.equal(again.statusCode, 409);
  assert.match(again.json().error.message, /already done/);
});

test('an expired setup link is refused', async () => {
  const fresh = await createTestServer();
  try {
    const link = (await ensureSetupToken(fresh.ctx))!;
    fresh.ctx.clock.advance(24 * 3_600_000 + 1);
    const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...person, token: link.token } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /expired/);
  } finally {
    await fresh.close();
  }
});
