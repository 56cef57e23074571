import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import type { Actor } from '../audit/index.ts';
import { getSetting, getSettingItem, getSettings, listSettings, SETTING_DEFINITIONS, updateSetting } from './index.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const ada: Actor = { type: 'staff', id: 'staff-ada', name: 'Ada' };
const deps = () => ({ db: ctx.db, clock: ctx.clock });
const auditRows = (key: string) =>
  ctx.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'setting').where('entity_id', '=', key).orderBy('seq').execute();
const rejects = (p: Promise<unknown>, code: string, message: RegExp) =>
  assert.rejects(p, (e: Error & { code?: string }) => e.code === code && message.test(e.message));

test('a fresh database has every default, typed', async () => {
  const s = await getSettings(ctx.db);
  assert.equal(s['organization.currency'], 'NOK');
  assert.equal(s['organization.locale'], 'nb-NO');
  assert.equal(s['organization.time_zone'], 'Europe/Oslo');
  assert.equal(s['general.invoice_due_days'], 14);
  assert.equal(s['organization.logo'], null);
  assert.equal(s['ledger.misc_sales_account'], '30000-0000');
  const items = await listSettings(ctx.db);
  assert.equal(items.length, SETTING_DEFINITIONS.length);
  assert.ok(items.every((i) => i.updatedAt === null && i.updatedBy === null));
  assert.deepEqual(items.find((i) => i.key === 'system.default_language')?.options, ['en', 'nb']);
});

test('an override replaces the default, is normalized, and is audited with before and after', async () => {
  ctx.clock.set('2026-02-01T09:00:00Z');
  const item = await updateSetting(deps(), ada, 'general.invoice_due_days', '30', 'req-1');
  assert.equal(item.value, 30);
  assert.equal(item.updatedAt, '2026-02-01T09:00:00.000Z');
  assert.equal(item.updatedBy, 'Ada');
  assert.equal(await getSetting(ctx.db, 'general.invoice_due_days'), 30);
  await updateSetting(deps(), ada, 'organization.time_zone', 'europe/stockholm');
  assert.equal(await getSetting(ctx.db, 'organization.time_zone'), 'Europe/Stockholm');

  const [row] = await auditRows('general.invoice_due_days');
  assert.ok(row);
  assert.equal(row.action, 'update');
  assert.equal(row.actor_id, 'staff-ada');
  assert.equal(row.request_id, 'req-1');
  assert.deepEqual(JSON.parse(row.before!), { value: 14 });
  assert.deepEqual(JSON.parse(row.after!), { value: 30 });
});

test('setting the same value again changes nothing and records nothing', async () => {
  await updateSetting(deps(), ada, 'general.vat_rate', '15');
  const n = (await auditRows('general.vat_rate')).length;
  await updateSetting(deps(), ada, 'general.vat_rate', '15,0');
  assert.equal((await auditRows('general.vat_rate')).length, n);
});

test('null puts a setting back to its default, audited as a reset', async () => {
  await updateSetting(deps(), ada, 'organization.name', 'Oslo Roklubb');
  const item = await updateSetting(deps(), ada, 'organization.name', null);
  assert.equal(item.value, 'My organization');
  assert.equal(item.updatedAt, null);
  const rows = await auditRows('organization.name');
  assert.equal(rows.at(-1)?.action, 'reset');
  assert.deepEqual(JSON.parse(rows.at(-1)!.before!), { value: 'Oslo Roklubb' });
});

test('bad values are refused with a message and leave the data unchanged', async () => {
  const before = await ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  await rejects(updateSetting(deps(), ada, 'ledger.ar_account', '1500'), 'validation', /G\/L account must look like 51001-1006/);
  await rejects(updateSetting(deps(), ada, 'organization.billing_email', 'nobody'), 'validation', /e-mail address/);
  await rejects(updateSetting(deps(), ada, 'general.vat_rate', '120'), 'validation', /at most 100/);
  await rejects(updateSetting(deps(), ada, 'organization.currency', 'ABC'), 'validation', /ISO 4217/);
  assert.equal(await getSetting(ctx.db, 'ledger.ar_account'), '15000-0000');
  const afterCount = await ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(afterCount.n), Number(before.n));
});

