/**
 * Property: random sequences of invoices (manual, and issued by the billing run), payments (oldest
 * first and chosen), reversals, credit notes, refunds, write-offs, voids and credit settlement keep
 * the books right after EVERY step: the ledger's own checks (`checkInvariants`: balanced entries,
 * A/R per contact and per invoice = open amounts, customer credit = receipts − allocations −
 * refunds, paid = Σ allocations) find nothing, and every contact's balance (invoiced − credited −
 * received + reversed + refunded − written off) equals open − customer credit, with customer credit
 * equal to the contact's balance on the customer-credit account. After each sequence, the A/R
 * ageing report (SQL) equals the ageing worked out by hand from the rows, on several days.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { addPerson, bill } from '../../../test/support/billing.ts';
import { ageingByHand } from '../../../test/support/ageing.ts';
import { toBigInt } from '../../db/database.ts';
import { AppError } from '../../kernel/app-error.ts';
import { parseDate } from '../../kernel/dates.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { systemActor } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { createCreditNote, createInvoice, getInvoice, issueInvoice, voidInvoice } from '../invoices/index.ts';
import { checkInvariants } from '../ledger/index.ts';
import { queueCharge } from '../subscriptions/index.ts';
import { ageingReport, applyCustomerCredit, contactBalance, customerCredit, PAYMENT_METHODS, recordPayment, refundCredit, reversePayment, writeOffInvoice } from './index.ts';

const by = { actor: systemActor, requestId: 'req-property' };
let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ start: '2026-03-01T10:00:00Z' });
});
after(async () => ctx.close());

const dec = (minor: bigint) => toDecimalString(money(minor, 'NOK'));

type Op =
  | { t: 'invoice'; payer: number; minor: number; vat: boolean }
  | { t: 'bill'; payer: number; minor: number }
  | { t: 'pay'; payer: number; minor: number; method: number }
  | { t: 'payChosen'; payer: number; pick: number; share: number; extra: number; leave: number }
  | { t: 'reverse'; pick: number; fee: boolean }
  | { t: 'creditNote'; pick: number; half: boolean }
  | { t: 'refund'; payer: number; share: number }
  | { t: 'writeoff'; pick: number }
  | { t: 'void'; pick: number }
  | { t: 'settle'; payer: number }
  | { t: 'nextDay' };

const payer = fc.integer({ min: 0, max: 2 });
const pick = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('invoice' as const), payer, minor: fc.integer({ min: 100, max: 90_000 }), vat: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('bill' as const), payer, minor: fc.integer({ min: 100, max: 50_000 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pay' as const), payer, minor: fc.integer({ min: 1, max: 150_000 }), method: fc.nat({ max: PAYMENT_METHODS.length - 1 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('payChosen' as const), payer, pick, share: fc.integer({ min: 1, max: 100 }), extra: fc.integer({ min: 0, max: 5_000 }), leave: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reverse' as const), pick, fee: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('creditNote' as const), pick, half: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('refund' as const), payer, share: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('writeoff' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('void' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('settle' as const), payer }) },
  { weight: 1, arbitrary: fc.constant({ t: 'nextDay' as const }) },
);

/** The books after a step: the ledger's invariants and each payer's balance two ways. */
const checkBooks = async (payers: string[], step: string) => {
  const violations = await checkInvariants(ctx.db);
  assert.deepEqual(violations, [], `after ${step}`);
  const credits = await customerCredit(ctx.db, payers);
  for (const id of payers) {
    const b = await contactBalance(ctx.db, id, '2030-01-01', 'NOK');
    assert.equal(b.balance.minor, b.open.minor - b.customerCredit.minor, `balance of ${id} after ${step}`);
    const line = await ctx.db
      .selectFrom('ledger_line')
      .select((eb) => [eb.fn.sum<string>('debit_minor').as('d'), eb.fn.sum<string>('credit_minor').as('c')])
      .where('account_code', '=', '29000-0000')
      .where('contact_id', '=', id)
      .executeTakeFirst();
    assert.equal(toBigInt(line?.c) - toBigInt(line?.d), credits.get(id), `customer credit of ${id} after ${step}`);
    const open = await ctx.db
      .selectFrom('invoice')
      .select(['id', 'status', 'paid_minor', 'total_minor'])
      .where('payer_id', '=', id)
      .where('kind', '=', 'invoice')
      .execute();
    for (const i of open) if (i.status === 'void') assert.equal(toBigInt(i.paid_minor), 0n, 'a void invoice has nothing paid');
  }
};

