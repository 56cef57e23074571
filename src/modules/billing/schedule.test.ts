import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDate, type PlainDate } from '../../kernel/dates.ts';
import { AppError } from '../../kernel/app-error.ts';
import {
  duePeriods,
  dueUsagePeriods,
  nextFeeDue,
  nextUsageDue,
  renewalInvoiceDate,
  termOfUsagePeriod,
  yearEndConversionDate,
  scheduleOrigin,
  trialOutcome,
  type BillingFacts,
  type DueItem,
} from './schedule.ts';

const d = parseDate;

const sub = (over: Partial<BillingFacts> & { start: string }): BillingFacts => {
  const { start, ...rest } = over;
  const startDate = d(start);
  return {
    subscriptionId: 's1',
    startDate,
    anchorDay: startDate.day,
    frequency: 'month',
    termPeriods: 1,
    feeMode: 'advance',
    endDate: null,
    disconnectDate: null,
    trialDays: 0,
    convertsTo: null,
    autoRenew: false,
    lastBilledPeriodStart: null,
    ...rest,
  };
};

const starts = (items: DueItem[]) => items.map((i) => i.period.start.toString());
const ends = (items: DueItem[]) => items.map((i) => i.period.end?.toString() ?? null);

test('monthly, anchored on the 31st: Jan 31 → Feb 28 → Mar 31 without drift', () => {
  const due = duePeriods(sub({ start: '2026-01-31' }), d('2026-05-31'));
  assert.deepEqual(starts(due), ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
  assert.deepEqual(ends(due), ['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30']);
  assert.deepEqual(
    due.map((i) => i.key),
    ['s1:2026-01-31', 's1:2026-02-28', 's1:2026-03-31', 's1:2026-04-30', 's1:2026-05-31'],
  );
  assert.ok(due.every((i) => i.kind === 'fee' && i.dueDate.equals(i.period.start)));
});

test('anchors 28, 29 and 30 through February of a common and a leap year', () => {
  const s = (day: number, year: number) => starts(duePeriods(sub({ start: `${year}-01-${day}` }), d(`${year}-03-31`)));
  assert.deepEqual(s(28, 2026), ['2026-01-28', '2026-02-28', '2026-03-28']);
  assert.deepEqual(s(29, 2026), ['2026-01-29', '2026-02-28', '2026-03-29']);
  assert.deepEqual(s(30, 2026), ['2026-01-30', '2026-02-28', '2026-03-30']);
  assert.deepEqual(s(29, 2028), ['2028-01-29', '2028-02-29', '2028-03-29']);
  assert.deepEqual(s(30, 2028), ['2028-01-30', '2028-02-29', '2028-03-30']);
  assert.deepEqual(s(31, 2028), ['2028-01-31', '2028-02-29', '2028-03-31']);
});

test('yearly from Feb 29 falls on Feb 28 and comes back to Feb 29 in leap years', () => {
  const due = duePeriods(sub({ start: '2024-02-29', frequency: 'year' }), d('2028-03-01'));
  assert.deepEqual(starts(due), ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
});

test('quarterly from Nov 30', () => {
  const due = duePeriods(sub({ start: '2026-11-30', frequency: 'quarter' }), d('2027-12-01'));
  assert.deepEqual(starts(due), ['2026-11-30', '2027-02-28', '2027-05-30', '2027-08-30', '2027-11-30']);
});

test('a term of several periods is billed once per term, keyed by its start', () => {
  const due = duePeriods(sub({ start: '2026-01-31', termPeriods: 6 }), d('2027-01-31'));
  assert.deepEqual(starts(due), ['2026-01-31', '2026-07-31', '2027-01-31']);
  assert.deepEqual(ends(due), ['2026-07-31', '2027-01-31', '2027-07-31']);
});

test('fees are due in advance: on the start day, not the day before', () => {
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-03-15' }), d('2026-03-14'))), []);
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-03-15' }), d('2026-03-15'))), ['2026-03-15']);
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-03-15' }), d('2026-04-14'))), ['2026-03-15']);
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-03-15' }), d('2026-04-15'))), ['2026-03-15', '2026-04-15']);
});

test('catch-up after three months off bills the missed periods in order', () => {
  const s = sub({ start: '2026-01-10', lastBilledPeriodStart: d('2026-02-10') });
  assert.deepEqual(starts(duePeriods(s, d('2026-05-12'))), ['2026-03-10', '2026-04-10', '2026-05-10']);
});

test('a rerun after partial billing returns only the rest, with the same keys', () => {
  const all = duePeriods(sub({ start: '2026-01-31' }), d('2026-06-30'));
  const rest = duePeriods(sub({ start: '2026-01-31', lastBilledPeriodStart: d('2026-03-31') }), d('2026-06-30'));
  assert.deepEqual(rest, all.slice(3));
  assert.deepEqual(duePeriods(sub({ start: '2026-01-31', lastBilledPeriodStart: d('2026-06-30') }), d('2026-06-30')), []);
});

test('a cursor that is not a period start is refused', () => {
  assert.throws(() => duePeriods(sub({ start: '2026-01-31', lastBilledPeriodStart: d('2026-03-30') }), d('2026-06-30')), AppError);
});

test('end date: a term starting on that exact day is not billed; a disconnect date stops all billing', () => {
  const asOf = d('2026-12-31');
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-01-15', endDate: d('2026-04-15') }), asOf)), [
    '2026-01-15',
    '2026-02-15',
    '2026-03-15',
  ]);
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-01-15', endDate: d('2026-04-16') }), asOf)), [
    '2026-01-15',
    '2026-02-15',
    '2026-03-15',
    '2026-04-15',
  ]);
  // Seed 004 §2.3: once a disconnect date is set, the group is no longer billed, even for missed terms.
  assert.deepEqual(starts(duePeriods(sub({ start: '2026-01-15', disconnectDate: d('2026-09-15') }), asOf)), []);
  assert.equal(nextFeeDue(sub({ start: '2026-01-15', disconnectDate: d('2026-09-15') })), null);
  assert.equal(nextFeeDue(sub({ start: '2026-01-15', endDate: d('2026-04-15'), lastBilledPeriodStart: d('2026-03-15') })), null);
  assert.equal(nextFeeDue(sub({ start: '2026-01-15', endDate: d('2026-04-16'), lastBilledPeriodStart: d('2026-03-15') }))?.toString(), '2026-04-15');
});

