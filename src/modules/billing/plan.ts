/**
 * What the billing run does for one subscription, recurring charge or queued charge on a day:
 * pure (rows and catalog in, a plan out). The run loads a batch, plans every row with these, and
 * writes the plans in one transaction. Rules decided here (seed 003/004, issue 4):
 *
 * - Billed statuses are active, grace and suspended; pending and trial are not billed; ended is
 *   not billed either, except usage of periods that started before the end (billed at period end).
 * - A trial that reaches `trial_ends_on` unpaid (still status trial) ends, and a new subscription of
 *   the type it converts to starts that day (TRI → NUL). Without a target the trial becomes active
 *   on its own type and billing starts from the trial's end.
 * - A discounted type (converts to another type, no trial) converts at the first term start in the
 *   next year: the old subscription ends, a new one of the target type continues the anniversary.
 * - The end date (without auto-renew) and the disconnect date end the subscription on that day; a
 *   disconnect date stops all billing once set (seed 004 §2.3).
 * - Auto-renew with an end date bills each term a month ahead and moves the end date on.
 * - Zero-amount lines (free products, FM2, NUL) are not put on invoices; the cursor still moves.
 */
import { compareDates, parseDate, type PlainDate } from '../../kernel/dates.ts';
import { addQuantities } from '../../kernel/decimal.ts';
import { money, multiply, type Money } from '../../kernel/money.ts';
import type { NewLine } from '../invoices/index.ts';
import { isBilledStatus, type NewSubscriptionEvent, type Subscription, type SubscriptionStatus } from '../subscriptions/index.ts';
import { priceInForce } from '../catalog/index.ts';
import type { CatalogItem } from './catalog-snapshot.ts';
import { computeCharges, type DraftLine, type UsageAttribute } from './charges.ts';
import {
  duePeriods,
  dueUsagePeriods,
  earliest,
  nextFeeDue,
  nextUsageDue,
  renews,
  scheduleOrigin,
  termOfUsagePeriod,
  yearEndConversionDate,
  type BillingFacts,
  type DueItem,
  type Frequency,
} from './schedule.ts';

const isBilled = isBilledStatus;

/** A subscription as the run reads it, with its campaign code's text for the first term's line. */
export interface SubscriptionRow extends Subscription {
  campaignCode: string | null;
}

/** Usage records of one subscription: attribute code → day → quantities. */
export type UsageByDay = ReadonlyArray<{ attributeCode: string; usedOn: string; quantity: string }>;

/** A line ready for `issueNewInvoices` (before VAT), with the payer and currency it is grouped by. */
export interface PlannedLine extends NewLine {
  chargeKey: string;
  source: 'subscription' | 'usage' | 'recurring' | 'charge';
  payerId: string;
  currency: string;
}

export type StatusEvent = NewSubscriptionEvent;

/** What changes on the subscription row (only the fields named). */
export interface SubscriptionUpdate {
  id: string;
  status: SubscriptionStatus;
  feeCursor: string | null;
  usageCursor: string | null;
  endDate: string | null;
  startDate: string;
  anchorDay: number;
  nextDue: string | null;
}

export interface SubscriptionPlan {
  lines: PlannedLine[];
  update: SubscriptionUpdate;
  events: StatusEvent[];
  /** Subscriptions this one converts into (already planned for the same day: see `planSubscription`). */
  created: SubscriptionRow[];
  /** Conversions and endings, for the run summary. */
  conversions: number;
  endings: number;
}

export interface PlanContext {
  asOf: PlainDate;
  currency: string;
  miscSalesAccount: string;
  item: (itemType: string, itemId: string) => CatalogItem | undefined;
  /** A new id for a converted subscription (the run passes a generator; tests pass a counter). */
  newId: () => string;
  /** The annual cycle bills fees ahead only: no trials, usage, conversions or endings. */
  feesOnly?: boolean;
}

const toFrequency = (f: string): Frequency => (f === 'once' ? 'lifetime' : (f as Frequency));

