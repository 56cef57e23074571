import { Temporal } from 'temporal-polyfill';
import { validation } from './app-error.ts';

export { Temporal };
export type PlainDate = Temporal.PlainDate;

// Dates are immutable, and a billing run parses the same few thousand days again and again.
const parsed = new Map<string, PlainDate>();

/** Days are `PlainDate` in code and ISO `YYYY-MM-DD` text in the database. */
export const parseDate = (text: string): PlainDate => {
  const known = parsed.get(text);
  if (known) return known;
  const date = parseNew(text);
  if (parsed.size >= 50_000) parsed.clear();
  parsed.set(text, date);
  return date;
};

const parseNew = (text: string): PlainDate => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw validation(`"${text}" is not a date. Write it as YYYY-MM-DD.`);
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw validation(`"${text}" is not a date in the calendar.`);
  // The constructor is several times faster than parsing the string (the billing run makes millions).
  try {
    return new Temporal.PlainDate(year, month, day);
  } catch {
    throw validation(`"${text}" is not a date in the calendar.`);
  }
};

export const isIsoDate = (text: string): boolean => {
  try {
    parseDate(text);
    return true;
  } catch {
    return false;
  }
};

export type PeriodUnit = 'month' | 'quarter' | 'year';

const monthsIn = (unit: PeriodUnit): number => (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12);

/** Days in a month of the ISO calendar. */
export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

// Making a PlainDate is the polyfill's slow part; schedules ask for the same anniversaries again and again.
const anniversaries = new Map<number, PlainDate>();

/** The given day of a month, clamped to the month's length (31 → 28/29/30). */
export const anniversaryIn = (year: number, month: number, anchorDay: number): PlainDate => {
  const key = year * 10_000 + month * 100 + anchorDay;
  const known = anniversaries.get(key);
  if (known) return known;
  const date = new Temporal.PlainDate(year, month, Math.min(anchorDay, daysInMonth(year, month)));
  if (anniversaries.size >= 50_000) anniversaries.clear();
  anniversaries.set(key, date);
  return date;
};

/**
 * Add whole months to a date while keeping an anniversary day: the result's day is the anchor
 * clamped to the target month. Because every step is computed from the anchor, never from the
 * previous (possibly clamped) date, a period anchored on the 31st goes Jan 31 → Feb 28 → Mar 31.
 */
export const addMonthsAnchored = (date: PlainDate, months: number, anchorDay = date.day): PlainDate => {
  const total = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return anniversaryIn(year, month, anchorDay);
};

/**
 * The first day of an anchored schedule: the first anniversary (anchor day clamped to the month)
 * on or after the start date. With the usual anchor (= start day) it is the start date itself.
 */
export const scheduleOrigin = (startDate: PlainDate, anchorDay: number): PlainDate => {
  const inMonth = anniversaryIn(startDate.year, startDate.month, anchorDay);
  return Temporal.PlainDate.compare(inMonth, startDate) >= 0 ? inMonth : addMonthsAnchored(inMonth, 1, anchorDay);
};

export interface Period {
  /** First day of the period. */
  start: PlainDate;
  /** First day of the next period (exclusive end): the anniversary the period "ends" on. */
  end: PlainDate;
}

/** The n-th period (0-based) of a schedule that started on `anchor` and repeats every `count` `unit`s. */
export const nthPeriod = (anchor: PlainDate, unit: PeriodUnit, n: number, count = 1): Period => {
  const step = monthsIn(unit) * count;
  return {
    start: addMonthsAnchored(anchor, step * n, anchor.day),
    end: addMonthsAnchored(anchor, step * (n + 1), anchor.day),
  };
};

/** The period of an anchored schedule that contains `date` (date ≥ anchor). */
export const periodContaining = (anchor: PlainDate, unit: PeriodUnit, date: PlainDate, count = 1): Period => {
  if (Temporal.PlainDate.compare(date, anchor) < 0) throw validation('The date is before the schedule starts.');
  const step = monthsIn(unit) * count;
  const monthsApart = (date.year - anchor.year) * 12 + (date.month - anchor.month);
  let n = Math.max(0, Math.floor(monthsApart / step) - 1);
  for (;;) {
    const p = nthPeriod(anchor, unit, n, count);
    if (Temporal.PlainDate.compare(date, p.end) < 0) return p;
    n++;
  }
};

export const compareDates = (a: PlainDate, b: PlainDate): number => Temporal.PlainDate.compare(a, b);
export const minDate = (a: PlainDate, b: PlainDate): PlainDate => (compareDates(a, b) <= 0 ? a : b);
export const maxDate = (a: PlainDate, b: PlainDate): PlainDate => (compareDates(a, b) >= 0 ? a : b);

/** Localized date display, e.g. "21.11.2026" in nb-NO. */
export const formatDate = (d: PlainDate, locale: string, style: 'short' | 'medium' | 'long' = 'medium'): string => {
  const style2 = style === 'short' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { dateStyle: style };
  // Format the day as noon UTC in UTC, so no time zone can move it to another day.
  return new Intl.DateTimeFormat(locale, { ...style2, timeZone: 'UTC' } as Intl.DateTimeFormatOptions).format(
    new Date(Date.UTC(d.year, d.month - 1, d.day, 12)),
  );
};

export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const isLocale = (tag: string): boolean => {
  try {
    return Intl.getCanonicalLocales(tag).length === 1 && Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 1;
  } catch {
    return false;
  }
};
