/**
 * Concurrent payments on the same invoices. On PostgreSQL they run at once over several
 * connections (separate pools, as separate server processes would); on SQLite the one connection
 * runs them one after another, and the same outcome is checked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../app.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { openSecondContext } from '../../../test/support/second-context.ts';
import { addPerson } from '../../../test/support/billing.ts';
import { toBigInt, toNumber } from '../../db/database.ts';
import { AppError } from '../../kernel/app-error.ts';
import { systemActor } from '../audit/index.ts';
import { createInvoice, getInvoice, issueInvoice, voidInvoice } from '../invoices/index.ts';
import { checkInvariants } from '../ledger/index.ts';
import { customerCredit, recordPayment, reversePayment } from './index.ts';

const by = { actor: systemActor, requestId: 'req-concurrent' };
let ctx: TestContext;
let others: AppContext[] = [];
before(async () => {
  ctx = await createTestContext({ start: '2026-03-01T10:00:00Z' });
  others = ctx.dbKind === 'postgres' ? [openSecondContext(ctx), openSecondContext(ctx), openSecondContext(ctx)] : [];
});
after(async () => {
  for (const o of others) await o.close();
  await ctx.close();
});

/** Context i of the connections (round robin; only ctx on SQLite). */
const conn = (i: number): AppContext => (others.length ? others[i % others.length]! : ctx);

const invoice = async (payerId: string, amount: string) => {
  const draft = await createInvoice(ctx, by, { payerId, lines: [{ description: 'Locker', unitPrice: amount, vatRate: '0' }] });
  return issueInvoice(ctx, by, draft.id);
};

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);

test('twelve payments at once on one invoice: none lost, the invoice never over-allocated, the rest is credit', async () => {
  const p = await addPerson(ctx, 'Rush');
  const inv = await invoice(p.id, '500.00');
  const results = await settle(Array.from({ length: 12 }, (_, i) => recordPayment(conn(i), by, { contactId: p.id, amount: '100', method: 'bank_transfer', reference: `T${i}` })));
  const failed = results.filter((r) => r.status === 'rejected');
  assert.deepEqual(failed, [], 'every payment is recorded');
  const after = await getInvoice(ctx.db, inv.id);
  assert.equal(after.paid.minor, 50000n);
  assert.equal(after.status, 'paid');
  const allocated = await ctx.db.selectFrom('payment_allocation').select((eb) => eb.fn.sum<string>('amount_minor').as('s')).where('invoice_id', '=', inv.id).executeTakeFirst();
  assert.equal(toBigInt(allocated?.s), 50000n);
  assert.equal((await customerCredit(ctx.db, [p.id])).get(p.id), 70000n);
  const numbers = (await ctx.db.selectFrom('payment').select('number').where('contact_id', '=', p.id).execute()).map((r) => toNumber(r.number)).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 12 }, (_, i) => i + 1), 'receipt numbers 1–12 without gaps or repeats');
  assert.deepEqual(await checkInvariants(ctx.db), []);
});

test('chosen allocations at once: exactly what is open is taken, the late ones are refused with a clear message', async () => {
  const p = await addPerson(ctx, 'Chosen');
  const inv = await invoice(p.id, '300.00');
  const results = await settle(
    Array.from({ length: 6 }, (_, i) => recordPayment(conn(i), by, { contactId: p.id, amount: '100', method: 'visa', allocations: [{ invoiceId: inv.id, amount: '100' }] })),
  );
  const ok = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(ok.length, 3);
  assert.equal(refused.length, 3);
  for (const r of refused) {
    assert.ok(r.reason instanceof AppError, String(r.reason));
    assert.equal(r.reason.code, 'validation');
    assert.match(r.reason.message, /nothing open|only .* is open/);
  }
  assert.equal((await getInvoice(ctx.db, inv.id)).paid.minor, 30000n);
  assert.deepEqual(await checkInvariants(ctx.db), []);
});

test('payments, reversals, drafts issued with credit and a void at the same time: no deadlock, the books balance', async () => {
  const p = await addPerson(ctx, 'Mixed');
  const a = await invoice(p.id, '200.00');
  const b = await invoice(p.id, '150.00');
  const first = (await recordPayment(ctx, by, { contactId: p.id, amount: '400', method: 'cash' })).payment; // 50 credit
  const drafts = await Promise.all([1, 2, 3].map(() => createInvoice(ctx, by, { payerId: p.id, lines: [{ description: 'Key', unitPrice: '20', vatRate: '0' }] })));
  const spare = await invoice(p.id, '10.00');
  const results = await settle<unknown>([
    recordPayment(conn(0), by, { contactId: p.id, amount: '30', method: 'bank_transfer' }),
    reversePayment(conn(1), by, first.id, { reason: 'Counterfeit' }),
    ...drafts.map((d, i) => issueInvoice(conn(i + 2), by, d.id)),
    recordPayment(conn(5), by, { contactId: p.id, amount: '25', method: 'paypal' }),
    voidInvoice(conn(6), by, spare.id, { reason: 'Duplicate' }),
  ]);
  // A void that loses to a payment on the same invoice is refused (409); everything else goes through.
  for (const r of results) {
    if (r.status === 'rejected') {
      assert.ok(r.reason instanceof AppError && r.reason.code === 'conflict', String(r.reason));
    }
  }
  assert.ok(results.filter((r) => r.status === 'fulfilled').length >= 6);
  assert.deepEqual(await checkInvariants(ctx.db), []);
  const paid = (await getInvoice(ctx.db, a.id)).paid.minor + (await getInvoice(ctx.db, b.id)).paid.minor;
  assert.ok(paid >= 0n);
});

test('a void and a partial payment on the same invoice at once: one of them wins, a void invoice never has anything paid', async () => {
  const p = await addPerson(ctx, 'Race');
  for (let round = 0; round < 5; round++) {
    const inv = await invoice(p.id, '80.00');
    const [paid, voided] = await settle<unknown>([
      recordPayment(conn(round), by, { contactId: p.id, amount: '30', method: 'cash', allocations: [{ invoiceId: inv.id, amount: '30' }] }),
      voidInvoice(conn(round + 1), by, inv.id, { reason: 'Sent twice' }),
    ]);
    const after = await getInvoice(ctx.db, inv.id);
    if (after.status === 'void') {
      assert.equal(after.paid.minor, 0n);
      assert.equal(paid!.status, 'rejected', 'the payment could not go on a void invoice');
    } else {
      assert.equal(after.paid.minor, 3000n);
      assert.equal(voided!.status, 'rejected', 'an invoice with a payment is not voided');
    }
    assert.deepEqual(await checkInvariants(ctx.db), []);
  }
});