const factsOf = (sub: SubscriptionRow, item: CatalogItem, overrides: Partial<BillingFacts> = {}): BillingFacts => ({
  subscriptionId: sub.id,
  startDate: parseDate(sub.startDate),
  anchorDay: sub.anchorDay,
  frequency: toFrequency(item.frequency),
  termPeriods: item.termPeriods,
  feeMode: 'advance',
  endDate: sub.endDate ? parseDate(sub.endDate) : null,
  disconnectDate: sub.disconnectDate ? parseDate(sub.disconnectDate) : null,
  trialDays: 0,
  convertsTo: item.convertsToId,
  autoRenew: sub.autoRenew,
  lastBilledPeriodStart: sub.feeCursor ? parseDate(sub.feeCursor) : null,
  lastUsagePeriodStart: sub.usageCursor ? parseDate(sub.usageCursor) : null,
  ...overrides,
});

const onOrBefore = (day: string | null, asOf: PlainDate): day is string => !!day && compareDates(parseDate(day), asOf) <= 0;

/** Sums usage of `code` in [start, end). */
const usedIn = (usage: UsageByDay, code: string, start: PlainDate, end: PlainDate | null): string => {
  const a = start.toString();
  const b = end?.toString() ?? '9999-12-31';
  let total = '0';
  for (const u of usage) if (u.attributeCode === code && u.usedOn >= a && u.usedOn < b) total = addQuantities(total, u.quantity);
  return total;
};

const toPlanned = (line: DraftLine, sub: SubscriptionRow, item: CatalogItem): PlannedLine => ({
  chargeKey: line.key,
  source: line.source === 'fee' ? 'subscription' : 'usage',
  payerId: sub.payerId,
  subscriptionId: sub.id,
  itemType: item.itemType,
  itemId: item.id,
  description: line.description,
  quantity: line.quantity,
  unitPriceMinor: line.unitPrice.minor,
  netMinor: line.amount.minor,
  vatRate: line.vatRate,
  periodStart: line.period.start.toString(),
  periodEnd: line.period.end?.toString() ?? null,
  glAccount: line.glAccount,
  currency: line.amount.currency,
});

/** The fee lines of the due terms (price in force at each term's start; campaign and special prices). */
const feeLines = (sub: SubscriptionRow, item: CatalogItem, facts: BillingFacts, fees: DueItem[], ctx: PlanContext): PlannedLine[] => {
  if (!fees.length || !item.invoiced) return [];
  const price = (start: PlainDate): Money => {
    if (sub.specialPriceMinor !== null) return money(sub.specialPriceMinor, ctx.currency);
    return priceInForce(item.prices, start.toString())?.amount ?? money(0n, ctx.currency);
  };
  const origin = scheduleOrigin(facts.startDate, facts.anchorDay);
  const lines = computeCharges({
    subscriptionId: sub.id,
    payerId: sub.payerId,
    currency: ctx.currency,
    fees,
    description: item.name,
    price,
    quantity: sub.quantity,
    vatRate: item.vatRate,
    glAccount: item.glAccount ?? ctx.miscSalesAccount,
    campaign:
      sub.campaignPriceMinor !== null ? { firstPeriodStart: origin, price: money(sub.campaignPriceMinor, ctx.currency), code: sub.campaignCode ?? 'campaign' } : null,
  });
  return lines.filter((l) => l.amount.minor !== 0n).map((l) => toPlanned(l, sub, item));
};


