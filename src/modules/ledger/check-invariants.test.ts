/**
 * What the invariants find when the books and the invoices or payments disagree (both databases):
 * each kind of damage gives its sentence, naming the invoice or contact. Every money test checks
 * that a sound ledger gives none.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { addPerson, addSubscription, bill } from '../../../test/support/billing.ts';
import { toNumber } from '../../db/database.ts';
import { newId } from '../../kernel/ids.ts';
import { systemActor } from '../audit/index.ts';
import { recordPayment } from '../payments/index.ts';
import { checkInvariants } from './index.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ start: '2026-01-01T08:00:00Z' });
});
after(async () => ctx.close());

test('damaged invoices, holding rows and payments are each reported, naming the invoice or contact', async () => {
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('membership_type')
    .values({ id: 'mt_mon', code: 'MON', name: 'MON member', description: '', frequency: 'month', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, archived: 0, position: 9, created_at: now, updated_at: now, gl_account: '31000-0000', vat_rate: '0', follows_id: null })
    .execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(), item_type: 'membership_type', item_id: 'mt_mon', currency: 'NOK', amount_minor: 10000, effective_from: '2000-01-01', created_at: now }).execute();
  const people = [];
  for (const name of ['Anker', 'Berg', 'Dahl', 'Eide']) {
    const p = await addPerson(ctx, name);
    await addSubscription(ctx, { contactId: p.id, itemId: 'mt_mon', start: '2026-01-05' });
    people.push(p);
  }
  await bill(ctx, '2026-01-05');
  const invoices = await ctx.db.selectFrom('invoice').select(['id', 'number', 'payer_id']).orderBy('number').execute();
  assert.equal(invoices.length, 4);
  const [a, b, c, d] = invoices.map((i) => ({ ...i, number: toNumber(i.number) }));
  // Anker pays 150.00 for a 100.00 invoice: 50.00 is kept as customer credit.
  const { payment } = await recordPayment(ctx, { actor: systemActor }, { contactId: a!.payer_id, amount: '150.00', method: 'bank_transfer' });
  assert.deepEqual(await checkInvariants(ctx.db), [], 'the books start sound');

  await ctx.db.deleteFrom('ledger_holding').where('invoice_id', '=', a!.id).execute();
  await ctx.db.updateTable('invoice').set({ paid_minor: 100 }).where('id', '=', b!.id).execute();
  await ctx.db.updateTable('invoice').set({ status: 'paid' }).where('id', '=', c!.id).execute();
  await ctx.db.updateTable('invoice').set({ status: 'void', paid_minor: 50 }).where('id', '=', d!.id).execute();
  await ctx.db.updateTable('payment').set({ amount_minor: 16000 }).where('id', '=', payment.id).execute();

  assert.deepEqual((await checkInvariants(ctx.db)).sort(), [
    `Contact ${a!.payer_id}: customer credit in the ledger is 5000 but their receipts, allocations and refunds leave 6000 (minor units).`,
    `Contact ${b!.payer_id}: accounts receivable in the ledger is 10000 but their open invoices add up to 9900 (minor units).`,
    `Contact ${d!.payer_id}: accounts receivable in the ledger is 10000 but their open invoices add up to 0 (minor units).`,
    `Invoice ${a!.number} (paid) never went to the ledger: it has no row in the holding step.`,
    `Invoice ${b!.number}: accounts receivable in the ledger is 10000 but the invoice has 9900 open (minor units).`,
    `Invoice ${b!.number}: paid 100 but its payment allocations add up to 0 (minor units).`,
    `Invoice ${c!.number} is marked paid but 10000 (minor units) is still open.`,
    `Invoice ${d!.number} is void but has 50 (minor units) paid on it.`,
    `Invoice ${d!.number}: accounts receivable in the ledger is 10000 but the invoice has 0 open (minor units).`,
    `Invoice ${d!.number}: paid 50 but its payment allocations add up to 0 (minor units).`,
  ].sort());
});
