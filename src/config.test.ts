import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults: SQLite in ./data, port 8080, localhost public URL', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.publicUrl, 'http://localhost:8080');
  assert.deepEqual(c.database, { kind: 'sqlite', file: path.resolve('data', 'guildhall.sqlite') });
  assert.equal(c.smtpUrl, null);
  assert.equal(c.today, null);
});

test('a postgres:// DATABASE_URL switches to PostgreSQL; GUILDHALL_TODAY freezes the day', () => {
  const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/gh', GUILDHALL_TODAY: '2026-03-31', GUILDHALL_DATA_DIR: '/tmp/x', PORT: '9000' });
  assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://u@db:5432/gh' });
  assert.equal(c.today?.toString(), '2026-03-31');
  assert.equal(c.dataDir, '/tmp/x');
  assert.equal(c.publicUrl, 'http://localhost:9000');
});

test('wrong configuration is refused with one line that says what is wrong', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT="eighty" must be a whole number from 0 to 65535\.$/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ DATABASE_URL: 'postgres://u:secret@db/x?bad', PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL must start with http:\/\/ or https:\/\//],
    [{ SMTP_URL: 'http://mail' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
    [{ GUILDHALL_TODAY: '2026-02-30' }, /GUILDHALL_TODAY="2026-02-30" must be a date written YYYY-MM-DD/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL="not a url" is not a URL/],
    [{ SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES/],
    [{ JOB_CONCURRENCY: '20' }, /^JOB_CONCURRENCY="20" must be a whole number from 1 to 8\.$/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(env));
  }
});

test('the password in a wrong DATABASE_URL is not echoed', () => {
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }), (e: Error) => !e.message.includes('hunter2'));
});
