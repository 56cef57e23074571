/**
 * The billing schedule of one subscription ("billing group", seed 004 §2.5), as pure functions:
 * which fee terms and usage periods are due on a given day, trial conversion and renewal dates.
 * No database, no clock: the billing run passes the day in and persists the cursors it gets back.
 *
 * Dates follow the kernel convention: a period is [start, end) and `end` is the next anniversary.
 * Every date of the schedule is computed from the origin and the anchor day, never from the
 * previous (possibly clamped) date, so an anchor of 31 goes Jan 31 → Feb 28 → Mar 31.
 */
import { addMonthsAnchored, compareDates, scheduleOrigin, type PeriodUnit, type PlainDate } from '../../kernel/dates.ts';
import { validation } from '../../kernel/app-error.ts';

export type Frequency = PeriodUnit | 'never' | 'lifetime';

/** How the term fee is charged. Only "in advance, at each term start" exists today. */
export type FeeMode = 'advance';

/** The facts about a subscription that its billing schedule depends on. */
export interface BillingFacts {
  subscriptionId: string;
  /** The day billing begins (seed 004 §2.5.1). */
  startDate: PlainDate;
  /** Anniversary day of the month, 1–31; clamped to short months. Usually `startDate.day`. */
  anchorDay: number;
  frequency: Frequency;
  /** Periods per term (≥ 1). The fee is charged once per term, overages once per period. */
  termPeriods: number;
  feeMode: FeeMode;
  /**
   * First day without service (exclusive). No term starting on or after it is billed, unless
   * `autoRenew`: then every term is billed one month before it starts (the renewal invoice, seed 001)
   * and the run moves the end date on to the end of the last billed term.
   */
  endDate?: PlainDate | null;
  /** Deactivation date (seed 004 §2.3): once set, nothing more is billed; the run ends the subscription on it. */
  disconnectDate?: PlainDate | null;
  /** Length of a trial in days (0 = no trial); the trial covers `trialDays` days from the start date. */
  trialDays: number;
  /** The type code the subscription converts to when the trial ends unpaid (e.g. TRI → NUL). */
  convertsTo: string | null;
  autoRenew: boolean;
  /** Start of the last term whose fee was billed, or null if none yet (the fee cursor). */
  lastBilledPeriodStart: PlainDate | null;
  /** Start of the last period whose usage was billed, or null if none yet (the usage cursor). */
  lastUsagePeriodStart?: PlainDate | null;
}

/** A billed span [start, end). `end` is null for a lifetime fee. */
export interface BillingPeriod {
  start: PlainDate;
  end: PlainDate | null;
}

export interface DueItem {
  /** Unique per subscription and period: a rerun produces the same key and must not bill it again. */
  key: string;
  subscriptionId: string;
  kind: 'fee' | 'usage';
  /** 0-based index of the term (fee) or period (usage) in the schedule. */
  index: number;
  period: BillingPeriod;
  /** The day the charge falls due: term start (fees, in advance) or period end (usage). */
  dueDate: PlainDate;
}

const monthsPer = (unit: PeriodUnit): number => (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12);

const isPeriodic = (f: Frequency): f is PeriodUnit => f === 'month' || f === 'quarter' || f === 'year';

const checkFacts = (sub: BillingFacts): void => {
  if (!Number.isInteger(sub.anchorDay) || sub.anchorDay < 1 || sub.anchorDay > 31) {
    throw validation(`The anniversary day must be 1–31, not ${sub.anchorDay}.`);
  }
  if (!Number.isInteger(sub.termPeriods) || sub.termPeriods < 1) {
    throw validation(`A term must be at least one period, not ${sub.termPeriods}.`);
  }
  if (!Number.isInteger(sub.trialDays) || sub.trialDays < 0) {
    throw validation(`Trial days must be a whole number ≥ 0, not ${sub.trialDays}.`);
  }
};

/** The first day of the schedule (kept here for the schedule's callers; the rule lives in the kernel). */
export { scheduleOrigin };

/** The n-th span of `months` months of an anchored schedule. */
const spanAt = (origin: PlainDate, anchorDay: number, months: number, n: number): { start: PlainDate; end: PlainDate } => ({
  start: addMonthsAnchored(origin, months * n, anchorDay),
  end: addMonthsAnchored(origin, months * (n + 1), anchorDay),
});

/** The index of the span that starts exactly on `date`; throws if `date` is not a span start. */
const indexOfStart = (origin: PlainDate, anchorDay: number, months: number, date: PlainDate, what: string): number => {
  const monthsApart = (date.year - origin.year) * 12 + (date.month - origin.month);
  const guess = Math.floor(monthsApart / months);
  for (const n of [guess - 1, guess, guess + 1]) {
    if (n >= 0 && compareDates(spanAt(origin, anchorDay, months, n).start, date) === 0) return n;
  }
  throw validation(`${what} ${date.toString()} is not the start of a period of this schedule.`);
};