/** Overage lines for the ended periods: per-period attributes each period, per-term ones when a term closes. */
const usageLines = (sub: SubscriptionRow, item: CatalogItem, facts: BillingFacts, periods: DueItem[], usage: UsageByDay, ctx: PlanContext): PlannedLine[] => {
  if (!periods.length || !item.attributes.length) return [];
  const attr = (a: CatalogItem['attributes'][number]): UsageAttribute => ({
    code: a.code,
    description: a.description,
    included: a.included,
    rate: a.rate,
    vatRate: a.vatRate,
    glAccount: a.glAccount ?? item.glAccount ?? ctx.miscSalesAccount,
    used: () => '0', // replaced per span below
  });
  const out: PlannedLine[] = [];
  const bill = (span: DueItem, attrs: CatalogItem['attributes']) => {
    if (!attrs.length) return;
    const lines = computeCharges({
      subscriptionId: sub.id,
      payerId: sub.payerId,
      currency: ctx.currency,
      fees: [],
      description: item.name,
      price: () => money(0n, ctx.currency),
      vatRate: item.vatRate,
      glAccount: item.glAccount ?? ctx.miscSalesAccount,
      usagePeriods: [span],
      attributes: attrs.map((a) => ({ ...attr(a), used: () => usedIn(usage, a.code, span.period.start, span.period.end) })),
    });
    for (const l of lines) out.push(toPlanned(l, sub, item));
  };
  const perPeriod = item.attributes.filter((a) => a.per === 'period');
  const perTerm = item.attributes.filter((a) => a.per === 'term');
  for (const p of periods) {
    bill(p, perPeriod);
    if (perTerm.length) {
      const { closesTerm, term } = termOfUsagePeriod(facts, p);
      if (closesTerm) bill({ ...p, key: `${sub.id}:${term.start.toString()}:usage`, period: term }, perTerm);
    }
  }
  return out;
};

/**
 * Plans one subscription for `ctx.asOf`. Conversions create new subscriptions that are planned in
 * turn (their lines and updates are included), so a trial converting to a paid type is billed in the
 * same run.
 */
