/**
 * Scenario tests of the billing run on a real database (SQLite, and PostgreSQL with
 * TEST_DATABASE_URL): the clock moves through months and years and every invoice line is checked.
 */
import { test } from 'node:test';
import { sql } from 'kysely';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { addPerson, addSubscription, bill, billDaily, linesOf, monthlyType, subscription } from '../../../test/support/billing.ts';
import { newId } from '../../kernel/ids.ts';
import { openBillingCycle } from './index.ts';
import { cliActor } from '../audit/index.ts';
import { checkInvariants } from '../ledger/index.ts';
import { withoutForeignKeyChecks } from '../../db/database.ts';

const withCtx = (name: string, fn: (ctx: TestContext) => Promise<void>) =>
  test(name, async () => {
    const ctx = await createTestContext({ start: '2026-01-01T08:00:00Z' });
    try {
      await fn(ctx);
    } finally {
      await ctx.close();
    }
  });

const periods = (lines: { period_start: string | null; period_end: string | null }[]) => lines.map((l) => `${l.period_start}→${l.period_end}`);
const amounts = (lines: { net_minor: unknown }[]) => lines.map((l) => Number(l.net_minor));

withCtx('anniversaries on the 29th, 30th and 31st clamp to short months without drift, through a leap year', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000);
  const p = await addPerson(ctx, 'Anchor');
  const s31 = await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2027-12-31' });
  const s29 = await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2027-11-29' });
  await billDaily(ctx, '2027-11-25', '2028-04-02');
  assert.deepEqual(periods(await linesOf(ctx, s31)), [
    '2027-12-31→2028-01-31',
    '2028-01-31→2028-02-29',
    '2028-02-29→2028-03-31',
    '2028-03-31→2028-04-30',
  ]);
  assert.deepEqual(periods(await linesOf(ctx, s29)), [
    '2027-11-29→2027-12-29',
    '2027-12-29→2028-01-29',
    '2028-01-29→2028-02-29',
    '2028-02-29→2028-03-29',
    '2028-03-29→2028-04-29',
  ]);
  // Each line was invoiced on the day its term began (fees in advance).
  const l31 = await linesOf(ctx, s31);
  assert.deepEqual(l31.map((l) => l.issue_date), ['2027-12-31', '2028-01-31', '2028-02-29', '2028-03-31']);
  // Same day: both subscriptions of the payer are on one invoice.
  const inv = await ctx.db.selectFrom('invoice').select(['id']).where('issue_date', '=', '2028-02-29').execute();
  assert.equal(inv.length, 1);
});

withCtx('yearly, quarterly and lifetime fees; never bills nothing; the seed ORD price', async (ctx) => {
  const p = await addPerson(ctx, 'Freq');
  const ord = await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-02-15' });
  const q = await monthlyType(ctx, 'QTR', 30000);
  await ctx.db.updateTable('membership_type').set({ frequency: 'quarter' }).where('id', '=', q).execute();
  const life = await monthlyType(ctx, 'LIFE', 500000);
  await ctx.db.updateTable('membership_type').set({ frequency: 'lifetime' }).where('id', '=', life).execute();
  const sq = await addSubscription(ctx, { contactId: p.id, itemId: q, start: '2026-01-31' });
  const sl = await addSubscription(ctx, { contactId: p.id, itemId: life, start: '2026-03-01' });
  const sn = await addSubscription(ctx, { contactId: p.id, itemId: 'mt_nul', start: '2026-01-01' });
  // A server that was off: one run at the end catches everything up, in order.
  await bill(ctx, '2027-03-01');
  assert.deepEqual(periods(await linesOf(ctx, ord)), ['2026-02-15→2027-02-15', '2027-02-15→2028-02-15']);
  assert.deepEqual(amounts(await linesOf(ctx, ord)), [45000, 45000]);
  assert.deepEqual(periods(await linesOf(ctx, sq)), [
    '2026-01-31→2026-04-30',
    '2026-04-30→2026-07-31',
    '2026-07-31→2026-10-31',
    '2026-10-31→2027-01-31',
    '2027-01-31→2027-04-30',
  ]);
  assert.deepEqual(periods(await linesOf(ctx, sl)), ['2026-03-01→null']);
  assert.deepEqual(await linesOf(ctx, sn), []);
  // Catch-up put them all on one invoice for the payer.
  assert.equal((await ctx.db.selectFrom('invoice').select('id').execute()).length, 1);
  // The run keeps the next due day.
  assert.equal((await subscription(ctx, ord)).next_due, '2028-02-15');
  assert.equal((await subscription(ctx, sl)).next_due, null);
});

