import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { inTransaction } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import {
  changeSubscriptionStatusInTx,
  createSubscription,
  getSubscriptionDetail,
  loadEvents,
  lowerNextDue,
  normalizeQuantity,
  recordSubscriptionEvents,
  usagePeriodOf,
} from './index.ts';
import { orderEvents } from './subscription-store.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-1' };
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

test('pure: quantities, next_due lower bound, usage periods with clamped anniversaries', () => {
  assert.equal(normalizeQuantity('002,50', { positive: true }), '2.5');
  assert.equal(normalizeQuantity('0', { positive: false }), '0');
  assert.throws(() => normalizeQuantity('0.0', { positive: true }), /above 0/);
  assert.throws(() => normalizeQuantity('-1', { positive: false }), /0 or more/);
  assert.equal(lowerNextDue(null, '2026-01-15', false), '2026-01-15');
  assert.equal(lowerNextDue(null, '2026-01-15', true), null);
  assert.equal(lowerNextDue('2026-03-01', '2026-01-15', false), '2026-01-15');
  assert.equal(lowerNextDue('2026-01-01', '2026-01-15', true), '2026-01-01');
  assert.deepEqual(usagePeriodOf('2026-01-31', 31, 'month', '2026-03-01'), { start: '2026-02-28', end: '2026-03-31' });
  assert.deepEqual(usagePeriodOf('2026-01-31', 31, 'month', '2026-02-27'), { start: '2026-01-31', end: '2026-02-28' });
  assert.deepEqual(usagePeriodOf('2026-01-10', 15, 'quarter', '2026-01-12'), { start: '2025-10-15', end: '2026-01-15' });
  assert.deepEqual(usagePeriodOf('2026-01-10', 15, 'quarter', '2026-04-15'), { start: '2026-04-15', end: '2026-07-15' });
});

test('events written in the same millisecond come back in chain order', () => {
  const e = (id: string, from: string | null, to: string) => ({ id, subscriptionId: 's', fromStatus: from, toStatus: to, effectiveDate: '2026-01-01', reason: '', createdAt: '2026-01-01T00:00:00.000Z' }) as never;
  const ordered = orderEvents([e('Z', 'grace', 'active'), e('A', 'active', 'grace'), e('M', null, 'active'), e('B', 'active', 'ended')]);
  assert.deepEqual(ordered.map((x: { id: string }) => x.id), ['M', 'A', 'Z', 'B']);
});

test('the billing run can move many subscriptions: status changes without per-row audit, events in bulk', async () => {
  const c = await createContact(ctx, by, { kind: 'person', lastName: 'Batch' });
  const subs: Awaited<ReturnType<typeof createSubscription>>[] = [];
  for (let i = 0; i < 3; i++) subs.push(await createSubscription(ctx, by, { contactId: c.id, itemType: 'membership_type', itemId: 'mt_ord', startDate: '2025-01-01' }));
  const auditBefore = Number((await ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())!.n);
  await inTransaction(ctx.db, async (tx) => {
    for (const s of subs) await changeSubscriptionStatusInTx(tx, ctx.clock, by, s.id, { status: 'ended', reason: 'Disconnect date reached', effectiveDate: '2026-01-15' }, { audit: false });
  });
  const auditAfter = Number((await ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())!.n);
  assert.equal(auditAfter, auditBefore);
  const detail = await getSubscriptionDetail(ctx.db, subs[0]!.id);
  assert.equal(detail.status, 'ended');
  assert.equal(detail.memberTo, '2026-01-15');

  const more = await createSubscription(ctx, by, { contactId: c.id, itemType: 'membership_type', itemId: 'mt_ord' });
  const written = await inTransaction(ctx.db, (tx) =>
    recordSubscriptionEvents(
      tx,
      ctx.clock,
      Array.from({ length: 1200 }, (_, i) => ({ subscriptionId: more.id, fromStatus: i % 2 ? 'grace' : 'active', toStatus: i % 2 ? 'active' : 'grace', effectiveDate: '2026-01-15' }) as const),
    ),
  );
  assert.equal(written.length, 1200);
  assert.equal((await loadEvents(ctx.db, [more.id])).length, 1201);
});

test('a failed creation leaves nothing behind (the campaign code use is rolled back too)', async () => {
  const c = await createContact(ctx, by, { kind: 'person', lastName: 'Rollback' });
  const { createCampaignCode } = await import('../catalog/index.ts');
  const code = await createCampaignCode(ctx, by, { code: 'ROLL26', kind: 'percent', percent: '10', validFrom: '2026-01-01', validTo: '2026-12-31' });
  await assert.rejects(createSubscription(ctx, by, { contactId: c.id, itemType: 'membership_type', itemId: 'mt_ord', campaignCode: 'ROLL26', note: 'x'.repeat(2001) }), /note/);
  const row = await ctx.db.selectFrom('campaign_code').select('uses').where('id', '=', code.id).executeTakeFirstOrThrow();
  assert.equal(Number(row.uses), 0);
  assert.equal((await ctx.db.selectFrom('subscription').select('id').where('contact_id', '=', c.id).execute()).length, 0);
});
