import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { createStaff, sessionCookieOf, signIn, TEST_PASSWORD } from '../../../test/support/staff.ts';
import { FULL_ACCESS } from '../access.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
  await createStaff(t.ctx, { email: 'admin@example.org', name: 'Ada Admin', isAdmin: true });
});
after(async () => t.close());

const WRONG = 'The e-mail or password is wrong.';
const login = (email: string, password: string, extra: { remoteAddress?: string; cookie?: string } = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: extra.remoteAddress,
    headers: extra.cookie ? { cookie: extra.cookie } : {},
  });
const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });

test('signing in returns the user, permissions and CSRF token, and sets an HttpOnly SameSite=Lax cookie', async () => {
  const res = await login('Admin@Example.org ', TEST_PASSWORD);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.user.email, 'admin@example.org');
  assert.equal(body.user.name, 'Ada Admin');
  assert.equal(body.user.isAdmin, true);
  assert.deepEqual(body.user.permissions, FULL_ACCESS);
  assert.ok(body.csrfToken.length >= 32);
  const setCookie = String(res.headers['set-cookie']);
  assert.match(setCookie, /^gh_session=[\w-]{40,};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.match(setCookie, /Path=\//);
  assert.doesNotMatch(setCookie, /Secure/, 'plain http (localhost) cannot use Secure cookies');

  const cookie = sessionCookieOf(res.headers['set-cookie']);
  const again = await me(cookie);
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().user.email, 'admin@example.org');
  assert.equal(again.json().csrfToken, body.csrfToken);
  // Only a hash of the cookie is stored.
  const rows = await t.ctx.db.selectFrom('staff_session').select('id_hash').execute();
  assert.ok(rows.every((r) => !cookie.includes(r.id_hash)));
});

test('wrong password, unknown e-mail and inactive user all get the same 401 message', async () => {
  await createStaff(t.ctx, { email: 'gone@example.org', active: false });
  for (const [email, password] of [
    ['admin@example.org', 'not the right password'],
    ['nobody@example.org', TEST_PASSWORD],
    ['gone@example.org', TEST_PASSWORD],
  ]) {
    const res = await login(email!, password!, { remoteAddress: '10.1.0.1' });
    assert.equal(res.statusCode, 401, email);
    assert.deepEqual(res.json().error, { code: 'unauthenticated', message: WRONG });
    assert.equal(res.headers['set-cookie'], undefined);
  }
  await t.ctx.db.deleteFrom('login_throttle').execute();
});

test('each sign-in gets a new session id; signing in over an old session ends it; a stale cookie does not block sign-in', async () => {
  const first = await signIn(t.app, 'admin@example.org');
  const res = await login('admin@example.org', TEST_PASSWORD, { cookie: first.cookie });
  assert.equal(res.statusCode, 200, 'no CSRF token is needed to sign in, even with a session cookie');
  const second = sessionCookieOf(res.headers['set-cookie']);
  assert.notEqual(second, first.cookie);
  assert.notEqual(res.json().csrfToken, first.csrfToken);
  assert.equal((await me(first.cookie)).statusCode, 401, 'the replaced session is gone');
  assert.equal((await me(second)).statusCode, 200);

  const stale = await login('admin@example.org', TEST_PASSWORD, { cookie: 'gh_session=expired-or-made-up' });
  assert.equal(stale.statusCode, 200);
});

test('logout ends the session on the server and clears the cookie; it needs the CSRF token', async () => {
  const s = await signIn(t.app, 'admin@example.org');
  const forged = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
  assert.equal(forged.statusCode, 403);
  assert.equal((await me(s.cookie)).statusCode, 200);

  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
  assert.equal(res.statusCode, 204);
  assert.match(String(res.headers['set-cookie']), /gh_session=;.*Expires=Thu, 01 Jan 1970/);
  const after = await me(s.cookie);
  assert.equal(after.statusCode, 401);
  assert.equal(after.json().error.code, 'unauthenticated');
});

test('a session ends after 30 idle minutes', async () => {
  const s = await signIn(t.app, 'admin@example.org');
  t.ctx.clock.advance(29 * 60_000);
  assert.equal((await me(s.cookie)).statusCode, 200);
  t.ctx.clock.advance(29 * 60_000);
  assert.equal((await me(s.cookie)).statusCode, 200, 'activity keeps it alive');
  t.ctx.clock.advance(31 * 60_000);
  assert.equal((await me(s.cookie)).statusCode, 401);
});