withCtx('a rerun of the same day, and a run killed midway then rerun, bill every charge exactly once', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const p = await addPerson(ctx, `Payer ${i}`);
    ids.push(await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-10' }));
  }
  const first = await bill(ctx, '2026-03-10', { batchSize: 5 });
  assert.equal(first.invoices, 12);
  assert.equal(first.lines, 36);
  const again = await bill(ctx, '2026-03-10', { batchSize: 5 });
  assert.equal(again.invoices, 0);
  assert.equal(again.lines, 0);
  // "Kill" the next run after its first batch: a failing write in batch two rolls only that batch back.
  const p = await addPerson(ctx, 'Late');
  await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-04-10' });
  let batches = 0;
  // A kill after one committed batch: the progress callback throws once the first batch is in.
  const { runBilling } = await import('./index.ts');
  await assert.rejects(
    runBilling(ctx, cliActor('test'), {
      asOf: '2026-04-10',
      batchSize: 5,
      onProgress: () => {
        batches++;
        throw new Error('killed');
      },
    }),
    /killed/,
  );
  assert.equal(batches, 1);
  const partial = await ctx.db.selectFrom('invoice').select('id').where('issue_date', '=', '2026-04-10').execute();
  assert.equal(partial.length, 5);
  const rest = await bill(ctx, '2026-04-10', { batchSize: 5 });
  assert.equal(rest.invoices, 8);
  for (const id of ids) assert.equal((await linesOf(ctx, id)).length, 4);
  const keys = await ctx.db.selectFrom('invoice_line').select('charge_key').execute();
  assert.equal(new Set(keys.map((k) => k.charge_key)).size, keys.length);
  // The failed run is recorded as failed.
  const failed = await ctx.db.selectFrom('billing_run').selectAll().where('status', '=', 'failed').execute();
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.error ?? '', /killed/);
});

withCtx('a run writes without per-row foreign-key checks on SQLite and turns them on again, also after a failed batch', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000);
  const a = await addPerson(ctx, 'Checked');
  await addSubscription(ctx, { contactId: a.id, itemId: type, start: '2026-01-10' });
  const dangling = (db = ctx.db) =>
    db
      .insertInto('subscription_event')
      .values({ id: newId(ctx.clock.now().getTime()), subscription_id: 'no-such-subscription', from_status: null, to_status: 'active', effective_date: '2026-01-10', reason: '', created_at: ctx.clock.now().toISOString() })
      .execute();
  assert.equal((await bill(ctx, '2026-01-10')).invoices, 1);
  // Every reference the run wrote resolves, and the connection checks references again.
  assert.deepEqual(await checkInvariants(ctx.db), []);
  await assert.rejects(dangling(), /FOREIGN KEY|foreign key/);
  // A batch that fails inside its transaction (an erased payer cannot be invoiced) rolls back and leaves the checks on.
  const b = await addPerson(ctx, 'Erased');
  await addSubscription(ctx, { contactId: b.id, itemId: type, start: '2026-02-10' });
  await ctx.db.updateTable('contact').set({ erased_at: ctx.clock.now().toISOString() }).where('id', '=', b.id).execute();
  await assert.rejects(bill(ctx, '2026-02-10'), /erased/);
  await assert.rejects(dangling(), /FOREIGN KEY|foreign key/);
  // A reference that does not resolve is reported (on PostgreSQL it cannot be written at all).
  if (ctx.dbKind === 'sqlite') {
    await withoutForeignKeyChecks(ctx.db, dangling);
    const { rowid } = await sql<{ rowid: number }>`select rowid from subscription_event where subscription_id = 'no-such-subscription'`.execute(ctx.db).then((r) => r.rows[0]!);
    assert.deepEqual(await checkInvariants(ctx.db), [`A row of subscription_event (rowid ${rowid}) refers to a row of subscription that does not exist.`]);
  } else {
    await assert.rejects(withoutForeignKeyChecks(ctx.db, dangling), /foreign key/);
  }
});

