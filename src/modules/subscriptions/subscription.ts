import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { addMonthsAnchored, compareDates, isIsoDate, parseDate, scheduleOrigin } from '../../kernel/dates.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../audit/index.ts';
import type { SubscriptionStatus } from './subscription-status.ts';

/**
 * Subscriptions ("billing groups", seed 004 §2.1): a contact's membership, product or account
 * type, who pays, its dates and status. Pure rules here; the use cases beside load, check and save.
 */
export const SUBSCRIPTION_ITEM_TYPES = ['membership_type', 'product', 'account_type'] as const;
export type SubscriptionItemType = (typeof SUBSCRIPTION_ITEM_TYPES)[number];
export const CHARGE_FREQUENCIES = ['month', 'quarter', 'year'] as const;
export type ChargeFrequency = (typeof CHARGE_FREQUENCIES)[number];
export const USAGE_SOURCES = ['api', 'csv', 'staff'] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

export interface SubscriptionDeps {
  db: Database;
  clock: Clock;
}
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

export interface Subscription {
  id: string;
  contactId: string;
  payerId: string;
  itemType: SubscriptionItemType;
  itemId: string;
  quantity: string;
  status: SubscriptionStatus;
  startDate: string;
  anchorDay: number;
  endDate: string | null;
  disconnectDate: string | null;
  autoRenew: boolean;
  /** Minor units of the organization currency, per term. */
  specialPriceMinor: bigint | null;
  campaignCodeId: string | null;
  campaignPriceMinor: bigint | null;
  trialEndsOn: string | null;
  feeCursor: string | null;
  usageCursor: string | null;
  nextDue: string | null;
  paidThrough: string | null;
  followsId: string | null;
  replacesId: string | null;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionEvent {
  id: string;
  subscriptionId: string;
  fromStatus: SubscriptionStatus | null;
  toStatus: SubscriptionStatus;
  effectiveDate: string;
  reason: string;
  createdAt: string;
}

/** What a subscription needs to know about its catalog item. */
export interface SubscriptionItem {
  itemType: SubscriptionItemType;
  id: string;
  code: string;
  name: string;
  archived: boolean;
  frequency: string;
  termPeriods: number;
  trialDays: number;
  specialPrice: boolean;
  followsId: string | null;
  attributes: Array<{ code: string; description: string; unit: string; included: string; per: string }>;
}

// ---- fields

export const assertDate = (day: string, field: string, label: string): string => {
  if (!isIsoDate(day)) throw validation(`${label} must be a date written YYYY-MM-DD, like 2026-03-01; got "${day}".`, { field });
  return day;
};

/** A quantity: a decimal number with at most 4 decimals ("1", "2.5"); `positive` refuses 0. */
export const normalizeQuantity = (raw: string, opts: { positive: boolean; field?: string }): string => {
  const field = opts.field ?? 'quantity';
  const m = /^(\d{1,12})(?:[.,](\d{1,6}))?$/.exec(String(raw).trim());
  if (!m) throw validation(`The quantity must be a number ${opts.positive ? 'above 0' : '0 or more'} with at most 6 decimals, like 1 or 2.5; got "${raw}".`, { field });
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : int;
  if (opts.positive && /^0(\.0*)?$/.test(text)) throw validation('The quantity must be above 0.', { field });
  return text;
};

export const assertAnchorDay = (day: number): number => {
  if (!Number.isInteger(day) || day < 1 || day > 31) throw validation(`The anniversary day must be a whole number from 1 to 31, not ${day}.`, { field: 'anchorDay' });
  return day;
};

export const assertNote = (note: string | null | undefined): string | null => {
  const n = (note ?? '').trim();
  if (n.length > 2000) throw validation('The note can be at most 2000 characters.', { field: 'note' });
  return n || null;
};

export const assertDescriptionText = (text: string): string => {
  const d = text.trim();
  if (!d) throw validation('Give a description; it is printed on the invoice line.', { field: 'description' });
  if (d.length > 200) throw validation('The description can be at most 200 characters.', { field: 'description' });
  return d;
};

export const assertEndAfterStart = (start: string, end: string | null, field = 'endDate'): void => {
  if (end !== null && end <= start) throw validation(`The end date (${end}) must be after the start date (${start}): it is the first day without service.`, { field });
};

// ---- dates

export const addDays = (day: string, days: number): string => parseDate(day).add({ days }).toString();
export const addYears = (day: string, years: number): string => addMonthsAnchored(parseDate(day), 12 * years, parseDate(day).day).toString();

/**
 * next_due after a writer's change (contract): a lower bound, never later than necessary. The
 * smaller of its current value and today; null stays null only for ended rows.
 */
export const lowerNextDue = (current: string | null, today: string, ended: boolean): string | null => {
  if (current === null) return ended ? null : today;
  return current < today ? current : today;
};

const monthsPer = (f: string): number => (f === 'month' ? 1 : f === 'quarter' ? 3 : 12);

/**
 * The usage period [start, end) containing `day` of a schedule with `frequency` periods anchored on
 * `anchorDay` from `startDate`. Days before the schedule's first anniversary fall in the period
 * that ends on it.
 */
export const usagePeriodOf = (startDate: string, anchorDay: number, frequency: string, day: string): { start: string; end: string } => {
  const months = monthsPer(frequency);
  const origin = scheduleOrigin(parseDate(startDate), anchorDay);
  const d = parseDate(day);
  if (compareDates(d, origin) < 0) return { start: addMonthsAnchored(origin, -months, anchorDay).toString(), end: origin.toString() };
  const apart = (d.year - origin.year) * 12 + (d.month - origin.month);
  let n = Math.max(0, Math.floor(apart / months) - 1);
  for (;;) {
    const end = addMonthsAnchored(origin, months * (n + 1), anchorDay);
    if (compareDates(d, end) < 0) return { start: addMonthsAnchored(origin, months * n, anchorDay).toString(), end: end.toString() };
    n++;
  }
};

/** The end of the period that starts on `periodStart`. */
export const periodEndAfter = (periodStart: string, anchorDay: number, frequency: string): string =>
  addMonthsAnchored(parseDate(periodStart), monthsPer(frequency), anchorDay).toString();
