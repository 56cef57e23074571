import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../../kernel/app-error.ts';
import { allocateChosen, allocateOldestFirst, checkWriteOff, creditToTakeBack, sortOldestFirst, suggestedAmount, type OpenItem } from './allocation.ts';
import { ageingBucket, ageingCutoffs, daysPastDue } from './ageing.ts';
import { assertPositiveAmount, statusAfter } from './payment.ts';

const item = (invoiceId: string, dueDate: string | null, number: number | null, openMinor: bigint): OpenItem => ({ invoiceId, dueDate, number, openMinor });

test('oldest first: by due date, then number; a partial payment leaves the rest of the last invoice open; the rest is credit', () => {
  const items = [item('c', '2026-03-01', 12, 30000n), item('a', '2026-01-31', 11, 45000n), item('b', '2026-01-31', 10, 10000n), item('x', '2026-01-01', 9, 0n)];
  assert.deepEqual(sortOldestFirst(items).map((i) => i.invoiceId), ['x', 'b', 'a', 'c']);
  assert.deepEqual(allocateOldestFirst(items, 30000n), {
    allocations: [
      { invoiceId: 'b', amountMinor: 10000n },
      { invoiceId: 'a', amountMinor: 20000n },
    ],
    restMinor: 0n,
  });
  assert.deepEqual(allocateOldestFirst(items, 100000n), {
    allocations: [
      { invoiceId: 'b', amountMinor: 10000n },
      { invoiceId: 'a', amountMinor: 45000n },
      { invoiceId: 'c', amountMinor: 30000n },
    ],
    restMinor: 15000n,
  });
  assert.deepEqual(allocateOldestFirst([], 5000n), { allocations: [], restMinor: 5000n });
  // No due date sorts last; no number after numbers.
  assert.deepEqual(sortOldestFirst([item('n', null, 1, 1n), item('m', '2026-05-01', null, 1n), item('l', '2026-05-01', 3, 1n)]).map((i) => i.invoiceId), ['l', 'm', 'n']);
});

test('chosen allocations: open invoices of the payer, each at most its open amount, in total at most the payment', () => {
  const items = [item('a', '2026-01-31', 11, 45000n), item('b', '2026-02-28', 12, 10000n)];
  const opts = { currency: 'NOK', describe: (id: string) => `invoice ${id.toUpperCase()}` };
  assert.deepEqual(allocateChosen(items, [{ invoiceId: 'b', amountMinor: 10000n }, { invoiceId: 'a', amountMinor: 5000n }], 20000n, opts), {
    allocations: [
      { invoiceId: 'b', amountMinor: 10000n },
      { invoiceId: 'a', amountMinor: 5000n },
    ],
    restMinor: 5000n,
  });
  assert.deepEqual(allocateChosen(items, [], 20000n, opts), { allocations: [], restMinor: 20000n }, 'nothing chosen: all to credit');
  const refused = (chosen: { invoiceId: string; amountMinor: bigint }[], amount: bigint, field: string, message: RegExp) => {
    assert.throws(
      () => allocateChosen(items, chosen, amount, opts),
      (e: unknown) => e instanceof AppError && e.code === 'validation' && (e.details as { field: string }).field === field && message.test(e.message),
    );
  };
  refused([{ invoiceId: 'a', amountMinor: 45001n }], 50000n, 'allocations.0.amount', /only 450\.00 NOK is open on invoice A; 450\.01 NOK is too much/);
  refused([{ invoiceId: 'zz', amountMinor: 1n }], 50000n, 'allocations.0.invoiceId', /nothing open/);
  refused([{ invoiceId: 'a', amountMinor: 1n }, { invoiceId: 'a', amountMinor: 1n }], 50000n, 'allocations.1.invoiceId', /chosen twice/);
  refused([{ invoiceId: 'a', amountMinor: 0n }], 50000n, 'allocations.0.amount', /more than zero/);
  refused([{ invoiceId: 'a', amountMinor: 45000n }, { invoiceId: 'b', amountMinor: 10000n }], 50000n, 'allocations', /add up to 550\.00 NOK, more than the payment of 500\.00 NOK/);
});