export const planSubscription = (sub: SubscriptionRow, usage: UsageByDay, ctx: PlanContext): SubscriptionPlan => {
  const item = ctx.item(sub.itemType, sub.itemId);
  if (!item) throw new Error(`Subscription ${sub.id} refers to ${sub.itemType} ${sub.itemId}, which is not in the catalog.`);
  const asOf = ctx.asOf;
  const events: StatusEvent[] = [];
  const created: SubscriptionRow[] = [];
  let lines: PlannedLine[] = [];
  let conversions = 0;
  let endings = 0;
  const cur = { ...sub };

  const convertTo = (targetId: string | null, on: string, reason: string): SubscriptionRow | null => {
    events.push({ subscriptionId: cur.id, fromStatus: cur.status, toStatus: 'ended', effectiveDate: on, reason });
    cur.status = 'ended';
    cur.endDate = on;
    conversions++;
    if (!targetId) return null;
    const next: SubscriptionRow = {
      ...sub,
      id: ctx.newId(),
      itemType: 'membership_type',
      itemId: targetId,
      paidThrough: null,
      note: null,
      version: 1,
      status: 'active',
      startDate: on,
      anchorDay: cur.anchorDay,
      endDate: null,
      specialPriceMinor: null,
      campaignCodeId: null,
      campaignCode: null,
      campaignPriceMinor: null,
      trialEndsOn: null,
      feeCursor: null,
      usageCursor: null,
      nextDue: on,
      replacesId: cur.id,
    };
    return next;
  };

  // 1. Trials.
  if (!ctx.feesOnly && cur.status === 'trial' && onOrBefore(cur.trialEndsOn, asOf)) {
    const on = cur.trialEndsOn;
    if (item.convertsToId) {
      const next = convertTo(item.convertsToId, on, `Trial ended unpaid on ${on}: converted to ${ctx.item('membership_type', item.convertsToId)?.code ?? 'the next type'}.`);
      if (next) created.push({ ...next, anchorDay: parseDate(on).day });
    } else {
      events.push({ subscriptionId: cur.id, fromStatus: 'trial', toStatus: 'active', effectiveDate: on, reason: `Trial ended on ${on}; billed from then.` });
      cur.status = 'active';
      if (!cur.feeCursor) {
        cur.startDate = on;
        cur.anchorDay = parseDate(on).day;
      }
    }
  }

  // 2. Fees and usage, up to a year-end conversion, the end date or the disconnect date.
  const discount = item.itemType === 'membership_type' && !!item.convertsToId && item.trialDays === 0;
  let facts = factsOf(cur, item);
  const conversionDay = discount && isBilled(cur.status) ? yearEndConversionDate(facts) : null;
  // A conversion acts like an end date for the old type's fees.
  const feeFacts = conversionDay ? { ...facts, endDate: earliest(facts.endDate, conversionDay), autoRenew: false } : facts;
  if (isBilled(cur.status)) {
    const fees = duePeriods(feeFacts, asOf);
    lines = lines.concat(feeLines(cur, item, feeFacts, fees, ctx));
    if (fees.length) {
      const last = fees[fees.length - 1]!;
      cur.feeCursor = last.period.start.toString();
      if (renews(feeFacts) && last.period.end && cur.endDate && last.period.end.toString() > cur.endDate) cur.endDate = last.period.end.toString();
    }
  }
  if (!ctx.feesOnly && (isBilled(cur.status) || cur.status === 'ended') && item.attributes.length) {
    const usageFacts = factsOf(cur, item);
    const periods = dueUsagePeriods(usageFacts, asOf);
    lines = lines.concat(usageLines(cur, item, usageFacts, periods, usage, ctx));
    if (periods.length) cur.usageCursor = periods[periods.length - 1]!.period.start.toString();
  }

  // 3. Conversions and endings that have come.
  if (!ctx.feesOnly && conversionDay && cur.status !== 'ended' && compareDates(conversionDay, asOf) <= 0) {
    const on = conversionDay.toString();
    const target = ctx.item('membership_type', item.convertsToId!);
    const next = convertTo(item.convertsToId, on, `Discounted type ${item.code} converted to ${target?.code ?? 'its ordinary type'} on ${on}.`);
    if (next) created.push(next);
  }
  if (!ctx.feesOnly && cur.status !== 'ended') {
    const stop = earliest(
      cur.disconnectDate ? parseDate(cur.disconnectDate) : null,
      cur.endDate && !renews(factsOf(cur, item)) ? parseDate(cur.endDate) : null,
    );
    if (stop && compareDates(stop, asOf) <= 0) {
      const reason = cur.disconnectDate === stop.toString() ? `Disconnected on ${stop.toString()}.` : `Ended on its end date ${stop.toString()}.`;
      events.push({ subscriptionId: cur.id, fromStatus: cur.status, toStatus: 'ended', effectiveDate: stop.toString(), reason });
      cur.status = 'ended';
      endings++;
    }
  }

  // 4. When the run next has something to do.
  facts = factsOf(cur, item);
  const hasUsage = item.attributes.length > 0;
  const nextDue = earliest(
    isBilled(cur.status) ? nextFeeDue(conversionDay ? { ...facts, endDate: earliest(facts.endDate, conversionDay), autoRenew: false } : facts) : null,
    (isBilled(cur.status) || cur.status === 'ended') && hasUsage ? nextUsageDue(facts) : null,
    cur.status === 'trial' && cur.trialEndsOn ? parseDate(cur.trialEndsOn) : null,
    cur.status !== 'ended' ? conversionDay : null,
    cur.status !== 'ended' && cur.endDate && !renews(facts) ? parseDate(cur.endDate) : null,
    cur.status !== 'ended' && cur.disconnectDate ? parseDate(cur.disconnectDate) : null,
  );

  const plan: SubscriptionPlan = {
    lines,
    update: {
      id: cur.id,
      status: cur.status,
      feeCursor: cur.feeCursor,
      usageCursor: cur.usageCursor,
      endDate: cur.endDate,
      startDate: cur.startDate,
      anchorDay: cur.anchorDay,
      nextDue: nextDue?.toString() ?? null,
    },
    events,
    created: [],
    conversions,
    endings,
  };
  // Plan the converted subscriptions for the same day, so nothing waits for tomorrow's run.
  for (const next of created) {
    events.push({ subscriptionId: next.id, fromStatus: null, toStatus: 'active', effectiveDate: next.startDate, reason: `Converted from ${item.code}.` });
    const child = planSubscription(next, [], ctx);
    plan.lines.push(...child.lines);
    plan.events.push(...child.events);
    plan.created.push({ ...next, ...pickUpdate(child.update) }, ...child.created);
    plan.conversions += child.conversions;
    plan.endings += child.endings;
  }
  return plan;
};

