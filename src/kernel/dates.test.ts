import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMonthsAnchored, anniversaryIn, formatDate, nthPeriod, parseDate, periodContaining } from './dates.ts';
import { AppError } from './app-error.ts';

const d = parseDate;

test('a period anchored on the 31st ends Feb 28, then Mar 31, without drifting', () => {
  const anchor = d('2026-01-31');
  const ends = [0, 1, 2, 3].map((n) => nthPeriod(anchor, 'month', n).end.toString());
  assert.deepEqual(ends, ['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
  assert.equal(nthPeriod(anchor, 'month', 1).start.toString(), '2026-02-28');
});

test('leap years clamp to Feb 29', () => {
  assert.equal(addMonthsAnchored(d('2028-01-31'), 1).toString(), '2028-02-29');
  assert.equal(nthPeriod(d('2024-02-29'), 'year', 0).end.toString(), '2025-02-28');
  assert.equal(nthPeriod(d('2024-02-29'), 'year', 3).end.toString(), '2028-02-29');
});

test('quarters and years step from the anchor', () => {
  assert.equal(nthPeriod(d('2026-11-30'), 'quarter', 0).end.toString(), '2027-02-28');
  assert.equal(nthPeriod(d('2026-11-30'), 'quarter', 1).end.toString(), '2027-05-30');
  assert.equal(addMonthsAnchored(d('2026-03-15'), -3).toString(), '2025-12-15');
});

test('finds the period that contains a date', () => {
  const p = periodContaining(d('2026-01-31'), 'month', d('2026-03-30'));
  assert.equal(p.start.toString(), '2026-02-28');
  assert.equal(p.end.toString(), '2026-03-31');
  const q = periodContaining(d('2026-01-31'), 'month', d('2026-03-31'));
  assert.equal(q.start.toString(), '2026-03-31');
  assert.throws(() => periodContaining(d('2026-01-31'), 'month', d('2025-12-01')), AppError);
});

test('anniversaryIn clamps to the month length', () => {
  assert.equal(anniversaryIn(2026, 4, 31).toString(), '2026-04-30');
  assert.equal(anniversaryIn(2026, 2, 30).toString(), '2026-02-28');
});

test('parseDate refuses impossible and malformed dates with a readable message', () => {
  assert.throws(() => d('2026-02-30'), /not a date in the calendar/);
  assert.throws(() => d('30.02.2026'), /YYYY-MM-DD/);
});

test('formats dates per locale', () => {
  assert.equal(formatDate(d('2026-11-21'), 'nb-NO', 'short'), '21.11.2026');
  assert.equal(formatDate(d('2026-11-21'), 'en-GB', 'short'), '21/11/2026');
});