withCtx('the dry run shows per payer what would be billed and writes nothing', async (ctx) => {
  const p = await addPerson(ctx, 'Dry');
  await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-01-01' });
  const r = await bill(ctx, '2026-01-01', { dryRun: true });
  assert.equal(r.dryRun, true);
  assert.equal(r.runId, null);
  assert.equal(r.invoices, 1);
  assert.equal(r.total.amount, '450.00');
  assert.equal(r.preview?.[0]?.payerName, p.displayName);
  assert.equal(r.preview?.[0]?.lines[0]?.description, 'Ordinary member');
  assert.equal(r.byItem[0]?.code, 'ORD');
  assert.equal((await ctx.db.selectFrom('invoice').select('id').execute()).length, 0);
  assert.equal((await ctx.db.selectFrom('billing_run').select('id').execute()).length, 0);
  assert.equal((await ctx.db.selectFrom('subscription').select('fee_cursor').executeTakeFirstOrThrow()).fee_cursor, null);
});

withCtx('trials convert to NUL after their days unless paid; a paid trial is billed as its type', async (ctx) => {
  const p = await addPerson(ctx, 'Trial');
  const t = await addSubscription(ctx, { contactId: p.id, itemId: 'mt_tri', start: '2026-01-01', status: 'trial', trialEndsOn: '2026-01-31' });
  await billDaily(ctx, '2026-01-01', '2026-01-30');
  assert.equal((await subscription(ctx, t)).status, 'trial');
  await bill(ctx, '2026-01-31');
  const old = await subscription(ctx, t);
  assert.equal(old.status, 'ended');
  assert.equal(old.end_date, '2026-01-31');
  const next = await ctx.db.selectFrom('subscription').selectAll().where('replaces_id', '=', t).executeTakeFirstOrThrow();
  assert.equal(next.item_id, 'mt_nul');
  assert.equal(next.status, 'active');
  assert.equal(next.start_date, '2026-01-31');
  const events = await ctx.db.selectFrom('subscription_event').selectAll().where('subscription_id', 'in', [t, next.id]).orderBy('created_at').execute();
  // Written in one transaction (same timestamp): compare as a set.
  assert.deepEqual(events.map((e) => `${e.from_status}→${e.to_status}@${e.effective_date}`).sort(), ['null→active@2026-01-31', 'trial→ended@2026-01-31']);
  assert.equal((await ctx.db.selectFrom('invoice').select('id').execute()).length, 0);

  // A trial that staff marked paid (active) before it ended is not converted.
  const q = await addPerson(ctx, 'Paid trial');
  const t2 = await addSubscription(ctx, { contactId: q.id, itemId: 'mt_tri', start: '2026-02-01', status: 'trial', trialEndsOn: '2026-03-03' });
  await ctx.db.updateTable('subscription').set({ status: 'active' }).where('id', '=', t2).execute();
  await bill(ctx, '2026-03-10');
  assert.equal((await subscription(ctx, t2)).status, 'active');
});

withCtx('a trial converting to a paid type is billed from the conversion day in the same run', async (ctx) => {
  const paid = await monthlyType(ctx, 'PAID', 20000);
  const trial = await monthlyType(ctx, 'TRY', 0, { trial_days: 14, converts_to_id: paid });
  const p = await addPerson(ctx, 'Convert');
  const t = await addSubscription(ctx, { contactId: p.id, itemId: trial, start: '2026-03-01', status: 'trial', trialEndsOn: '2026-03-15' });
  await bill(ctx, '2026-04-20');
  const next = await ctx.db.selectFrom('subscription').selectAll().where('replaces_id', '=', t).executeTakeFirstOrThrow();
  assert.deepEqual(periods(await linesOf(ctx, next.id)), ['2026-03-15→2026-04-15', '2026-04-15→2026-05-15']);
  assert.deepEqual(await linesOf(ctx, t), []);
});

withCtx('a discounted type converts to its ordinary type at the first term in the next year', async (ctx) => {
  const stu = await monthlyType(ctx, 'STU', 20000, { frequency: 'year', converts_to_id: 'mt_ord' });
  const p = await addPerson(ctx, 'Student');
  const s = await addSubscription(ctx, { contactId: p.id, itemId: stu, start: '2026-01-01' });
  await billDaily(ctx, '2026-12-30', '2027-01-02');
  await bill(ctx, '2026-01-01');
  assert.deepEqual(amounts(await linesOf(ctx, s)), [20000]);
  assert.equal((await subscription(ctx, s)).status, 'ended');
  const next = await ctx.db.selectFrom('subscription').selectAll().where('replaces_id', '=', s).executeTakeFirstOrThrow();
  assert.equal(next.item_id, 'mt_ord');
  const l = await linesOf(ctx, next.id);
  assert.deepEqual(periods(l), ['2027-01-01→2028-01-01']);
  assert.deepEqual(amounts(l), [45000]);
});

