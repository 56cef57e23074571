import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { createStaff, signIn, TEST_PASSWORD } from '../../../test/support/staff.ts';
import { FULL_ACCESS } from '../access.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let admin: { id: string };
let root: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  admin = await createStaff(t.ctx, { email: 'admin@example.org', isAdmin: true });
  root = await signIn(t.app, 'admin@example.org');
});
after(async () => t.close());

type Req = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object; headers?: Record<string, string> };
const call = (r: Req) => t.app.inject({ ...r, headers: r.headers ?? root.headers });
const auditOf = (entityId: string) => t.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', entityId).orderBy('seq').execute();
const administrators = async () => (await call({ method: 'GET', url: '/api/v1/access-groups?q=Administrators' })).json().items[0];

test('staff users: create, read, list, change and delete, each change audited without the password', async () => {
  const created = await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'Ola@Example.org', name: 'Ola Nordmann', password: 'ferry tickets for seven', language: 'nb' } });
  assert.equal(created.statusCode, 201, created.body);
  const item = created.json();
  assert.deepEqual(
    { ...item, id: undefined, createdAt: undefined, updatedAt: undefined },
    { id: undefined, email: 'ola@example.org', name: 'Ola Nordmann', isAdmin: false, active: true, language: 'nb', groupIds: [], createdAt: undefined, updatedAt: undefined },
  );
  assert.equal((await call({ method: 'GET', url: `/api/v1/staff/${item.id}` })).json().email, 'ola@example.org');
  const list = await call({ method: 'GET', url: '/api/v1/staff?q=nordmann' });
  assert.deepEqual([list.json().total, list.json().items[0].id], [1, item.id]);
  assert.equal((await signIn(t.app, 'ola@example.org', 'ferry tickets for seven')).csrfToken.length > 0, true);

  const dup = await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'ola@example.org', name: 'Twin' } });
  assert.equal(dup.statusCode, 409);
  assert.match(dup.json().error.message, /already exists/);
  const weak = await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'kari@example.org', name: 'Kari', password: '123456789012' } });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.json().error.message, /simple sequence/);

  const group = (await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Billing clerks', permissions: { billing: 'update', contacts: 'read' } } })).json();
  const patched = await call({ method: 'PATCH', url: `/api/v1/staff/${item.id}`, payload: { name: 'Ola N.', groupIds: [group.id], password: 'a different phrase now' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual([patched.json().name, patched.json().groupIds], ['Ola N.', [group.id]]);
  const unknownGroup = await call({ method: 'PATCH', url: `/api/v1/staff/${item.id}`, payload: { groupIds: ['NOPE'] } });
  assert.equal(unknownGroup.statusCode, 400);
  assert.match(unknownGroup.json().error.message, /NOPE/);

  assert.equal((await call({ method: 'DELETE', url: `/api/v1/staff/${item.id}` })).statusCode, 204);
  assert.equal((await call({ method: 'GET', url: `/api/v1/staff/${item.id}` })).statusCode, 404);

  const rows = await auditOf(item.id);
  assert.deepEqual(rows.map((r) => r.action), ['create', 'update', 'set_password', 'delete']);
  assert.equal(rows[0]!.actor_id, admin.id);
  assert.deepEqual(JSON.parse(rows[1]!.before!).name, 'Ola Nordmann');
  assert.deepEqual(JSON.parse(rows[1]!.after!).groupIds, [group.id]);
  for (const r of rows) assert.doesNotMatch(`${r.before}${r.after}`, /argon2|ferry|phrase/);
});

test('the last active administrator cannot be deleted, demoted or deactivated', async () => {
  const key = await bearerWith(t.ctx, FULL_ACCESS);
  const as = { headers: key.headers };
  for (const r of [
    { method: 'DELETE' as const, url: `/api/v1/staff/${admin.id}` },
    { method: 'PATCH' as const, url: `/api/v1/staff/${admin.id}`, payload: { isAdmin: false } },
    { method: 'PATCH' as const, url: `/api/v1/staff/${admin.id}`, payload: { active: false } },
  ]) {
    const res = await call({ ...r, ...as });
    assert.equal(res.statusCode, 409, `${r.method} ${JSON.stringify(r.payload)}`);
    assert.match(res.json().error.message, /admin@example.org is the last administrator with full access/);
  }
  const still = (await call({ method: 'GET', url: `/api/v1/staff/${admin.id}` })).json();
  assert.deepEqual([still.isAdmin, still.active], [true, true]);

  // With a second administrator the first may step down; then the second is the last one.
  const second = (await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'second@example.org', name: 'Second', isAdmin: true }, ...as })).json();
  const inactiveAdmin = (await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'asleep@example.org', name: 'Asleep', isAdmin: true, active: false }, ...as })).json();
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/staff/${admin.id}`, payload: { isAdmin: false }, ...as })).statusCode, 200);
  const blocked = await call({ method: 'DELETE', url: `/api/v1/staff/${second.id}`, ...as });
  assert.equal(blocked.statusCode, 409, 'an inactive administrator does not count');
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/staff/${admin.id}`, payload: { isAdmin: true }, ...as })).statusCode, 200);
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/staff/${second.id}`, ...as })).statusCode, 204);
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/staff/${inactiveAdmin.id}`, ...as })).statusCode, 204);
});

