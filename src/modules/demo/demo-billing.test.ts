import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { toNumber } from '../../db/database.ts';
import { cliActor } from '../audit/index.ts';
import { runBilling } from '../billing/index.ts';
import { loadDemo } from './load-demo.ts';
import { loadDemoBilling } from './demo-billing.ts';

let ctx: TestContext;
before(async () => {
  // Noon in Oslo on 15 June 2026: the demo's history runs from June 2025.
  ctx = await createTestContext({ start: '2026-06-15T10:00:00Z' });
});
after(async () => ctx.close());

const TODAY = '2026-06-15';

test('the demo has a year of billing history: invoices every month, trials converted, households, special and campaign prices, usage, recurring and queued charges', async () => {
  const demo = await loadDemo(ctx);
  assert.equal(demo.billing.created, true);
  assert.ok(demo.billing.subscriptions > 350, `subscriptions: ${demo.billing.subscriptions}`);
  assert.ok(demo.billing.runs > 100, 'billing ran on every day something was due');
  assert.ok(demo.billing.invoices > 300);

  const invoices = await ctx.db.selectFrom('invoice').select(['issue_date', 'number', 'status', 'kind']).execute();
  assert.equal(invoices.length, demo.billing.invoices);
  const months = new Set(invoices.map((i) => (i.issue_date ?? '').slice(0, 7)));
  assert.ok(months.size >= 10, `invoices in ${months.size} months: ${[...months].sort().join(', ')}`);
  assert.ok(invoices.every((i) => i.issue_date !== null && i.issue_date <= TODAY && i.issue_date > '2025-06-15'), 'within the last year');
  assert.ok(invoices.every((i) => i.status === 'issued' && i.kind === 'invoice'));
  const numbers = invoices.map((i) => toNumber(i.number)).sort((a, b) => a - b);
  assert.equal(numbers[numbers.length - 1]! - numbers[0]! + 1, numbers.length, 'numbered without gaps');

  // One billing run per day that had something due, all done.
  const runs = await ctx.db.selectFrom('billing_run').select(['as_of', 'status']).execute();
  assert.equal(runs.length, demo.billing.runs);
  assert.ok(runs.every((r) => r.status === 'done'));
  assert.equal(new Set(runs.map((r) => r.as_of)).size, runs.length, 'each day once');

  // Trials that ran out unpaid ended and became NUL the same day; recent ones are still trials.
  const trials = await ctx.db.selectFrom('subscription').select(['id', 'status', 'trial_ends_on']).where('item_id', '=', 'mt_tri').execute();
  const ended = trials.filter((t) => t.status === 'ended');
  assert.ok(ended.length >= 5, `converted trials: ${ended.length}`);
  assert.ok(ended.every((t) => t.trial_ends_on! <= TODAY));
  assert.ok(trials.filter((t) => t.status === 'trial').every((t) => t.trial_ends_on! > TODAY));
  const nul = await ctx.db.selectFrom('subscription').select(['replaces_id', 'start_date']).where('item_id', '=', 'mt_nul').execute();
  assert.deepEqual(nul.map((n) => n.replaces_id).sort(), ended.map((t) => t.id).sort());
  const trialLines = await ctx.db.selectFrom('invoice_line').select('id').where('item_id', 'in', ['mt_tri', 'mt_nul', 'mt_fm2']).execute();
  assert.equal(trialLines.length, 0, 'trials, NUL and FM2 are not invoiced');

  // Households: FM2 follows the primary's FM1 (same dates); the primary is invoiced.
  const followers = await ctx.db
    .selectFrom('subscription as s')
    .innerJoin('subscription as p', 'p.id', 's.follows_id')
    .select(['s.start_date as s', 'p.start_date as p', 'p.item_id as primaryItem', 'p.fee_cursor as primaryCursor'])
    .where('s.item_id', '=', 'mt_fm2')
    .execute();
  assert.ok(followers.length >= 30);
  assert.ok(followers.every((f) => f.s === f.p && f.primaryItem === 'mt_fm1' && f.primaryCursor !== null));

  // Prices: ORD at the catalog price (450.00), SPC at the member's price, the campaign's first year at 200.00.
  const fee = (item: string) => ctx.db.selectFrom('invoice_line').select(['net_minor', 'description']).where('item_id', '=', item).where('source', '=', 'subscription').execute();
  const ord = await fee('mt_ord');
  assert.ok(ord.filter((l) => toNumber(l.net_minor) === 45000).length > 200);
  const campaign = ord.filter((l) => toNumber(l.net_minor) === 20000);
  assert.ok(campaign.length >= 3, `campaign lines: ${campaign.length}`);
  const uses = await ctx.db.selectFrom('campaign_code').select('uses').where('code', '=', 'VELKOMMEN').executeTakeFirstOrThrow();
  assert.equal(toNumber(uses.uses), campaign.length);
  const spc = await fee('mt_spc');
  assert.ok(spc.length > 0 && spc.every((l) => [20000, 25000, 30000].includes(toNumber(l.net_minor))));

  // Every account the demo posts to is in the chart under its own name (none added by the ledger as "Added from invoice N").
  const accounts = await ctx.db.selectFrom('gl_account').select(['code', 'name']).where('code', 'in', ['31100-0000', '31500-0000', '32000-0000', '36000-0000']).orderBy('code').execute();
  assert.deepEqual(accounts.map((a) => `${a.code} ${a.name}`), ['31100-0000 Hosting and domains', '31500-0000 Locker rental', '32000-0000 Workshop access', '36000-0000 Rent income']);
  assert.equal((await ctx.db.selectFrom('gl_account').select('code').where('name', 'like', 'Added from invoice%').execute()).length, 0);

  // Products, the metered account type, recurring and queued charges.
  const bySource = new Map(
    (await ctx.db.selectFrom('invoice_line').select('source').select((eb) => eb.fn.countAll().as('n')).groupBy('source').execute()).map((r) => [r.source, toNumber(r.n)]),
  );
  assert.ok((bySource.get('usage') ?? 0) > 10, 'usage overage billed at month end');
  assert.ok((bySource.get('recurring') ?? 0) >= 10, 'the monthly storage room rent');
  assert.equal(bySource.get('charge'), 1, 'the queued key card');
  const hosting = await ctx.db.selectFrom('invoice_line').innerJoin('product', 'product.id', 'invoice_line.item_id').select(['product.code', 'invoice_line.vat_minor']).execute();
  assert.ok(hosting.some((h) => h.code === 'HOST' && toNumber(h.vat_minor) === 30000), 'hosting with 25 % VAT');
  assert.ok(!hosting.some((h) => h.code === 'SSL'), 'the free certificate is not on invoices');
  const queued = await ctx.db.selectFrom('queued_charge').select(['invoice_id', 'charge_date']).orderBy('charge_date').execute();
  assert.ok(queued[0]!.invoice_id !== null && queued[1]!.invoice_id === null, 'the course next month is still queued');

  // Re-running today's billing bills nothing more; neither does loading the demo again.
  const again = await runBilling(ctx, cliActor('test'), { asOf: TODAY });
  assert.equal(again.invoices, 0);
  assert.equal(again.lines, 0);
  const preview = await runBilling(ctx, cliActor('test'), { asOf: TODAY, dryRun: true });
  assert.equal(preview.invoices, 0);
  const reload = await loadDemoBilling(ctx, cliActor('demo'));
  assert.deepEqual({ created: reload.created, runs: reload.runs, invoices: reload.invoices }, { created: false, runs: 0, invoices: 0 });
  const count = await ctx.db.selectFrom('invoice').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  assert.equal(toNumber(count.n), invoices.length);
});
