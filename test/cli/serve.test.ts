import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, testDatabaseKind } from '../support/db.ts';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-serve-'));
const children: ChildProcess[] = [];
const testDb = testDatabaseKind() === 'postgres' ? await createTestDatabase() : null;

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await testDb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const baseEnv = () => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  GUILDHALL_DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  ...(testDb?.target.kind === 'postgres' ? { DATABASE_URL: testDb.target.url } : {}),
});

/** Starts `guildhall serve` on a free port and resolves with its URL once it says it is running. */
const startServer = (env: Record<string, string> = {}) =>
  new Promise<{ child: ChildProcess; url: string; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [main, 'serve'], { env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', ...env }, cwd: root });
    children.push(child);
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Guildhall is running at \S+ \(listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1], output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000).unref();
  });

test('serve migrates, answers /api/health, and shuts down gracefully on SIGTERM', async () => {
  const { child, url } = await startServer({ LOG_LEVEL: 'info' });
  const res = await fetch(`${url}/api/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', database: 'ok' });
  if (!testDb) assert.ok(fs.existsSync(path.join(dataDir, 'guildhall.sqlite')), 'creates the SQLite database in the data directory');
  child.removeAllListeners('exit');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('a second process on the same SQLite data directory refuses to start with a clear message', { skip: testDb ? 'SQLite only' : false }, async () => {
  const first = await startServer();
  const second = spawnSync(process.execPath, [main, 'serve'], { env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1' }, cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(second.status, 1);
  assert.match(second.stderr, /Another Guildhall process \(pid \d+\) is already using the data directory/);
  assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
  first.child.removeAllListeners('exit');
  first.child.kill('SIGTERM');
  await new Promise((r) => first.child.once('exit', r));
});

test('wrong configuration stops start-up with one clear line', () => {
  const r = spawnSync(process.execPath, [main, 'serve'], { env: { ...baseEnv(), PORT: 'eighty' }, cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), 'guildhall: configuration error: PORT="eighty" must be a whole number from 0 to 65535.');
});

test('an unreachable database is reported in one line, not a stack trace', () => {
  const r = spawnSync(process.execPath, [main, 'migrate'], {
    env: { ...baseEnv(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' },
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^guildhall: cannot reach the database/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('--help lists the commands (through the npm bin entry, as `npx guildhall` runs it)', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/guildhall.js'), '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /serve/);
  assert.match(r.stdout, /migrate/);
});