test('deactivating a staff user ends their sessions', async () => {
  const user = await createStaff(t.ctx, { email: 'leaver@example.org' });
  const s = await signIn(t.app, 'leaver@example.org');
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/staff/${user.id}`, payload: { active: false } })).statusCode, 200);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode, 401);
  const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'leaver@example.org', password: TEST_PASSWORD } });
  assert.equal(relogin.statusCode, 401);
});

test('access groups: read-only staff may look but get 403 on changes; nobody grants more than they have', async () => {
  await createStaff(t.ctx, { email: 'viewer@example.org', permissions: { staff: 'read' } });
  const viewer = await signIn(t.app, 'viewer@example.org');
  assert.equal((await call({ method: 'GET', url: '/api/v1/staff', headers: viewer.headers })).statusCode, 200);
  const before = await t.ctx.db.selectFrom('staff_user').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  for (const r of [
    { method: 'POST' as const, url: '/api/v1/staff', payload: { email: 'x@example.org', name: 'X' } },
    { method: 'PATCH' as const, url: `/api/v1/staff/${admin.id}`, payload: { name: 'Changed' } },
    { method: 'POST' as const, url: '/api/v1/access-groups', payload: { name: 'Mine', permissions: { staff: 'update' } } },
  ]) {
    const res = await call({ ...r, headers: viewer.headers });
    assert.equal(res.statusCode, 403, r.url);
    assert.match(res.json().error.message, /does not include changing staff/);
  }
  const after = await t.ctx.db.selectFrom('staff_user').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));

  await createStaff(t.ctx, { email: 'manager@example.org', permissions: { staff: 'update', contacts: 'read' } });
  const manager = await signIn(t.app, 'manager@example.org');
  const tooMuch = await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Escalate', permissions: { billing: 'update', contacts: 'update' } }, headers: manager.headers });
  assert.equal(tooMuch.statusCode, 403);
  assert.match(tooMuch.json().error.message, /cannot grant access you do not have yourself \(contacts, billing\)/);
  const makeAdmin = await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'boss@example.org', name: 'Boss', isAdmin: true }, headers: manager.headers });
  assert.equal(makeAdmin.statusCode, 403);
  const keyForAdmins = await call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'sneaky', groupId: (await administrators()).id }, headers: manager.headers });
  assert.equal(keyForAdmins.statusCode, 403);
  const fine = await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Contact readers', permissions: { contacts: 'read' } }, headers: manager.headers });
  assert.equal(fine.statusCode, 201);
});

test('access groups: CRUD with validated permissions; the built-in Administrators group stays', async () => {
  const bad = [
    { name: 'Bad area', permissions: { everything: 'update' } },
    { name: 'Bad level', permissions: { billing: 'write' } },
    { name: 'Extra', permissions: {}, colour: 'red' },
    { name: '', permissions: {} },
  ];
  for (const payload of bad) {
    const res = await call({ method: 'POST', url: '/api/v1/access-groups', payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.ok(res.json().error.message.length > 5);
  }
  const member = await createStaff(t.ctx, { email: 'member@example.org' });
  const created = await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Ledger', description: 'Accounts', permissions: { ledger: 'update', reports: 'read' }, memberIds: [member.id] } });
  assert.equal(created.statusCode, 201, created.body);
  const g = created.json();
  assert.deepEqual([g.permissions, g.memberIds, g.builtin], [{ ledger: 'update', reports: 'read' }, [member.id], false]);
  const s = await signIn(t.app, 'member@example.org');
  const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).json();
  assert.deepEqual(me.user.permissions, { ledger: 'update', reports: 'read' });

  const patched = await call({ method: 'PATCH', url: `/api/v1/access-groups/${g.id}`, payload: { permissions: { ledger: 'read' }, memberIds: [] } });
  assert.deepEqual([patched.json().permissions, patched.json().memberIds], [{ ledger: 'read' }, []]);
  assert.equal((await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Ledger', permissions: {} } })).statusCode, 409);
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/access-groups/${g.id}` })).statusCode, 204);
  assert.deepEqual((await auditOf(g.id)).map((r) => r.action), ['create', 'update', 'delete']);

  const admins = await administrators();
  assert.deepEqual(admins.permissions, FULL_ACCESS);
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/access-groups/${admins.id}` })).statusCode, 409);
  const demote = await call({ method: 'PATCH', url: `/api/v1/access-groups/${admins.id}`, payload: { permissions: { staff: 'read' } } });
  assert.equal(demote.statusCode, 409);
  assert.match(demote.json().error.message, /built in/);
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/access-groups/${admins.id}`, payload: { description: 'The people in charge' } })).statusCode, 200);
});