test('auto-renew with an end date: each term is invoiced one month before it starts, past the end date', () => {
  const s = sub({ start: '2025-03-31', frequency: 'year', endDate: d('2026-03-31'), autoRenew: true, lastBilledPeriodStart: d('2025-03-31') });
  assert.deepEqual(starts(duePeriods(s, d('2026-02-27'))), []);
  assert.equal(nextFeeDue(s)?.toString(), '2026-02-28');
  const due = duePeriods(s, d('2026-02-28'));
  assert.deepEqual(starts(due), ['2026-03-31']);
  assert.equal(due[0]!.key, 's1:2026-03-31');
  assert.equal(due[0]!.dueDate.toString(), '2026-02-28');
  assert.equal(due[0]!.period.end?.toString(), '2027-03-31');
  // Without auto-renew the end date stops it.
  assert.deepEqual(starts(duePeriods({ ...s, autoRenew: false }, d('2026-06-01'))), []);
});

test('lifetime bills once; never bills nothing', () => {
  const life = sub({ start: '2026-05-01', frequency: 'lifetime' });
  assert.deepEqual(duePeriods(life, d('2026-04-30')), []);
  const due = duePeriods(life, d('2030-01-01'));
  assert.equal(due.length, 1);
  assert.equal(due[0]!.key, 's1:2026-05-01');
  assert.equal(due[0]!.period.end, null);
  assert.deepEqual(duePeriods({ ...life, lastBilledPeriodStart: d('2026-05-01') }, d('2030-01-01')), []);
  assert.deepEqual(duePeriods(sub({ start: '2026-05-01', frequency: 'never' }), d('2030-01-01')), []);
  assert.deepEqual(dueUsagePeriods(sub({ start: '2026-05-01', frequency: 'never' }), d('2030-01-01')), []);
});

