import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { signIn } from '../support/staff.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/index.ts';
import { runBilling } from '../../src/modules/billing/index.ts';
import { cliActor } from '../../src/modules/audit/index.ts';

// The test context's clock stands on this day; the CLI gets the same day, so the demo's year of
// billing ends where the test looks.
const TODAY = '2026-01-15';
const env = { GUILDHALL_TODAY: TODAY };

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
});
after(async () => t.close());

test('guildhall demo loads an organization whose staff can sign in with the access of their group', async () => {
  const r = runCli(t.ctx, ['demo'], env, { timeoutMs: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Billing: \d+ subscriptions; \d+ daily billing runs made \d+ invoices now\./);
  assert.match(r.stdout, /Loaded the demo organization "Bjørkvik Makerspace"/);
  assert.match(r.stdout, /kasserer@bjorkvik\.example\s+Treasurers/);

  const org = await t.app.inject({ method: 'GET', url: '/api/v1/organization' });
  assert.equal(org.json().name, 'Bjørkvik Makerspace');
  assert.equal(org.json().locale, 'nb-NO');

  const treasurer = await signIn(t.app, 'kasserer@bjorkvik.example', DEMO_PASSWORD);
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: treasurer.headers });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().user.permissions.payments, 'update');
  assert.equal(me.json().user.permissions.staff, undefined);
  const staff = await t.app.inject({ method: 'GET', url: '/api/v1/staff', headers: treasurer.headers });
  assert.equal(staff.statusCode, 403, 'a treasurer does not manage staff');

  const admin = await signIn(t.app, 'admin@bjorkvik.example', DEMO_PASSWORD);
  const list = await t.app.inject({ method: 'GET', url: '/api/v1/staff', headers: admin.headers });
  assert.equal(list.json().total, 3);
});

test('the demo comes with a year of invoices, trials converted, and nothing left to bill today', async () => {
  const invoices = await t.ctx.db.selectFrom('invoice').select(['issue_date']).execute();
  const months = new Set(invoices.map((i) => (i.issue_date ?? '').slice(0, 7)));
  assert.ok(months.size >= 10, `invoices in ${months.size} months`);
  assert.ok(invoices.every((i) => i.issue_date !== null && i.issue_date <= TODAY));
  const converted = await t.ctx.db.selectFrom('subscription').select('id').where('item_id', '=', 'mt_nul').where('replaces_id', 'is not', null).execute();
  assert.ok(converted.length > 0, 'trials that ran out became NUL');
  const again = await runBilling(t.ctx, cliActor('test'), { asOf: TODAY });
  assert.equal(again.invoices, 0, 'billing today again bills nothing more');
});

test('running demo twice changes nothing and says the accounts are already there', async () => {
  const before = await t.ctx.db.selectFrom('staff_user').select('id').execute();
  const r = runCli(t.ctx, ['--json', 'demo'], env, { timeoutMs: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(out.accounts.every((a: { created: boolean }) => !a.created));
  assert.deepEqual({ created: out.billing.created, runs: out.billing.runs }, { created: false, runs: 0 });
  const afterRows = await t.ctx.db.selectFrom('staff_user').select('id').execute();
  assert.equal(afterRows.length, before.length);
});
