import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createTestContext } from '../../test/support/context.ts';
import { createStaff } from '../../test/support/staff.ts';
import { buildServer } from '../api/server.ts';
import { createLogger } from './logger.ts';

test('logs are JSON lines with a request id and never contain passwords, tokens, keys or cookies', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const ctx = await createTestContext();
  ctx.log = createLogger('debug', sink);
  const app = await buildServer(ctx);
  try {
    const password = 'Correct horse battery 42!';
    await createStaff(ctx, { email: 'kari@example.org', password, isAdmin: true });
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'kari@example.org', password } });
    assert.equal(login.statusCode, 200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const sessionValue = cookie.split('=')[1]!;
    const csrf = login.json().csrfToken as string;
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'kari@example.org', password: 'wrong password guess 1' } });
    const key = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: 'export', groupId: (await ctx.db.selectFrom('access_group').select('id').executeTakeFirstOrThrow()).id },
    });
    assert.equal(key.statusCode, 201, key.body);
    const apiKey = key.json().key as string;
    await app.inject({ method: 'GET', url: '/api/v1/staff', headers: { authorization: `Bearer ${apiKey}` } });
    await app.inject({ method: 'GET', url: '/reset-password?token=very-secret-reset-token' });
    await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: 'another-secret-token', password: 'x' } });

    const text = lines.join('\n');
    assert.ok(lines.length > 5, 'requests were logged');
    for (const line of lines) JSON.parse(line);
    assert.ok(lines.some((l) => JSON.parse(l).reqId), 'lines carry the request id');
    for (const secret of [password, 'wrong password guess 1', sessionValue, csrf, apiKey, 'very-secret-reset-token', 'another-secret-token']) {
      assert.ok(!text.includes(secret), `the log must not contain ${secret.slice(0, 6)}…`);
    }
    assert.match(text, /reset-password\?token=\[redacted\]/);
  } finally {
    await app.close();
    await ctx.close();
  }
});