test('an anchor day other than the start day: the schedule begins at the next anniversary', () => {
  assert.equal(scheduleOrigin(d('2026-02-10'), 1).toString(), '2026-03-01');
  assert.equal(scheduleOrigin(d('2026-02-10'), 31).toString(), '2026-02-28');
  assert.equal(scheduleOrigin(d('2026-02-01'), 1).toString(), '2026-02-01');
  const due = duePeriods(sub({ start: '2026-02-10', anchorDay: 31 }), d('2026-04-30'));
  assert.deepEqual(starts(due), ['2026-02-28', '2026-03-31', '2026-04-30']);
});

test('bad facts are refused', () => {
  assert.throws(() => duePeriods(sub({ start: '2026-01-01', anchorDay: 32 }), d('2026-02-01')), AppError);
  assert.throws(() => duePeriods(sub({ start: '2026-01-01', termPeriods: 0 }), d('2026-02-01')), AppError);
});

test('usage periods are due at period end, each period once, stopping at the disconnect date', () => {
  const s = sub({ start: '2026-01-31', termPeriods: 12 });
  assert.deepEqual(starts(dueUsagePeriods(s, d('2026-02-27'))), []);
  const due = dueUsagePeriods(s, d('2026-04-30'));
  assert.deepEqual(starts(due), ['2026-01-31', '2026-02-28', '2026-03-31']);
  assert.deepEqual(due.map((i) => i.dueDate.toString()), ['2026-02-28', '2026-03-31', '2026-04-30']);
  assert.equal(due[0]!.key, 's1:2026-01-31:usage');
  assert.deepEqual(starts(dueUsagePeriods({ ...s, lastUsagePeriodStart: d('2026-02-28') }, d('2026-04-30'))), ['2026-03-31']);
  assert.deepEqual(starts(dueUsagePeriods({ ...s, disconnectDate: d('2026-03-31') }, d('2026-12-31'))), []);
  assert.deepEqual(starts(dueUsagePeriods({ ...s, endDate: d('2026-03-31') }, d('2026-12-31'))), ['2026-01-31', '2026-02-28']);
  assert.equal(nextUsageDue({ ...s, lastUsagePeriodStart: d('2026-02-28') })?.toString(), '2026-04-30');
  const { closesTerm, term } = termOfUsagePeriod({ ...s, termPeriods: 3 }, due[2]!);
  assert.equal(closesTerm, true);
  assert.equal(term.start.toString(), '2026-01-31');
  assert.equal(term.end?.toString(), '2026-04-30');
  assert.equal(termOfUsagePeriod({ ...s, termPeriods: 3 }, due[1]!).closesTerm, false);
});

test('a 30-day trial is still a trial on day 30 and converts on day 31', () => {
  const t = { startDate: d('2026-01-01'), trialDays: 30, convertsTo: 'NUL' };
  assert.deepEqual(trialOutcome(t, d('2026-01-30'), false), { kind: 'in-trial', endsOn: d('2026-01-31') });
  assert.deepEqual(trialOutcome(t, d('2026-01-31'), false), { kind: 'convert', to: 'NUL', on: d('2026-01-31') });
  assert.deepEqual(trialOutcome(t, d('2026-03-01'), false), { kind: 'convert', to: 'NUL', on: d('2026-01-31') });
  assert.deepEqual(trialOutcome(t, d('2026-03-01'), true), { kind: 'paid', endsOn: d('2026-01-31') });
  assert.deepEqual(trialOutcome({ ...t, trialDays: 0 }, d('2026-03-01'), false), { kind: 'no-trial' });
  // Across a leap day.
  assert.deepEqual(trialOutcome({ ...t, startDate: d('2028-02-01') }, d('2028-03-02'), false), {
    kind: 'convert',
    to: 'NUL',
    on: d('2028-03-02'),
  });
  assert.equal(trialOutcome({ ...t, startDate: d('2028-02-01') }, d('2028-03-01'), false).kind, 'in-trial');
  assert.throws(() => trialOutcome({ ...t, convertsTo: null }, d('2026-02-01'), false), AppError);
});