/** The first day no term may start on: the end date, unless the subscription renews itself. */
export const billingStop = (sub: BillingFacts): PlainDate | null => (renews(sub) ? null : (sub.endDate ?? null));

/** An auto-renewing subscription with an end date: each term is invoiced a month ahead (seed 001). */
export const renews = (sub: Pick<BillingFacts, 'autoRenew' | 'endDate' | 'frequency'>): boolean =>
  sub.autoRenew && !!sub.endDate && sub.frequency !== 'lifetime' && sub.frequency !== 'never';

/** The day a term's fee is invoiced: its first day, or a month before it when the subscription renews. */
const feeDueDate = (sub: BillingFacts, termStart: PlainDate): PlainDate => (renews(sub) ? renewalInvoiceDate(termStart) : termStart);

const before = (date: PlainDate, stop: PlainDate | null): boolean => stop === null || compareDates(date, stop) < 0;

export const chargeKey = (subscriptionId: string, periodStart: PlainDate): string => `${subscriptionId}:${periodStart.toString()}`;
export const usageKey = (subscriptionId: string, periodStart: PlainDate): string =>
  `${subscriptionId}:${periodStart.toString()}:usage`;

/**
 * Every term whose fee is due on or before `asOf` (fees are charged in advance, on the term's
 * first day) and comes after the fee cursor, in order. A server that was off for three months
 * gets three monthly terms. Nothing for 'never'; 'lifetime' bills once. Terms starting on or
 * after the end date or the disconnect date are not billed.
 */
export const duePeriods = (sub: BillingFacts, asOf: PlainDate): DueItem[] => {
  checkFacts(sub);
  if (sub.frequency === 'never' || sub.disconnectDate) return [];
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const stop = billingStop(sub);
  if (sub.frequency === 'lifetime') {
    if (sub.lastBilledPeriodStart) return [];
    if (compareDates(origin, asOf) > 0 || !before(origin, stop)) return [];
    return [
      {
        key: chargeKey(sub.subscriptionId, origin),
        subscriptionId: sub.subscriptionId,
        kind: 'fee',
        index: 0,
        period: { start: origin, end: null },
        dueDate: origin,
      },
    ];
  }
  const months = monthsPer(sub.frequency) * sub.termPeriods;
  let n = sub.lastBilledPeriodStart
    ? indexOfStart(origin, sub.anchorDay, months, sub.lastBilledPeriodStart, 'The last billed period') + 1
    : 0;
  const out: DueItem[] = [];
  for (;;) {
    const term = spanAt(origin, sub.anchorDay, months, n);
    const dueDate = feeDueDate(sub, term.start);
    if (compareDates(dueDate, asOf) > 0 || !before(term.start, stop)) return out;
    out.push({
      key: chargeKey(sub.subscriptionId, term.start),
      subscriptionId: sub.subscriptionId,
      kind: 'fee',
      index: n,
      period: term,
      dueDate,
    });
    n++;
  }
};

/**
 * Every single period (not term) that has ended on or before `asOf` and comes after the usage
 * cursor, in order: overages are billed at period end. Periods starting on or after the end or
 * disconnect date are not billed. Nothing for 'never' and 'lifetime' (they have no periods).
 */
export const dueUsagePeriods = (sub: BillingFacts, asOf: PlainDate): DueItem[] => {
  checkFacts(sub);
  if (!isPeriodic(sub.frequency) || sub.disconnectDate) return [];
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const stop = billingStop(sub);
  const months = monthsPer(sub.frequency);
  const last = sub.lastUsagePeriodStart ?? null;
  let n = last ? indexOfStart(origin, sub.anchorDay, months, last, 'The last usage period') + 1 : 0;
  const out: DueItem[] = [];
  for (;;) {
    const p = spanAt(origin, sub.anchorDay, months, n);
    if (compareDates(p.end, asOf) > 0 || !before(p.start, stop)) return out;
    out.push({
      key: usageKey(sub.subscriptionId, p.start),
      subscriptionId: sub.subscriptionId,
      kind: 'usage',
      index: n,
      period: p,
      dueDate: p.end,
    });
    n++;
  }
};

/** The start of the subscription's first term: where a campaign's first-period price applies. */
export const firstPeriodStart = (sub: Pick<BillingFacts, 'startDate' | 'anchorDay'>): PlainDate =>
  scheduleOrigin(sub.startDate, sub.anchorDay);

export type TrialOutcome =
  | { kind: 'no-trial' }
  /** Still in the trial; `endsOn` is the first day after it (the conversion date if unpaid). */
  | { kind: 'in-trial'; endsOn: PlainDate }
  /** Paid: not converted automatically; staff convert it to the paid type (seed 003). */
  | { kind: 'paid'; endsOn: PlainDate }
  /** The trial is over and unpaid: convert to `to` as of `on` (the day after the last trial day). */
  | { kind: 'convert'; to: string; on: PlainDate };