withCtx('a disconnect date stops billing at once and ends the subscription on that day', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000);
  const p = await addPerson(ctx, 'Disc');
  const s = await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-05' });
  await bill(ctx, '2026-02-05');
  await ctx.db.updateTable('subscription').set({ disconnect_date: '2026-04-20', next_due: '2026-02-06' }).where('id', '=', s).execute();
  await billDaily(ctx, '2026-02-06', '2026-04-19');
  assert.equal((await subscription(ctx, s)).status, 'active');
  await bill(ctx, '2026-04-20');
  assert.equal((await subscription(ctx, s)).status, 'ended');
  assert.equal((await subscription(ctx, s)).next_due, null);
  assert.deepEqual(periods(await linesOf(ctx, s)), ['2026-01-05→2026-02-05', '2026-02-05→2026-03-05']);
});

withCtx('an end date without auto-renew ends it; with auto-renew the renewal is invoiced a month ahead', async (ctx) => {
  const now = ctx.clock.now().toISOString();
  await ctx.db.insertInto('product').values({ id: 'pr_host', code: 'HOST', name: 'Hosting', description: '', kind: 'service', frequency: 'year', gl_account: '32000-0000', vat_rate: '25', archived: 0, position: 0, created_at: now, updated_at: now }).execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(ctx.clock.now().getTime()), item_type: 'product', item_id: 'pr_host', currency: 'NOK', amount_minor: 120000, effective_from: '2000-01-01', created_at: now }).execute();
  const p = await addPerson(ctx, 'Order');
  const renew = await addSubscription(ctx, { contactId: p.id, itemType: 'product', itemId: 'pr_host', start: '2026-03-31', endDate: '2027-03-31', autoRenew: true });
  const stop = await addSubscription(ctx, { contactId: p.id, itemType: 'product', itemId: 'pr_host', start: '2026-03-31', endDate: '2027-03-31', autoRenew: false });
  await billDaily(ctx, '2026-03-31', '2027-02-27');
  assert.deepEqual(periods(await linesOf(ctx, renew)), ['2026-03-31→2027-03-31']);
  await bill(ctx, '2027-02-28'); // one month before 31 March, clamped
  const l = await linesOf(ctx, renew);
  assert.deepEqual(periods(l), ['2026-03-31→2027-03-31', '2027-03-31→2028-03-31']);
  assert.equal(l[1]!.issue_date, '2027-02-28');
  assert.equal((await subscription(ctx, renew)).end_date, '2028-03-31');
  await billDaily(ctx, '2027-03-01', '2027-04-01');
  assert.deepEqual(periods(await linesOf(ctx, stop)), ['2026-03-31→2027-03-31']);
  assert.equal((await subscription(ctx, stop)).status, 'ended');
  assert.equal((await subscription(ctx, renew)).status, 'active');
  // VAT 25 % on the product line.
  const line = await ctx.db.selectFrom('invoice_line').select(['net_minor', 'vat_minor', 'vat_rate', 'gl_account']).where('subscription_id', '=', renew).executeTakeFirstOrThrow();
  assert.equal(Number(line.vat_minor), 30000);
  assert.equal(line.gl_account, '32000-0000');
});

withCtx('a price change applies to periods starting on or after its effective date', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000);
  await ctx.db.insertInto('catalog_price').values({ id: newId(ctx.clock.now().getTime()), item_type: 'membership_type', item_id: type, currency: 'NOK', amount_minor: 12500, effective_from: '2026-03-10', created_at: ctx.clock.now().toISOString() }).execute();
  const p = await addPerson(ctx, 'Price');
  const s = await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-10' });
  const q = await addPerson(ctx, 'Special');
  const sp = await addSubscription(ctx, { contactId: q.id, itemId: type, start: '2026-01-10', specialPriceMinor: 5000n, campaignPriceMinor: null });
  const r = await addPerson(ctx, 'Campaign');
  const sc = await addSubscription(ctx, { contactId: r.id, itemId: type, start: '2026-01-10', campaignPriceMinor: 1000n });
  await bill(ctx, '2026-04-10');
  assert.deepEqual(amounts(await linesOf(ctx, s)), [10000, 10000, 12500, 12500]);
  assert.deepEqual(amounts(await linesOf(ctx, sp)), [5000, 5000, 5000, 5000]);
  assert.deepEqual(amounts(await linesOf(ctx, sc)), [1000, 10000, 12500, 12500]);
});