test('renewal invoice one month before the end date, clamped', () => {
  assert.equal(renewalInvoiceDate(d('2026-09-20')).toString(), '2026-08-20');
  assert.equal(renewalInvoiceDate(d('2026-03-31')).toString(), '2026-02-28');
  assert.equal(renewalInvoiceDate(d('2028-03-31')).toString(), '2028-02-29');
  assert.equal(renewalInvoiceDate(d('2026-05-31')).toString(), '2026-04-30');
  assert.equal(renewalInvoiceDate(d('2026-01-31')).toString(), '2025-12-31');
});

test('discounted types convert at the first term start in the next year', () => {
  assert.equal(yearEndConversionDate(sub({ start: '2026-01-01', frequency: 'year' })).toString(), '2027-01-01');
  assert.equal(yearEndConversionDate(sub({ start: '2026-03-15', frequency: 'year' })).toString(), '2027-03-15');
  assert.equal(yearEndConversionDate(sub({ start: '2026-03-15', frequency: 'month' })).toString(), '2027-01-15');
  assert.equal(yearEndConversionDate(sub({ start: '2026-12-31', frequency: 'month' })).toString(), '2027-01-31');
});

// ---- property-style: seeded random schedules billed day by day for two years ----

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

test('billing day by day (with random gaps) for two years yields each period exactly once, in order', () => {
  const rnd = mulberry32(20261121);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const freqs = ['month', 'quarter', 'year'] as const;
  let totalFees = 0;
  let totalUsage = 0;
  for (let run = 0; run < 150; run++) {
    const start = d('2024-01-01').add({ days: int(0, 800) });
    const anchorDay = rnd() < 0.5 ? int(26, 31) : int(1, 31);
    const frequency = freqs[int(0, 2)]!;
    const termPeriods = rnd() < 0.7 ? 1 : int(2, 4);
    const disconnectDate = rnd() < 0.3 ? start.add({ days: int(0, 700) }) : null;
    let facts: BillingFacts = {
      ...sub({ start: start.toString() }),
      anchorDay,
      frequency,
      termPeriods,
      disconnectDate,
      subscriptionId: `r${run}`,
    };
    const first = start.add({ days: int(-40, 40) });
    const last = first.add({ days: 730 });
    const billed: DueItem[] = [];
    const usage: DueItem[] = [];
    let day: PlainDate = first;
    let lastRun = first;
    while (day.until(last).days >= 0) {
      lastRun = day;
      const fees = duePeriods(facts, day);
      const used = dueUsagePeriods(facts, day);
      for (const f of fees) assert.ok(f.dueDate.until(day).days >= 0, 'never billed early');
      billed.push(...fees);
      usage.push(...used);
      // A rerun on the same day bills nothing more.
      const cursor = fees.at(-1)?.period.start ?? facts.lastBilledPeriodStart;
      const ucursor = used.at(-1)?.period.start ?? facts.lastUsagePeriodStart ?? null;
      facts = { ...facts, lastBilledPeriodStart: cursor, lastUsagePeriodStart: ucursor };
      assert.deepEqual(duePeriods(facts, day), []);
      assert.deepEqual(dueUsagePeriods(facts, day), []);
      day = day.add({ days: rnd() < 0.9 ? 1 : int(2, 100) });
    }
    // One catch-up run from scratch on the last day gives the same list.
    const fresh = { ...facts, lastBilledPeriodStart: null, lastUsagePeriodStart: null };
    totalFees += billed.length;
    totalUsage += usage.length;
    assert.deepEqual(billed, duePeriods(fresh, lastRun));
    assert.deepEqual(usage, dueUsagePeriods(fresh, lastRun));
    for (const list of [billed, usage]) {
      assert.equal(new Set(list.map((i) => i.key)).size, list.length, 'no key twice');
      list.forEach((item, i) => {
        assert.equal(item.index, i, 'in order, none skipped');
        if (i > 0) assert.ok(list[i - 1]!.period.end!.equals(item.period.start), 'contiguous');
        assert.equal(item.period.start.day, Math.min(anchorDay, item.period.start.daysInMonth), 'on the anniversary');
        if (disconnectDate) assert.ok(item.period.start.until(disconnectDate).days > 0, 'before the disconnect date');
      });
    }
  }
  assert.ok(totalFees > 500 && totalUsage > 500, `the runs billed something (${totalFees} fees, ${totalUsage} usage)`);
});