test('API keys: shown once, stored hashed, work as Bearer until revoked; every step audited', async () => {
  const group = (await call({ method: 'POST', url: '/api/v1/access-groups', payload: { name: 'Integration', permissions: { staff: 'read' } } })).json();
  const created = await call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'HR sync', groupId: group.id } });
  assert.equal(created.statusCode, 201, created.body);
  const { key, ...item } = created.json();
  assert.match(key, /^gh_[\w-]{40,}$/);
  assert.equal(item.prefix, key.slice(0, 10));
  assert.deepEqual([item.name, item.groupId, item.lastUsedAt, item.revokedAt], ['HR sync', group.id, null, null]);
  const stored = await t.ctx.db.selectFrom('api_key').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow();
  assert.notEqual(stored.key_hash, key);
  assert.ok(!JSON.stringify(stored).includes(key));

  const bearer = { authorization: `Bearer ${key}` };
  assert.equal((await call({ method: 'GET', url: '/api/v1/staff', headers: bearer })).statusCode, 200);
  assert.equal((await call({ method: 'POST', url: '/api/v1/staff', payload: { email: 'k@example.org', name: 'K' }, headers: bearer })).statusCode, 403, 'a key has its group’s access only');
  const listed = (await call({ method: 'GET', url: '/api/v1/api-keys' })).json().items.find((k: { id: string }) => k.id === item.id);
  assert.equal(listed.key, undefined, 'lists never show the key');
  assert.ok(listed.lastUsedAt);

  assert.equal((await call({ method: 'DELETE', url: `/api/v1/access-groups/${group.id}` })).statusCode, 409, 'a group live keys use stays');
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/api-keys/${item.id}` })).statusCode, 204);
  const refused = await call({ method: 'GET', url: '/api/v1/staff', headers: bearer });
  assert.equal(refused.statusCode, 401);
  assert.match(refused.json().error.message, /revoked/);
  assert.ok((await call({ method: 'GET', url: '/api/v1/api-keys' })).json().items.find((k: { id: string }) => k.id === item.id).revokedAt);
  assert.deepEqual((await auditOf(item.id)).map((r) => r.action), ['create', 'revoke']);
  for (const r of await auditOf(item.id)) assert.ok(!`${r.before}${r.after}`.includes(key));
  assert.equal((await call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', groupId: 'missing' } })).statusCode, 400);
  assert.equal((await call({ method: 'DELETE', url: '/api/v1/api-keys/missing' })).statusCode, 404);
});

test('unknown fields and wrong types in bodies get 400 and change nothing', async () => {
  const cases: Req[] = [
    { method: 'POST', url: '/api/v1/staff', payload: { email: 'new@example.org', name: 'New', role: 'admin' } },
    { method: 'POST', url: '/api/v1/staff', payload: { email: 'not-an-address', name: 'New' } },
    { method: 'PATCH', url: `/api/v1/staff/${admin.id}`, payload: { isAdmin: 'yes' } },
    { method: 'PATCH', url: '/api/v1/auth/me', payload: { name: 'Me', isAdmin: true } },
    { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k', groupId: 'g', permissions: {} } },
  ];
  for (const c of cases) {
    const res = await call(c);
    assert.equal(res.statusCode, 400, `${c.method} ${c.url} ${JSON.stringify(c.payload)} → ${res.body}`);
    assert.equal(res.json().error.code, 'validation');
  }
  assert.equal((await call({ method: 'GET', url: '/api/v1/staff?q=new@' })).json().total, 0);
});

test('the OpenAPI document describes the staff and auth endpoints', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const p of ['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/staff/{id}', '/api/v1/access-groups', '/api/v1/api-keys/{id}', '/api/v1/setup']) {
    assert.ok(doc.paths[p], p);
  }
  assert.deepEqual(doc.paths['/api/v1/auth/login'].post.security, []);
});
