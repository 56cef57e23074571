/**
 * Property-based tests (fast-check) of the period math the billing run stands on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { addMonthsAnchored, compareDates, type PlainDate } from '../../kernel/dates.ts';
import { duePeriods, dueUsagePeriods, nextFeeDue, nextUsageDue, type BillingFacts, type Frequency } from './schedule.ts';

const day = fc
  .record({ year: fc.integer({ min: 1990, max: 2090 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => Temporal.PlainDate.from({ year, month, day: Math.min(day, Temporal.PlainDate.from({ year, month, day: 1 }).daysInMonth) }));
const anchor = fc.integer({ min: 1, max: 31 });
const frequency = fc.constantFrom<Frequency>('month', 'quarter', 'year');

const facts = (startDate: PlainDate, anchorDay: number, frequency: Frequency, termPeriods: number): BillingFacts => ({
  subscriptionId: 's',
  startDate,
  anchorDay,
  frequency,
  termPeriods,
  feeMode: 'advance',
  endDate: null,
  disconnectDate: null,
  trialDays: 0,
  convertsTo: null,
  autoRenew: false,
  lastBilledPeriodStart: null,
  lastUsagePeriodStart: null,
});

test('the billing day is min(anchor, days in month), for every month', () => {
  fc.assert(
    fc.property(day, anchor, fc.integer({ min: -600, max: 600 }), (d, a, n) => {
      const r = addMonthsAnchored(d, n, a);
      assert.equal(r.day, Math.min(a, r.daysInMonth));
      const months = (r.year - d.year) * 12 + (r.month - d.month);
      assert.equal(months, n);
    }),
    { numRuns: 2000 },
  );
});

test('n single steps equal one n-step (no drift from clamped months)', () => {
  fc.assert(
    fc.property(day, anchor, fc.integer({ min: 0, max: 120 }), (d, a, n) => {
      let step = addMonthsAnchored(d, 0, a);
      for (let i = 0; i < n; i++) step = addMonthsAnchored(step, 1, a);
      assert.equal(step.toString(), addMonthsAnchored(d, n, a).toString());
    }),
    { numRuns: 500 },
  );
});

test('due terms are contiguous, never overlap, and billing them in pieces equals billing them at once', () => {
  fc.assert(
    fc.property(day, anchor, frequency, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 1500 }), (start, a, f, tp, d1, d2) => {
      const sub = facts(start, a, f, tp);
      const mid = start.add({ days: Math.min(d1, d2) });
      const end = start.add({ days: Math.max(d1, d2) });
      const all = duePeriods(sub, end);
      for (let i = 1; i < all.length; i++) {
        assert.equal(all[i]!.period.start.toString(), all[i - 1]!.period.end!.toString(), 'contiguous');
        assert.ok(compareDates(all[i - 1]!.period.start, all[i - 1]!.period.end!) < 0, 'non-empty');
      }
      // A run on `mid` and then on `end` bills exactly what one run on `end` bills.
      const first = duePeriods(sub, mid);
      const cursor = first.length ? first[first.length - 1]!.period.start : null;
      const second = duePeriods({ ...sub, lastBilledPeriodStart: cursor }, end);
      assert.deepEqual([...first, ...second].map((x) => x.key), all.map((x) => x.key));
      // Every due term starts on or before the day billed; the next one after it does not.
      for (const x of all) assert.ok(compareDates(x.dueDate, end) <= 0);
      const lastCursor = all.length ? all[all.length - 1]!.period.start : null;
      const next = nextFeeDue({ ...sub, lastBilledPeriodStart: lastCursor });
      assert.ok(next && compareDates(next, end) > 0);
    }),
    { numRuns: 1000 },
  );
});

test('usage periods are contiguous, end on or before the day billed, and are each billed once', () => {
  fc.assert(
    fc.property(day, anchor, frequency, fc.integer({ min: 0, max: 1200 }), (start, a, f, days) => {
      const sub = facts(start, a, f, 1);
      const asOf = start.add({ days });
      const all = dueUsagePeriods(sub, asOf);
      for (let i = 1; i < all.length; i++) assert.equal(all[i]!.period.start.toString(), all[i - 1]!.period.end!.toString());
      for (const p of all) assert.ok(compareDates(p.period.end!, asOf) <= 0);
      const cursor = all.length ? all[all.length - 1]!.period.start : null;
      assert.deepEqual(dueUsagePeriods({ ...sub, lastUsagePeriodStart: cursor }, asOf), []);
      assert.ok(compareDates(nextUsageDue({ ...sub, lastUsagePeriodStart: cursor })!, asOf) > 0);
    }),
    { numRuns: 1000 },
  );
});