withCtx('usage over the included quantity is billed at period end; per-term attributes when the term closes', async (ctx) => {
  const now = ctx.clock.now().toISOString();
  await ctx.db.insertInto('account_type').values({ id: 'at_web', code: 'WEB', name: 'Web hosting', description: '', frequency: 'month', term_periods: 3, gl_account: '33000-0000', vat_rate: '25', archived: 0, position: 0, created_at: now, updated_at: now }).execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(ctx.clock.now().getTime()), item_type: 'account_type', item_id: 'at_web', currency: 'NOK', amount_minor: 30000, effective_from: '2000-01-01', created_at: now }).execute();
  await ctx.db
    .insertInto('account_attribute')
    .values([
      { id: 'aa1', account_type_id: 'at_web', code: 'traffic_mb', description: 'Web traffic over 1 GB', unit: 'MB', included: '1024', rate_minor: 5, currency: 'NOK', per: 'period', gl_account: null, vat_rate: '25', position: 0, created_at: now, updated_at: now },
      { id: 'aa2', account_type_id: 'at_web', code: 'support_h', description: 'Support hours over 2', unit: 'h', included: '2', rate_minor: 50000, currency: 'NOK', per: 'term', gl_account: null, vat_rate: '25', position: 1, created_at: now, updated_at: now },
    ])
    .execute();
  const p = await addPerson(ctx, 'Meter');
  const s = await addSubscription(ctx, { contactId: p.id, itemType: 'account_type', itemId: 'at_web', start: '2026-01-01' });
  const use = (day: string, code: string, q: string) =>
    ctx.db.insertInto('usage_record').values({ id: newId(ctx.clock.now().getTime()), subscription_id: s, attribute_code: code, used_on: day, quantity: q, source: 'api', external_ref: null, created_at: now }).execute();
  await use('2026-01-10', 'traffic_mb', '1000');
  await use('2026-01-31', 'traffic_mb', '124.5'); // Jan total 1124.5 → 100.5 MB over
  await use('2026-02-01', 'traffic_mb', '10'); // under
  await use('2026-02-10', 'support_h', '1.5');
  await use('2026-03-05', 'support_h', '1.25'); // term total 2.75 → 0.75 h over
  await billDaily(ctx, '2026-01-01', '2026-04-01');
  const lines = await linesOf(ctx, s);
  const byKey = new Map(lines.map((l) => [l.charge_key, l]));
  assert.equal(Number(byKey.get(`${s}:2026-01-01`)!.net_minor), 30000); // term fee Jan–Mar
  const jan = byKey.get(`${s}:2026-01-01:usage:traffic_mb`)!;
  assert.equal(jan.quantity, '100.5');
  assert.equal(Number(jan.net_minor), 503); // 100.5 × 5 = 502.5 → 503 (half away from zero)
  assert.equal(jan.issue_date, '2026-02-01');
  assert.equal(byKey.get(`${s}:2026-02-01:usage:traffic_mb`), undefined);
  const support = byKey.get(`${s}:2026-01-01:usage:support_h`)!;
  assert.equal(support.quantity, '0.75');
  assert.equal(Number(support.net_minor), 37500);
  assert.equal(support.period_end, '2026-04-01');
  assert.equal(Number(byKey.get(`${s}:2026-04-01`)!.net_minor), 30000); // next term, in advance
});

