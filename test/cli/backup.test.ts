import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createTestContext, type TestContext } from '../support/context.ts';
import { testDatabaseKind } from '../support/db.ts';
import { runCli } from '../support/cli.ts';
import { acquireDataDirLock } from '../../src/db/database.ts';
import { updateSetting } from '../../src/modules/settings/index.ts';
import { systemActor } from '../../src/modules/audit/index.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
  await updateSetting({ db: ctx.db, clock: ctx.clock }, systemActor, 'organization.name', 'Backup Klubb');
});
after(async () => ctx.close());

const sqliteOnly = { skip: testDatabaseKind() === 'postgres' ? 'SQLite only' : false };

test('backup writes a readable copy of the SQLite database, even while the data directory is in use', sqliteOnly, () => {
  // A running server holds this lock; backup must still work beside it.
  const release = acquireDataDirLock(ctx.config.dataDir);
  try {
    const r = runCli(ctx, ['backup']);
    assert.equal(r.status, 0, r.stderr);
    const file = r.stdout.trim();
    assert.equal(path.dirname(file), path.join(ctx.config.dataDir, 'backups'));
    assert.match(path.basename(file), /^guildhall-\d{8}T\d{6}Z\.sqlite$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'only the owner may read it');
    const copy = new SQLite(file, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const row = copy.prepare("select value from setting where key = 'organization.name'").get() as { value: string };
      assert.equal(JSON.parse(row.value), 'Backup Klubb');
      assert.equal((copy.prepare('select count(*) as n from audit_log').get() as { n: number }).n, 1);
    } finally {
      copy.close();
    }
  } finally {
    release();
  }
});

test('backup --out writes where asked and refuses to overwrite a file', sqliteOnly, () => {
  const out = path.join(ctx.config.dataDir, 'nested', 'copy.sqlite');
  const r = runCli(ctx, ['--json', 'backup', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const body = JSON.parse(r.stdout);
  assert.equal(body.path, out);
  assert.ok(body.bytes > 0);
  const again = runCli(ctx, ['backup', '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists; choose another file with --out/);
});

test('backup on PostgreSQL says to use pg_dump and exits 2', { skip: testDatabaseKind() === 'sqlite' ? 'PostgreSQL only' : false }, () => {
  const r = runCli(ctx, ['backup']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /This database is PostgreSQL: back it up with pg_dump/);
});