/**
 * The A/R ageing (one SQL statement) equals the ageing worked out by hand from the rows, on days
 * before, at and after today: the past days see the sequence's earlier states (allocations by
 * their entry date, credit notes by issue date, voids by the day they were voided).
 */
const checkAgeing = async (step: string) => {
  const today = parseDate(await orgToday(ctx.db, ctx.clock));
  for (const days of [-20, -2, -1, 0, 75]) {
    const at = today.add({ days }).toString();
    const queries = [
      { at, page: 1, pageSize: 1000, sort: { column: 'total', direction: 'desc' } },
      { at, page: 2, pageSize: 2, sort: { column: 'name', direction: 'asc' }, q: 'prop' },
      { at, page: 1, pageSize: 5, sort: { column: 'over90', direction: 'asc' } },
    ] as const;
    for (const q of queries) {
      const query = { ...q, sort: { ...q.sort } };
      assert.deepEqual(await ageingReport(ctx.db, query, 'NOK'), await ageingByHand(ctx.db, query, 'NOK'), `ageing at ${at} after ${step}`);
    }
  }
};

/** How often each kind of step did something, and was refused (PROPERTY_STATS=1 prints it). */
const stats = new Map<string, { done: number; refused: number }>();
const count = (t: string, refused = false) => {
  const s = stats.get(t) ?? { done: 0, refused: 0 };
  if (refused) s.refused++;
  else s.done++;
  stats.set(t, s);
};
after(() => {
  if (process.env.PROPERTY_STATS) console.log(Object.fromEntries(stats));
});

/** Refusals a step may meet on purpose (a void of a paid invoice, a write-off over the limit…). */
const allowed = async (t: string, p: Promise<unknown>, codes: string[]) => {
  try {
    await p;
    count(t);
  } catch (e) {
    if (!(e instanceof AppError) || !codes.includes(e.code)) throw e;
    count(t, true);
  }
};

