import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { getSetting } from '../../src/modules/settings/index.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

test('settings set validates, saves and audits the change as the shell user', async () => {
  const r = runCli(ctx, ['settings', 'set', 'general.invoice_due_days', '30']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'general.invoice_due_days = 30');
  assert.equal(await getSetting(ctx.db, 'general.invoice_due_days'), 30);
  const row = await ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', 'general.invoice_due_days').executeTakeFirstOrThrow();
  assert.deepEqual([row.actor_type, row.actor_name, row.action], ['cli', 'cli-tester', 'update']);
  assert.deepEqual([JSON.parse(row.before!), JSON.parse(row.after!)], [{ value: 14 }, { value: 30 }]);
});

test('settings set refuses a bad value (exit 2), a read-only key and an unknown key (exit 1), changing nothing', async () => {
  const bad = runCli(ctx, ['settings', 'set', 'ledger.ar_account', '1500']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim(), 'guildhall: Accounts receivable account: a G/L account must look like 51001-1006 (five digits, a dash, four digits); got "1500".');
  assert.equal(await getSetting(ctx.db, 'ledger.ar_account'), '15000-0000');

  const ro = runCli(ctx, ['settings', 'set', 'system.version', '9']);
  assert.equal(ro.status, 1);
  assert.match(ro.stderr, /read-only/);
  const unknown = runCli(ctx, ['settings', 'get', 'organization.colour']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /There is no setting "organization.colour"/);
});

test('settings get and list, as text and as JSON', () => {
  assert.equal(runCli(ctx, ['settings', 'get', 'organization.currency']).stdout, 'NOK\n');
  const item = JSON.parse(runCli(ctx, ['--json', 'settings', 'get', 'general.invoice_due_days']).stdout);
  assert.equal(item.value, 30);
  assert.equal(item.updatedBy, 'cli-tester');
  const list = runCli(ctx, ['settings', 'list']);
  assert.equal(list.status, 0);
  assert.match(list.stdout, /^organization\.time_zone\s+Europe\/Oslo$/m);
  assert.match(list.stdout, /^system\.version\s+\S+\s+\(read-only\)$/m);
  assert.ok(JSON.parse(runCli(ctx, ['--json', 'settings', 'list']).stdout).items.length > 15);
});

test('settings set takes the logo from a file, and reset puts the default back', async () => {
  const file = path.join(ctx.config.dataDir, 'logo.png');
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]));
  const r = runCli(ctx, ['settings', 'set', 'organization.logo', `@${file}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match((await getSetting(ctx.db, 'organization.logo')) ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
  assert.equal(runCli(ctx, ['settings', 'reset', 'organization.logo']).status, 0);
  assert.equal(await getSetting(ctx.db, 'organization.logo'), null);
});
