import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../../../test/support/db.ts';
import { fakeClock } from '../../kernel/clock.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { queueMail } from '../../modules/mail/index.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const main = path.join(root, 'src/cli/main.ts');
const testDb = await createTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-jobs-cli-'));
after(async () => {
  await testDb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const guildhall = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      GUILDHALL_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      // A frozen day starts every call at 12:00 of it: no scheduled task's slot (ledger.import runs every
      // 10 minutes) can fall between two calls and turn up as a job the test did not queue.
      GUILDHALL_TODAY: '2026-06-01',
      DATABASE_URL: testDb.target.kind === 'postgres' ? testDb.target.url : `sqlite:${testDb.target.file}`,
    },
  });

test('jobs run-due runs what is due (mail is stored without SMTP); list and retry handle failed jobs', async () => {
  // Created "in the past" so it is due whatever the real clock says.
  const clock = fakeClock('2026-01-01T00:00:00Z');
  const mailId = await testDb.db.transaction().execute((tx) =>
    queueMail(tx, { clock, defaultFrom: 'club@example.org' }, { to: ['a@example.org'], subject: 'Hi', text: 'Hello' }),
  );
  await enqueueJob(testDb.db, clock, { type: 'test.unknown-to-this-version', id: 'orphan', payload: {} });

  const run = guildhall('jobs', 'run-due', '--json');
  assert.equal(run.status, 0, run.stderr);
  const counts = JSON.parse(run.stdout);
  assert.equal(counts.ran, 2);
  assert.equal(counts.done, 1);
  assert.equal(counts.failed, 1);
  assert.equal(typeof counts.scheduled, 'number');
  const mail = await testDb.db.selectFrom('mail_message').select('status').where('id', '=', mailId).executeTakeFirstOrThrow();
  assert.equal(mail.status, 'stored');

  const human = guildhall('jobs', 'run-due');
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /^Ran 0 job\(s\): 0 done, 0 to retry, 0 failed/);

  const list = guildhall('jobs', 'list', '--status', 'failed');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /orphan {2}test\.unknown-to-this-version {2}failed {2}attempts 1\/8 .*No handler for job type/);

  const bad = guildhall('jobs', 'list', '--status', 'broken');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--status must be one of pending, running, done, failed/);

  const retry = guildhall('jobs', 'retry', 'orphan');
  assert.equal(retry.status, 0, retry.stderr);
  assert.match(retry.stdout, /Job orphan will run again now/);
  const job = await testDb.db.selectFrom('job').select(['status']).where('id', '=', 'orphan').executeTakeFirstOrThrow();
  assert.equal(job.status, 'pending');
  const audit = await testDb.db.selectFrom('audit_log').select(['actor_type', 'action']).where('entity_id', '=', 'orphan').execute();
  assert.deepEqual(audit, [{ actor_type: 'cli', action: 'retry' }]);

  const again = guildhall('jobs', 'retry', 'orphan');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /Only failed jobs can be retried/);
});

test('serve runs the job worker: queued mail is handled while the server runs, and SIGTERM stops it cleanly', async () => {
  const clock = fakeClock('2026-01-01T00:00:00Z');
  const mailId = await testDb.db.transaction().execute((tx) =>
    queueMail(tx, { clock, defaultFrom: 'club@example.org' }, { to: ['b@example.org'], subject: 'While serving', text: 'Hello' }),
  );
  const child = spawn(process.execPath, [main, 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      GUILDHALL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: testDb.target.kind === 'postgres' ? testDb.target.url : `sqlite:${testDb.target.file}`,
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    let status = 'queued';
    for (let i = 0; i < 100 && status !== 'stored'; i++) {
      await sleep(100);
      status = (await testDb.db.selectFrom('mail_message').select('status').where('id', '=', mailId).executeTakeFirstOrThrow()).status;
    }
    assert.equal(status, 'stored', output);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
});