test('random sequences of money events keep the ledger and every balance right after each step', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 20 }), async (ops) => {
      run++;
      const payers = [
        (await addPerson(ctx, `Prop${run}a`)).id,
        (await addPerson(ctx, `Prop${run}b`)).id,
        (await addPerson(ctx, `Prop${run}c`)).id,
      ];
      const invoicesOf = async (p?: string) =>
        ctx.db.selectFrom('invoice').select(['id', 'payer_id']).where('kind', '=', 'invoice').where('status', '<>', 'draft').where('payer_id', 'in', p ? [p] : payers).orderBy('number').execute();
      const receipts = async () =>
        ctx.db.selectFrom('payment').select('id').where('kind', '=', 'receipt').where('status', '=', 'recorded').where('contact_id', 'in', payers).orderBy('number').execute();
      for (const [n, op] of ops.entries()) {
        const step = `step ${n + 1} ${JSON.stringify(op)}`;
        switch (op.t) {
          case 'invoice': {
            const draft = await createInvoice(ctx, by, { payerId: payers[op.payer]!, lines: [{ description: 'Item', unitPrice: dec(BigInt(op.minor)), vatRate: op.vat ? '25' : '0' }] });
            await issueInvoice(ctx, by, draft.id);
            count(op.t);
            break;
          }
          case 'bill': {
            await queueCharge(ctx, by, { contactId: payers[op.payer]!, description: 'Extra key', unitPrice: dec(BigInt(op.minor)) });
            await bill(ctx, await orgToday(ctx.db, ctx.clock));
            count(op.t);
            break;
          }
          case 'pay':
            await recordPayment(ctx, by, { contactId: payers[op.payer]!, amount: dec(BigInt(op.minor)), method: PAYMENT_METHODS[op.method]! });
            count(op.t);
            break;
          case 'payChosen': {
            const mine = [];
            for (const i of await invoicesOf(payers[op.payer]!)) {
              const inv = await getInvoice(ctx.db, i.id);
              if (inv.status === 'issued' && inv.open.minor > 0n) mine.push(inv);
            }
            if (!mine.length) break;
            const inv = mine[op.pick % mine.length]!;
            // A share of what is open, or all but a small rest (for write-offs to find).
            const part = op.leave && inv.open.minor > BigInt(op.leave) ? inv.open.minor - BigInt(op.leave) : (inv.open.minor * BigInt(op.share)) / 100n || 1n;
            await recordPayment(ctx, by, { contactId: inv.payerId, amount: dec(part + BigInt(op.extra)), method: 'cheque', allocations: [{ invoiceId: inv.id, amount: dec(part) }] });
            count(op.t);
            break;
          }
          case 'reverse': {
            const list = await receipts();
            if (!list.length) break;
            await reversePayment(ctx, by, list[op.pick % list.length]!.id, { reason: 'NSF', chargeFee: op.fee });
            count(op.t);
            break;
          }
          case 'creditNote': {
            const list = await invoicesOf();
            if (!list.length) break;
            const inv = await getInvoice(ctx.db, list[op.pick % list.length]!.id);
            if (inv.status === 'void') break;
            const line = inv.lines[0]!;
            // Fully credited already, or half of what is left: refusals are part of the game.
            await allowed('creditNote', createCreditNote(ctx, by, inv.id, { reason: 'Correction', ...(op.half ? { lines: [{ lineId: line.id, quantity: '0.5' }] } : {}) }), ['conflict', 'validation']);
            break;
          }
          case 'refund': {
            // The payer with the most credit, if any has some.
            const credits = await customerCredit(ctx.db, payers);
            const richest = [...credits].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0))[0]!;
            const id = richest[1] > 0n ? richest[0] : payers[op.payer]!;
            const available = (await customerCredit(ctx.db, [id])).get(id) ?? 0n;
            if (available <= 0n) {
              await allowed('refund', refundCredit(ctx, by, { contactId: id, amount: '1', method: 'bank_transfer' }), ['conflict']);
              break;
            }
            const amount = (available * BigInt(op.share)) / 100n || 1n;
            await refundCredit(ctx, by, { contactId: id, amount: dec(amount), method: op.share % 2 ? 'cash' : 'bank_transfer' });
            count(op.t);
            break;
          }
          case 'writeoff': {
            // Mostly an invoice with a small rest (within the 50.00 limit); sometimes any invoice (refused when over the limit or settled).
            const list = await invoicesOf();
            if (!list.length) break;
            const small = [];
            for (const i of list) {
              const inv = await getInvoice(ctx.db, i.id);
              if (inv.status === 'issued' && inv.open.minor > 0n && inv.open.minor <= 5000n) small.push(inv.id);
            }
            const target = small.length && op.pick % 4 !== 0 ? small[op.pick % small.length]! : list[op.pick % list.length]!.id;
            await allowed('writeoff', writeOffInvoice(ctx, by, target, { reason: 'Small rest' }), ['conflict']);
            break;
          }
          case 'void': {
            const list = await invoicesOf();
            if (!list.length) break;
            await allowed('void', voidInvoice(ctx, by, list[op.pick % list.length]!.id, { reason: 'Mistake' }), ['conflict']);
            break;
          }
          case 'settle':
            const s = await applyCustomerCredit(ctx, by, payers[op.payer]!);
            count(s.applied.length || s.released.length ? 'settle' : 'settle (nothing)');
            break;
          case 'nextDay':
            ctx.clock.advance(24 * 3600 * 1000);
            break;
        }
        await checkBooks(payers, step);
      }
      await checkAgeing(`the ${ops.length} steps ${JSON.stringify(ops)}`);
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 25), endOnFailure: true },
  );
});