const pickUpdate = (u: SubscriptionUpdate): Partial<SubscriptionRow> => ({
  status: u.status,
  feeCursor: u.feeCursor,
  usageCursor: u.usageCursor,
  endDate: u.endDate,
  startDate: u.startDate,
  anchorDay: u.anchorDay,
  nextDue: u.nextDue,
});

// ---- recurring and queued charges ----

export interface RecurringRow {
  id: string;
  payerId: string;
  description: string;
  amountMinor: bigint;
  currency: string;
  frequency: string;
  startDate: string;
  anchorDay: number;
  endDate: string | null;
  glAccount: string | null;
  vatRate: string;
  cursor: string | null;
}

/** A recurring charge bills each period in advance, like a term fee (seed 004 §2.1.4). */
export const planRecurring = (r: RecurringRow, ctx: PlanContext): { lines: PlannedLine[]; cursor: string | null; nextDue: string | null } => {
  const facts: BillingFacts = {
    subscriptionId: r.id,
    startDate: parseDate(r.startDate),
    anchorDay: r.anchorDay,
    frequency: r.frequency as Frequency,
    termPeriods: 1,
    feeMode: 'advance',
    endDate: r.endDate ? parseDate(r.endDate) : null,
    disconnectDate: null,
    trialDays: 0,
    convertsTo: null,
    autoRenew: false,
    lastBilledPeriodStart: r.cursor ? parseDate(r.cursor) : null,
  };
  const due = duePeriods(facts, ctx.asOf);
  const lines: PlannedLine[] = due
    .filter(() => r.amountMinor !== 0n)
    .map((d) => ({
      chargeKey: `recurring:${r.id}:${d.period.start.toString()}`,
      source: 'recurring',
      payerId: r.payerId,
      subscriptionId: null,
      itemType: null,
      itemId: null,
      description: r.description,
      quantity: '1',
      unitPriceMinor: r.amountMinor,
      netMinor: r.amountMinor,
      vatRate: r.vatRate,
      periodStart: d.period.start.toString(),
      periodEnd: d.period.end?.toString() ?? null,
      glAccount: r.glAccount ?? ctx.miscSalesAccount,
      currency: r.currency,
    }));
  const cursor = due.length ? due[due.length - 1]!.period.start.toString() : r.cursor;
  const next = nextFeeDue({ ...facts, lastBilledPeriodStart: cursor ? parseDate(cursor) : null });
  return { lines, cursor, nextDue: next?.toString() ?? null };
};

export interface QueuedRow {
  id: string;
  payerId: string;
  subscriptionId: string | null;
  description: string;
  quantity: string;
  unitPriceMinor: bigint;
  currency: string;
  glAccount: string | null;
  vatRate: string;
  chargeDate: string;
}

export const planQueued = (q: QueuedRow, ctx: PlanContext): PlannedLine => ({
  chargeKey: `charge:${q.id}`,
  source: 'charge',
  payerId: q.payerId,
  subscriptionId: q.subscriptionId,
  itemType: null,
  itemId: null,
  description: q.description,
  quantity: q.quantity,
  unitPriceMinor: q.unitPriceMinor,
  netMinor: multiply(money(q.unitPriceMinor, q.currency), q.quantity).minor,
  vatRate: q.vatRate,
  periodStart: q.chargeDate,
  periodEnd: null,
  glAccount: q.glAccount ?? ctx.miscSalesAccount,
  currency: q.currency,
});
