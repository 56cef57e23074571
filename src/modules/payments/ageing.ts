import { parseDate } from '../../kernel/dates.ts';

/**
 * A/R ageing (pure): an open invoice is "current" until its due date has passed, then 1–30,
 * 31–60, 61–90 or over 90 days past due, counted at a chosen day.
 */
export const AGEING_BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

/** Whole days from the due date to `at` (0 on the due date, negative before it). */
export const daysPastDue = (dueDate: string, at: string): number => parseDate(dueDate).until(parseDate(at), { largestUnit: 'days' }).days;

export const ageingBucket = (dueDate: string | null, at: string): AgeingBucket => {
  if (dueDate === null) return 'current';
  const days = daysPastDue(dueDate, at);
  if (days <= 0) return 'current';
  if (days <= 30) return 'days1to30';
  if (days <= 60) return 'days31to60';
  if (days <= 90) return 'days61to90';
  return 'over90';
};

/**
 * The same buckets as due-date boundaries, for a query: due ≥ current → current; due ≥ days30 →
 * 1–30; due ≥ days60 → 31–60; due ≥ days90 → 61–90; older → over 90.
 */
export const ageingCutoffs = (at: string) => {
  const d = parseDate(at);
  return {
    current: at,
    days30: d.subtract({ days: 30 }).toString(),
    days60: d.subtract({ days: 60 }).toString(),
    days90: d.subtract({ days: 90 }).toString(),
  };
};

export type BucketTotals = Record<AgeingBucket, bigint> & { total: bigint };

export const emptyBuckets = (): BucketTotals => ({ current: 0n, days1to30: 0n, days31to60: 0n, days61to90: 0n, over90: 0n, total: 0n });

/** Adds an open amount to its bucket and the total. */
export const addToBucket = (totals: BucketTotals, bucket: AgeingBucket, minor: bigint): BucketTotals => {
  totals[bucket] += minor;
  totals.total += minor;
  return totals;
};
