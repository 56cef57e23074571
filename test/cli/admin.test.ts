import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { signIn } from '../support/staff.ts';
import { setupLinkHook } from '../../src/cli/commands/admin.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
});
after(async () => t.close());

test('serve prints a setup link while there is no administrator, and nothing once there is one', async () => {
  const lines: string[] = [];
  const io = { out: () => {}, err: (s: string) => lines.push(s), json: () => false };
  await setupLinkHook(t.ctx, io);
  assert.match(lines[0] ?? '', /^No administrator yet\. Create the first one at: http:\/\/localhost:8080\/setup\?token=[\w-]{40,}$/);
  assert.match(lines.join('\n'), /guildhall admin create/);
  const token = /token=([\w-]+)/.exec(lines[0]!)![1]!;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: { token, email: 'setup@example.org', name: 'Set Up', password: 'kettle drum over the fjord' },
  });
  assert.equal(res.statusCode, 201, 'the printed link works');
  lines.length = 0;
  await setupLinkHook(t.ctx, io);
  assert.deepEqual(lines, []);
});

test('admin create makes an administrator who can sign in; weak passwords and bad input exit 2 with the reason', async () => {
  const weak = runCli(t.ctx, ['admin', 'create', '--email', 'boss@example.org', '--password', 'password1234']);
  assert.equal(weak.status, 2);
  assert.match(weak.stderr, /guildhall: The password is a common password/);
  const short = runCli(t.ctx, ['admin', 'create', '--email', 'boss@example.org', '--password', 'short']);
  assert.equal(short.status, 2);
  assert.match(short.stderr, /at least 12 characters/);
  const badEmail = runCli(t.ctx, ['admin', 'create', '--email', 'boss', '--password', 'hollow oak lantern song']);
  assert.equal(badEmail.status, 2);
  assert.match(badEmail.stderr, /not an e-mail address/);
  const missing = runCli(t.ctx, ['admin', 'create', '--email', 'boss@example.org']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--password/);
  assert.equal(await t.ctx.db.selectFrom('staff_user').select('id').where('email', '=', 'boss@example.org').executeTakeFirst(), undefined);

  const ok = runCli(t.ctx, ['admin', 'create', '--email', 'Boss@Example.org', '--password', 'hollow oak lantern song', '--name', 'The Boss']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Created administrator boss@example.org/);
  const s = await signIn(t.app, 'boss@example.org', 'hollow oak lantern song');
  const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).json();
  assert.deepEqual([me.user.name, me.user.isAdmin, me.user.permissions.settings], ['The Boss', true, 'update']);
  const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', me.user.id).execute();
  assert.deepEqual([audit[0]?.actor_type, audit[0]?.actor_name, audit[0]?.action], ['cli', 'cli-tester', 'create']);

  const dup = runCli(t.ctx, ['--json', 'admin', 'create', '--email', 'boss@example.org', '--password', 'hollow oak lantern song']);
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /already exists/);
  const json = runCli(t.ctx, ['--json', 'admin', 'create', '--email', 'deputy@example.org', '--password', 'hollow oak lantern song']);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual({ ...JSON.parse(json.stdout), id: undefined }, { id: undefined, email: 'deputy@example.org', name: 'deputy', isAdmin: true });
});

test('admin create --password-stdin keeps the password out of the process list', async () => {
  const r = runCli(t.ctx, ['admin', 'create', '--email', 'piped@example.org', '--password-stdin'], {}, { input: 'quiet river under stone\n' });
  assert.equal(r.status, 0, r.stderr);
  const s = await signIn(t.app, 'piped@example.org', 'quiet river under stone');
  assert.ok(s.cookie);
  const both = runCli(t.ctx, ['admin', 'create', '--email', 'x@example.org', '--password', 'quiet river under stone', '--password-stdin'], {}, { input: 'x\n' });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--password P or --password-stdin/);
  const empty = runCli(t.ctx, ['admin', 'create', '--email', 'y@example.org', '--password-stdin'], {}, { input: '' });
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /Standard input was empty/);
});

test('apikey create prints the key as its last line; the key works as Bearer with its group’s access', async () => {
  const r = runCli(t.ctx, ['apikey', 'create', '--name', 'payroll export', '--group', 'Administrators']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const key = lines.at(-1)!;
  assert.match(key, /^gh_[\w-]{40,}$/);
  assert.match(lines[0]!, /Created API key "payroll export"/);
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/staff', headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.statusCode, 200);

  const group = (await t.app.inject({ method: 'GET', url: '/api/v1/access-groups?q=Administrators', headers: { authorization: `Bearer ${key}` } })).json().items[0];
  const byId = runCli(t.ctx, ['--json', 'apikey', 'create', '--name', 'by id', '--group', group.id]);
  assert.equal(byId.status, 0, byId.stderr);
  const body = JSON.parse(byId.stdout);
  assert.deepEqual([body.name, body.groupId, body.group], ['by id', group.id, 'Administrators']);
  assert.match(body.key, /^gh_/);

  const unknown = runCli(t.ctx, ['apikey', 'create', '--name', 'x', '--group', 'Nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /No access group is named or has the id "Nope"\. Groups: "Administrators"/);
  const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_type']).where('entity_type', '=', 'api_key').execute();
  assert.deepEqual(audit.map((a) => [a.action, a.actor_type]), [['create', 'cli'], ['create', 'cli']]);
});