test('property: oldest-first allocation conserves the amount, never over-allocates, and fills invoices in order', () => {
  const itemsArb = fc.uniqueArray(
    fc.record({
      invoiceId: fc.string({ minLength: 1, maxLength: 6 }),
      dueDate: fc.option(fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10)), { nil: null }),
      number: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
      openMinor: fc.bigInt({ min: -5000n, max: 100_000n }),
    }),
    { selector: (i) => i.invoiceId, maxLength: 12 },
  );
  fc.assert(
    fc.property(itemsArb, fc.bigInt({ min: 0n, max: 500_000n }), (items, amount) => {
      const plan = allocateOldestFirst(items, amount);
      const byId = new Map(items.map((i) => [i.invoiceId, i]));
      const sum = plan.allocations.reduce((s, a) => s + a.amountMinor, 0n);
      assert.equal(sum + plan.restMinor, amount);
      assert.ok(plan.restMinor >= 0n);
      for (const a of plan.allocations) {
        assert.ok(a.amountMinor > 0n);
        assert.ok(a.amountMinor <= byId.get(a.invoiceId)!.openMinor);
      }
      const totalOpen = items.reduce((s, i) => s + (i.openMinor > 0n ? i.openMinor : 0n), 0n);
      // Credit only when every open invoice is paid in full.
      if (plan.restMinor > 0n) assert.equal(sum, totalOpen);
      // Every invoice before the last one reached is paid in full.
      const order = sortOldestFirst(items).filter((i) => i.openMinor > 0n);
      plan.allocations.forEach((a, k) => {
        assert.equal(a.invoiceId, order[k]!.invoiceId);
        if (k < plan.allocations.length - 1) assert.equal(a.amountMinor, order[k]!.openMinor);
      });
    }),
  );
});

test('credit taken back by a reversal: newest credit allocations first, only what is needed', () => {
  const credits = [
    { invoiceId: 'old', netMinor: 5000n, lastAt: '2026-01-01T00:00:00Z' },
    { invoiceId: 'new', netMinor: 3000n, lastAt: '2026-03-01T00:00:00Z' },
    { invoiceId: 'none', netMinor: 0n, lastAt: '2026-04-01T00:00:00Z' },
  ];
  assert.deepEqual(creditToTakeBack(credits, 4000n), [
    { invoiceId: 'new', amountMinor: 3000n },
    { invoiceId: 'old', amountMinor: 1000n },
  ]);
  assert.deepEqual(creditToTakeBack(credits, 0n), []);
  assert.deepEqual(creditToTakeBack(credits, 99999n).reduce((s, a) => s + a.amountMinor, 0n), 8000n);
});

test('ageing buckets: current until the due date, then 1–30, 31–60, 61–90, over 90 days past due', () => {
  const at = '2026-06-30';
  assert.equal(daysPastDue('2026-06-30', at), 0);
  assert.equal(daysPastDue('2026-07-10', at), -10);
  const cases: [string | null, string][] = [
    ['2026-07-10', 'current'],
    ['2026-06-30', 'current'],
    [null, 'current'],
    ['2026-06-29', 'days1to30'],
    ['2026-05-31', 'days1to30'],
    ['2026-05-30', 'days31to60'],
    ['2026-05-01', 'days31to60'],
    ['2026-04-30', 'days61to90'],
    ['2026-04-01', 'days61to90'],
    ['2026-03-31', 'over90'],
    ['2020-01-01', 'over90'],
  ];
  for (const [due, bucket] of cases) assert.equal(ageingBucket(due, at), bucket, `${due}`);
  // The query's cut-offs give the same buckets.
  const c = ageingCutoffs(at);
  const viaCutoffs = (due: string) => (due >= c.current ? 'current' : due >= c.days30 ? 'days1to30' : due >= c.days60 ? 'days31to60' : due >= c.days90 ? 'days61to90' : 'over90');
  fc.assert(
    fc.property(fc.integer({ min: -200, max: 200 }), (offset) => {
      const due = new Date(Date.UTC(2026, 5, 30 + offset)).toISOString().slice(0, 10);
      assert.equal(viaCutoffs(due), ageingBucket(due, at));
    }),
  );
});

test('suggested amount is what is open; status after allocation; amounts must be positive', () => {
  assert.equal(suggestedAmount(45000n), 45000n);
  assert.equal(suggestedAmount(-100n), 0n);
  assert.equal(statusAfter(0n, 45000n), 'paid');
  assert.equal(statusAfter(100n, 44900n), 'issued');
  assert.equal(statusAfter(0n, 0n), 'issued', 'credited in full, nothing paid: stays issued');
  assert.equal(assertPositiveAmount('450,5', 'NOK', 'amount'), 45050n);
  assert.throws(() => assertPositiveAmount('0', 'NOK', 'amount'), /more than zero/);
  assert.throws(() => assertPositiveAmount('-1', 'NOK', 'amount'), /more than zero/);
  assert.throws(() => assertPositiveAmount('1.234', 'NOK', 'amount'), /at most 2 decimals/);
  assert.throws(() => assertPositiveAmount(undefined, 'NOK', 'amount'), /missing/);
});

test('write-off: the whole open rest, up to the limit', () => {
  const fmt = (m: bigint) => `${m}`;
  assert.equal(checkWriteOff(4000n, 5000n, 'invoice 1', fmt), 4000n);
  assert.equal(checkWriteOff(5000n, 5000n, 'invoice 1', fmt), 5000n);
  assert.throws(() => checkWriteOff(5001n, 5000n, 'invoice 1', fmt), /more than the write-off limit/);
  assert.throws(() => checkWriteOff(0n, 5000n, 'invoice 1', fmt), /nothing to write off/);
  assert.throws(() => checkWriteOff(10n, 0n, 'invoice 1', fmt), /turned off/);
});