/** The first day after a trial of `trialDays` days that starts on `startDate`. */
export const trialEndDate = (startDate: PlainDate, trialDays: number): PlainDate => startDate.add({ days: trialDays });

/**
 * What happens to a trial on `asOf` (seed 003: TRI converts to NUL after 30 days unless paid).
 * A 30-day trial starting Jan 1 covers Jan 1–30 and converts on Jan 31.
 */
export const trialOutcome = (
  sub: Pick<BillingFacts, 'startDate' | 'trialDays' | 'convertsTo'>,
  asOf: PlainDate,
  paid: boolean,
): TrialOutcome => {
  if (sub.trialDays <= 0) return { kind: 'no-trial' };
  const endsOn = trialEndDate(sub.startDate, sub.trialDays);
  if (paid) return { kind: 'paid', endsOn };
  if (compareDates(asOf, endsOn) < 0) return { kind: 'in-trial', endsOn };
  if (!sub.convertsTo) throw validation('The trial has ended but its type converts to nothing.');
  return { kind: 'convert', to: sub.convertsTo, on: endsOn };
};

/** The day a renewal invoice is made: one month before the end date, clamped (Mar 31 → Feb 28). */
export const renewalInvoiceDate = (endDate: PlainDate): PlainDate => addMonthsAnchored(endDate, -1, endDate.day);

// ---- what comes next (the run stores it as `next_due`) ----

const nextIndex = (origin: PlainDate, anchorDay: number, months: number, cursor: PlainDate | null | undefined, what: string): number =>
  cursor ? indexOfStart(origin, anchorDay, months, cursor, what) + 1 : 0;

/** The day the next unbilled term's fee falls due, or null if no term is left to bill. */
export const nextFeeDue = (sub: BillingFacts): PlainDate | null => {
  checkFacts(sub);
  if (sub.frequency === 'never' || sub.disconnectDate) return null;
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const stop = billingStop(sub);
  if (sub.frequency === 'lifetime') return sub.lastBilledPeriodStart || !before(origin, stop) ? null : origin;
  const months = monthsPer(sub.frequency) * sub.termPeriods;
  const term = spanAt(origin, sub.anchorDay, months, nextIndex(origin, sub.anchorDay, months, sub.lastBilledPeriodStart, 'The last billed period'));
  return before(term.start, stop) ? feeDueDate(sub, term.start) : null;
};

/** The end of the next period whose usage is unbilled (when its overage falls due), or null. */
export const nextUsageDue = (sub: BillingFacts): PlainDate | null => {
  checkFacts(sub);
  if (!isPeriodic(sub.frequency) || sub.disconnectDate) return null;
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const months = monthsPer(sub.frequency);
  const p = spanAt(origin, sub.anchorDay, months, nextIndex(origin, sub.anchorDay, months, sub.lastUsagePeriodStart, 'The last usage period'));
  return before(p.start, billingStop(sub)) ? p.end : null;
};

/**
 * For usage period `index`: whether it closes a term (per-term attributes are billed then) and the
 * span of that term, [start of its first period, end of this period).
 */
export const termOfUsagePeriod = (sub: BillingFacts, item: DueItem): { closesTerm: boolean; term: BillingPeriod } => {
  if (!isPeriodic(sub.frequency)) throw validation('Only monthly, quarterly and yearly schedules have usage periods.');
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const months = monthsPer(sub.frequency);
  const first = item.index - (item.index % sub.termPeriods);
  return {
    closesTerm: (item.index + 1) % sub.termPeriods === 0,
    term: { start: spanAt(origin, sub.anchorDay, months, first).start, end: item.period.end },
  };
};

/** The earliest of the given days (nulls ignored), or null. */
export const earliest = (...days: Array<PlainDate | null | undefined>): PlainDate | null => {
  let best: PlainDate | null = null;
  for (const d of days) if (d && (!best || compareDates(d, best) < 0)) best = d;
  return best;
};

/**
 * The first term start on or after 1 January of the year after `startDate`: where a discounted
 * type converts to its ordinary type ("discounted types convert at year end", seed 003). For a
 * calendar-year schedule that is 1 January itself; other anniversaries keep their day, so the
 * term already paid at the discount is not billed again.
 */
export const yearEndConversionDate = (sub: Pick<BillingFacts, 'startDate' | 'anchorDay' | 'frequency' | 'termPeriods'>): PlainDate => {
  const newYear = sub.startDate.with({ year: sub.startDate.year + 1, month: 1, day: 1 });
  if (!isPeriodic(sub.frequency)) return newYear;
  const origin = scheduleOrigin(sub.startDate, sub.anchorDay);
  const months = monthsPer(sub.frequency) * sub.termPeriods;
  for (let n = 0; ; n++) {
    const start = spanAt(origin, sub.anchorDay, months, n).start;
    if (compareDates(start, newYear) >= 0) return start;
  }
};