withCtx('recurring charges bill each period in advance; queued charges go on the next invoice once', async (ctx) => {
  const p = await addPerson(ctx, 'Charges');
  const now = ctx.clock.now().toISOString();
  await ctx.db.insertInto('recurring_charge').values({ id: 'rc1', contact_id: p.id, payer_id: p.id, description: 'Locker rent', amount_minor: 7500, currency: 'NOK', frequency: 'month', start_date: '2026-01-20', anchor_day: 20, end_date: '2026-04-20', gl_account: null, vat_rate: '0', cursor: null, next_due: '2026-01-20', archived: 0, created_at: now, updated_at: now }).execute();
  await ctx.db.insertInto('queued_charge').values({ id: 'qc1', contact_id: p.id, payer_id: p.id, subscription_id: null, description: 'Key card', quantity: '2', unit_price_minor: 2500, currency: 'NOK', gl_account: null, vat_rate: '0', charge_date: '2026-02-01', source: 'staff', invoice_id: null, cancelled: 0, created_at: now }).execute();
  await billDaily(ctx, '2026-01-15', '2026-06-01');
  const lines = await ctx.db.selectFrom('invoice_line').select(['charge_key', 'net_minor', 'gl_account']).orderBy('charge_key').execute();
  assert.deepEqual(
    lines.map((l) => `${l.charge_key}=${Number(l.net_minor)}`),
    ['charge:qc1=5000', 'recurring:rc1:2026-01-20=7500', 'recurring:rc1:2026-02-20=7500', 'recurring:rc1:2026-03-20=7500'],
  );
  assert.equal(lines[0]!.gl_account, '30000-0000'); // the misc sales account setting
  const q = await ctx.db.selectFrom('queued_charge').select('invoice_id').where('id', '=', 'qc1').executeTakeFirstOrThrow();
  assert.ok(q.invoice_id);
});

withCtx('invoices are numbered without gaps, one per payer, payers billed for dependants', async (ctx) => {
  const parent = await addPerson(ctx, 'Parent');
  const kid1 = await addPerson(ctx, 'Kid one');
  const kid2 = await addPerson(ctx, 'Kid two');
  await addSubscription(ctx, { contactId: kid1.id, payerId: parent.id, itemId: 'mt_ord', start: '2026-01-01' });
  await addSubscription(ctx, { contactId: kid2.id, payerId: parent.id, itemId: 'mt_ord', start: '2026-01-01' });
  const other = await addPerson(ctx, 'Other');
  await addSubscription(ctx, { contactId: other.id, itemId: 'mt_fm1', start: '2026-01-01' });
  await bill(ctx, '2026-01-01');
  const inv = await ctx.db.selectFrom('invoice').selectAll().orderBy('number').execute();
  assert.equal(inv.length, 2);
  assert.deepEqual(inv.map((i) => Number(i.number)), [10001, 10002]);
  const forParent = inv.find((i) => i.payer_id === parent.id)!;
  assert.equal(Number(forParent.total_minor), 90000);
  assert.equal(forParent.payer_name, parent.displayName);
  assert.equal(forParent.status, 'issued');
  assert.ok(forParent.payment_reference);
});

withCtx('the annual cycle bills yearly memberships for the coming year once and refuses a cycle too far ahead', async (ctx) => {
  ctx.clock.set(new Date('2026-11-21T10:00:00Z'));
  const a = await addPerson(ctx, 'Yearly');
  const s = await addSubscription(ctx, { contactId: a.id, itemId: 'mt_ord', start: '2026-01-01' });
  const monthly = await monthlyType(ctx, 'MON', 10000);
  const m = await addSubscription(ctx, { contactId: a.id, itemId: monthly, start: '2026-11-01' });
  await bill(ctx, '2026-11-21');
  const by = cliActor('test');
  const preview = await openBillingCycle(ctx, by, { dryRun: true });
  assert.equal(preview.periodStart, '2027-01-01');
  assert.equal(preview.invoices, 1);
  const cycle = await openBillingCycle(ctx, by, {});
  assert.equal(cycle.invoices, 1);
  assert.deepEqual(periods(await linesOf(ctx, s)), ['2026-01-01→2027-01-01', '2027-01-01→2028-01-01']);
  assert.equal((await linesOf(ctx, m)).length, 1); // monthly things are not in the cycle
  await assert.rejects(openBillingCycle(ctx, by, {}), /opened on 2026-11-21; it cannot be opened twice/);
  await assert.rejects(openBillingCycle(ctx, by, { periodStart: '2028-01-01' }), /more than 16 months/);
  // The daily run does not bill the cycle's terms again.
  await bill(ctx, '2027-01-01');
  assert.equal((await linesOf(ctx, s)).length, 2);
});