test('a session ends 12 hours after sign-in however active it is', async () => {
  const s = await signIn(t.app, 'admin@example.org');
  for (let elapsed = 25; elapsed < 12 * 60; elapsed += 25) {
    t.ctx.clock.advance(25 * 60_000);
    assert.equal((await me(s.cookie)).statusCode, 200, `after ${elapsed} minutes`);
  }
  t.ctx.clock.advance(25 * 60_000);
  assert.equal((await me(s.cookie)).statusCode, 401);
});

test('5 failed sign-ins lock the account for 15 minutes, with the same message whether or not it exists', async () => {
  await createStaff(t.ctx, { email: 'target@example.org' });
  for (const email of ['target@example.org', 'ghost@example.org']) {
    for (let i = 0; i < 5; i++) {
      const res = await login(email, 'wrong password ' + i, { remoteAddress: `10.2.0.${i}` });
      assert.equal(res.statusCode, 401);
    }
    const locked = await login(email, TEST_PASSWORD, { remoteAddress: '10.2.1.1' });
    assert.equal(locked.statusCode, 429, email);
    assert.deepEqual(locked.json().error, { code: 'too_many_requests', message: 'Too many failed sign-in attempts. Try again in 15 minutes.', details: { retryAfterSeconds: 900 } });
    assert.equal(locked.headers['retry-after'], '900');
  }
  t.ctx.clock.advance(10 * 60_000);
  assert.match((await login('target@example.org', TEST_PASSWORD, { remoteAddress: '10.2.1.2' })).json().error.message, /Try again in 5 minutes/);
  t.ctx.clock.advance(5 * 60_000 + 1);
  const ok = await login('target@example.org', TEST_PASSWORD, { remoteAddress: '10.2.1.3' });
  assert.equal(ok.statusCode, 200, 'the lock has passed');
  // A success clears the account's count.
  for (let i = 0; i < 4; i++) await login('target@example.org', 'wrong again', { remoteAddress: '10.2.2.1' });
  assert.equal((await login('target@example.org', TEST_PASSWORD, { remoteAddress: '10.2.2.1' })).statusCode, 200);
});

test('20 failed sign-ins from one address lock that address, not others', async () => {
  await createStaff(t.ctx, { email: 'victim@example.org' });
  for (let i = 0; i < 20; i++) {
    const res = await login(`guess${i}@example.org`, 'some password', { remoteAddress: '10.3.0.9' });
    assert.equal(res.statusCode, 401);
  }
  const blocked = await login('victim@example.org', TEST_PASSWORD, { remoteAddress: '10.3.0.9' });
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.json().error.message, 'Too many failed sign-in attempts. Try again in 15 minutes.');
  assert.equal((await login('victim@example.org', TEST_PASSWORD, { remoteAddress: '10.3.0.10' })).statusCode, 200);
  t.ctx.clock.advance(15 * 60_000);
  assert.equal((await login('victim@example.org', TEST_PASSWORD, { remoteAddress: '10.3.0.9' })).statusCode, 200);
});

test('a cookie-authenticated change without the right X-CSRF-Token is refused and changes nothing', async () => {
  const s = await signIn(t.app, 'admin@example.org');
  for (const headers of [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': 'wrong' }]) {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers, payload: { name: 'Mallory' } });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().error.message, /CSRF/);
  }
  const staffId = (await me(s.cookie)).json().user.id;
  const other = await t.app.inject({ method: 'PATCH', url: `/api/v1/staff/${staffId}`, headers: { cookie: s.cookie }, payload: { name: 'Mallory' } });
  assert.equal(other.statusCode, 403);
  assert.equal((await me(s.cookie)).json().user.name, 'Ada Admin');

  const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers: s.headers, payload: { name: 'Ada Lovelace', language: 'nb' } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().user.name, 'Ada Lovelace');
  assert.equal(ok.json().user.language, 'nb');
  await t.app.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers: s.headers, payload: { name: 'Ada Admin', language: null } });
});