test('money settings follow the organization currency', async () => {
  await updateSetting(deps(), ada, 'general.collections_min', '250');
  assert.equal(await getSetting(ctx.db, 'general.collections_min'), '250.00');
  await updateSetting(deps(), ada, 'organization.currency', 'JPY');
  await rejects(updateSetting(deps(), ada, 'general.collections_min', '99.50'), 'validation', /JPY amounts have at most 0 decimals/);
  await updateSetting(deps(), ada, 'general.collections_min', '5000');
  assert.equal(await getSetting(ctx.db, 'general.collections_min'), '5000');
  await updateSetting(deps(), ada, 'organization.currency', null);
});

test('read-only settings refuse changes (conflict); unknown keys are not found', async () => {
  await rejects(updateSetting(deps(), ada, 'system.version', '9.9.9'), 'conflict', /Version \(system.version\) is read-only/);
  await rejects(updateSetting(deps(), ada, 'system.session_idle_minutes', '5'), 'conflict', /read-only/);
  await rejects(updateSetting(deps(), ada, 'organization.colour', 'red'), 'not_found', /There is no setting "organization.colour"/);
  await rejects(getSettingItem(ctx.db, 'nope'), 'not_found', /no setting/);
  // The informational idle timeout shows the configured value.
  assert.equal((await getSettingItem(ctx.db, 'system.session_idle_minutes', { sessionIdleMinutes: 45 })).value, 45);
});

test('a logo is stored whole, but the audit trail records only its type, size and fingerprint', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
  const url = `data:image/png;base64,${png.toString('base64')}`;
  await updateSetting(deps(), ada, 'organization.logo', url);
  assert.equal(await getSetting(ctx.db, 'organization.logo'), url);
  const row = (await auditRows('organization.logo')).at(-1)!;
  assert.match(JSON.parse(row.after!).value, /^image\/png, 2008 bytes, sha256 [0-9a-f]{16}$/);
  assert.deepEqual(JSON.parse(row.before!), { value: null });
});

test('a stored value that no longer fits its type falls back to the default', async () => {
  await ctx.db.insertInto('setting').values({ key: 'general.report_email', value: '{broken', updated_at: 'x', updated_by: null }).execute();
  await ctx.db.insertInto('setting').values({ key: 'system.default_language', value: '"fr"', updated_at: 'x', updated_by: null }).execute();
  assert.equal(await getSetting(ctx.db, 'general.report_email'), '');
  assert.equal(await getSetting(ctx.db, 'system.default_language'), 'en');
});

test('the A/R and customer-credit accounts change only while no contact has a balance on them', async () => {
  const { addPerson } = await import('../../../test/support/billing.ts');
  const { inTransaction } = await import('../../db/database.ts');
  const { postEntry } = await import('../ledger/index.ts');
  const p = await addPerson(ctx, 'Holder');
  const post = (ar: 'debit' | 'credit') =>
    inTransaction(ctx.db, (tx) =>
      postEntry(tx, ctx, 'test', {
        date: '2026-02-01',
        kind: 'manual',
        description: `A/R ${ar}`,
        lines: [
          { account: '15000-0000', contactId: p.id, ...(ar === 'debit' ? { debitMinor: 12550n } : { creditMinor: 12550n }) },
          { account: '30000-0000', ...(ar === 'debit' ? { creditMinor: 12550n } : { debitMinor: 12550n }) },
        ],
      }),
    );
  await post('debit');
  const before = (await auditRows('ledger.ar_account')).length;
  await rejects(updateSetting(deps(), ada, 'ledger.ar_account', '15100-0000'), 'conflict', /cannot be changed from 15000-0000 while contacts have a balance on it \(Holder, .*: 125[.,]50 NOK\)/);
  assert.equal(await getSetting(ctx.db, 'ledger.ar_account'), '15000-0000');
  assert.equal((await auditRows('ledger.ar_account')).length, before);
  // Another control account is free while nobody has a balance on it; the balance settled, A/R is too.
  assert.equal((await updateSetting(deps(), ada, 'ledger.credit_account', '29100-0000')).value, '29100-0000');
  assert.equal((await updateSetting(deps(), ada, 'ledger.credit_account', null)).value, '29000-0000');
  await post('credit');
  assert.equal((await updateSetting(deps(), ada, 'ledger.ar_account', '15100-0000')).value, '15100-0000');
  assert.equal((await updateSetting(deps(), ada, 'ledger.ar_account', null)).value, '15000-0000');
});