test('changing your own password needs the current one and ends your other sessions', async () => {
  await createStaff(t.ctx, { email: 'changer@example.org' });
  const a = await signIn(t.app, 'changer@example.org');
  const b = await signIn(t.app, 'changer@example.org');
  const post = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload });

  const wrong = await post(a.headers, { currentPassword: 'not my password', newPassword: 'a brand new phrase here' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error.message, 'The current password is wrong.');
  const weak = await post(a.headers, { currentPassword: TEST_PASSWORD, newPassword: 'password1234' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.json().error.message, /common password/);

  assert.equal((await post(a.headers, { currentPassword: TEST_PASSWORD, newPassword: 'a brand new phrase here' })).statusCode, 204);
  assert.equal((await me(a.cookie)).statusCode, 200, 'the session that changed it goes on');
  assert.equal((await me(b.cookie)).statusCode, 401, 'other sessions end');
  assert.equal((await login('changer@example.org', TEST_PASSWORD, { remoteAddress: '10.4.0.1' })).statusCode, 401);
  assert.equal((await login('changer@example.org', 'a brand new phrase here', { remoteAddress: '10.4.0.1' })).statusCode, 200);
  const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'change_password').execute();
  assert.equal(audit.length, 1);
});

test('password reset: always 202; a mailed single-use link that expires after an hour', async () => {
  const user = await createStaff(t.ctx, { email: 'forgetful@example.org' });
  const session = await signIn(t.app, 'forgetful@example.org');
  const ask = (email: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
  const mails = () => t.ctx.db.selectFrom('mail_message').selectAll().where('related_id', '=', user.id).orderBy('created_at').execute();

  const unknown = await ask('stranger@example.org');
  assert.equal(unknown.statusCode, 202);
  assert.deepEqual(unknown.json(), { ok: true });
  const res = await ask('Forgetful@example.org');
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { ok: true });
  const [mail] = await mails();
  assert.ok(mail, 'a message is queued');
  assert.equal(mail.status, 'queued');
  assert.deepEqual(JSON.parse(mail.to_addresses), ['forgetful@example.org']);
  const link = /http:\/\/localhost:8080\/reset-password\?token=([\w-]+)/.exec(mail.text_body);
  assert.ok(link, mail.text_body);
  const token = link[1]!;
  assert.ok(await t.ctx.db.selectFrom('job').select('id').where('id', '=', `mail:${mail.id}`).executeTakeFirst(), 'a send job is queued with it');

  const confirm = (password: string, tok = token) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: tok, password } });
  const weak = await confirm('forgetful1234');
  assert.equal(weak.statusCode, 400);
  assert.match(weak.json().error.message, /e-mail address/);
  assert.equal((await confirm('new phrase after the reset')).statusCode, 204, 'a refused password left the link usable');
  assert.equal((await me(session.cookie)).statusCode, 401, 'a reset ends existing sessions');
  assert.equal((await login('forgetful@example.org', 'new phrase after the reset', { remoteAddress: '10.5.0.1' })).statusCode, 200);
  const reused = await confirm('yet another good phrase');
  assert.equal(reused.statusCode, 400);
  assert.match(reused.json().error.message, /already been used/);

  await ask('forgetful@example.org');
  const second = /token=([\w-]+)/.exec((await mails()).at(-1)!.text_body)![1]!;
  t.ctx.clock.advance(61 * 60_000);
  const expired = await confirm('yet another good phrase', second);
  assert.equal(expired.statusCode, 400);
  assert.match(expired.json().error.message, /expired/);
  const bogus = await confirm('yet another good phrase', 'not-a-real-token');
  assert.equal(bogus.statusCode, 400);
  assert.match(bogus.json().error.message, /not valid/);
});

test('bad bodies: unknown fields → 400, a form-encoded login → 415 with a readable message', async () => {
  const extra = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.org', password: TEST_PASSWORD, admin: true } });
  assert.equal(extra.statusCode, 400);
  assert.match(extra.json().error.message, /admin/);
  const form = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: 'email=admin%40example.org&password=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.statusCode, 415);
  assert.equal(form.json().error.message, 'Send the body as application/json.');
  const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.org' } });
  assert.equal(missing.statusCode, 400);
});

test('/auth/me needs a staff session: none → 401, an API key → 401', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode, 401);
  const key = await bearerWith(t.ctx);
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: key.headers });
  assert.equal(res.statusCode, 401);
  assert.match(res.json().error.message, /API key/);
});

test('over https the session cookie is Secure', async () => {
  const s = await createTestServer({ env: { PUBLIC_URL: 'https://x.example' } });
  try {
    await createStaff(s.ctx, { email: 'admin@example.org', isAdmin: true });
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.org', password: TEST_PASSWORD } });
    assert.equal(res.statusCode, 200);
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /; Secure/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
  } finally {
    await s.close();
  }
});
