/**
 * Pure charge computation: due items and prices in, draft invoice lines out; then one draft
 * invoice per payer. Exact: money is bigint minor units, quantities are decimal strings.
 */
import { add, money, multiply, type Money } from '../../kernel/money.ts';
import { compareDates, type PlainDate } from '../../kernel/dates.ts';
import { validation } from '../../kernel/app-error.ts';
import { priceInForce as catalogPriceInForce } from '../catalog/index.ts';
import { excessQuantity } from '../../kernel/decimal.ts';
import type { BillingPeriod, DueItem } from './schedule.ts';

/** The price in force for a period, by the period's start: a function, or a map keyed by ISO start date. */
export type PriceSource = ((periodStart: PlainDate) => Money) | ReadonlyMap<string, Money>;

export interface PriceChange {
  effectiveFrom: PlainDate;
  price: Money;
}

/** The price in force on `date`: the latest change effective on or before it. */
export const priceInForce = (changes: readonly PriceChange[], date: PlainDate): Money => {
  const best = catalogPriceInForce(
    changes.map((c) => ({ effectiveFrom: c.effectiveFrom.toString(), price: c.price })),
    date.toString(),
  );
  if (!best) throw validation(`No price is in force on ${date.toString()}.`);
  return best.price;
};

const priceFor = (source: PriceSource, start: PlainDate): Money => {
  if (typeof source === 'function') return source(start);
  const p = source.get(start.toString());
  if (!p) throw validation(`No price for the period starting ${start.toString()}.`);
  return p;
};

// Exact decimal quantities live in the kernel; excessQuantity stays exported from here for its callers.
export { excessQuantity };

// ---- input and output ----

export interface UsageAttribute {
  code: string;
  description: string;
  /** Included quantity per period (decimal string). */
  included: string;
  /** Price of one unit beyond the included quantity. */
  rate: Money;
  vatRate: string;
  glAccount: string;
  /** Used quantity in the period starting on the given day (decimal string). */
  used: (periodStart: PlainDate) => string;
}

export interface ChargeInput {
  subscriptionId: string;
  payerId: string;
  currency: string;
  /** Fee terms due (from `duePeriods`). */
  fees: readonly DueItem[];
  description: string;
  price: PriceSource;
  /** Units of the fee per term (decimal string), default "1". */
  quantity?: string;
  vatRate: string;
  glAccount: string;
  /** A campaign price for the subscription's first term only; later terms use `price`. */
  campaign?: { firstPeriodStart: PlainDate; price: Money; code: string } | null;
  /** Usage periods that have ended (from `dueUsagePeriods`) and the attributes to bill. */
  usagePeriods?: readonly DueItem[];
  attributes?: readonly UsageAttribute[];
}

export interface DraftLine {
  /** Unique: the fee key, or the usage key + ":" + attribute code. */
  key: string;
  source: 'fee' | 'usage';
  subscriptionId: string;
  payerId: string;
  description: string;
  period: BillingPeriod;
  quantity: string;
  unitPrice: Money;
  amount: Money;
  vatRate: string;
  glAccount: string;
}

const sameCurrency = (m: Money, currency: string, what: string): Money => {
  if (m.currency !== currency) throw validation(`${what} is in ${m.currency}, the invoice in ${currency}.`);
  return m;
};

/**
 * Fee lines for each due term (campaign price for the first term if a campaign applies), then
 * overage lines for each ended period: max(0, used − included) × rate, rounded half away from
 * zero. Usage lines with no excess are left out; fee lines are kept even at zero (a free product).
 */
export const computeCharges = (input: ChargeInput): DraftLine[] => {
  money(0n, input.currency); // validates the currency code
  const quantity = input.quantity ?? '1';
  const lines: DraftLine[] = [];
  for (const due of input.fees) {
    if (due.kind !== 'fee') throw validation(`${due.key} is not a fee period.`);
    const isCampaign = !!input.campaign && compareDates(input.campaign.firstPeriodStart, due.period.start) === 0;
    const unitPrice = sameCurrency(
      isCampaign && input.campaign ? input.campaign.price : priceFor(input.price, due.period.start),
      input.currency,
      'The price',
    );
    lines.push({
      key: due.key,
      source: 'fee',
      subscriptionId: input.subscriptionId,
      payerId: input.payerId,
      description: isCampaign && input.campaign ? `${input.description} (${input.campaign.code})` : input.description,
      period: due.period,
      quantity,
      unitPrice,
      amount: multiply(unitPrice, quantity),
      vatRate: input.vatRate,
      glAccount: input.glAccount,
    });
  }
  for (const due of input.usagePeriods ?? []) {
    if (due.kind !== 'usage') throw validation(`${due.key} is not a usage period.`);
    for (const attr of input.attributes ?? []) {
      const excess = excessQuantity(attr.used(due.period.start), attr.included);
      if (excess === '0') continue;
      const unitPrice = sameCurrency(attr.rate, input.currency, `The rate for ${attr.code}`);
      const amount = multiply(unitPrice, excess);
      if (amount.minor === 0n) continue;
      lines.push({
        key: `${due.key}:${attr.code}`,
        source: 'usage',
        subscriptionId: input.subscriptionId,
        payerId: input.payerId,
        description: attr.description,
        period: due.period,
        quantity: excess,
        unitPrice,
        amount,
        vatRate: attr.vatRate,
        glAccount: attr.glAccount,
      });
    }
  }
  return lines;
};

export interface DraftInvoice {
  payerId: string;
  currency: string;
  lines: DraftLine[];
  total: Money;
  /** Net amount per VAT rate, rates in ascending order of their text. */
  byVatRate: { vatRate: string; net: Money }[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One draft invoice per payer, payers in id order; lines by period start, then key. Refuses two
 * lines with the same key (the same charge twice) and mixed currencies for one payer.
 */
export const groupByPayer = (lines: readonly DraftLine[]): DraftInvoice[] => {
  const seen = new Set<string>();
  const groups = new Map<string, DraftLine[]>();
  for (const line of lines) {
    if (seen.has(line.key)) throw validation(`The charge ${line.key} appears twice.`);
    seen.add(line.key);
    const g = groups.get(line.payerId);
    if (g) g.push(line);
    else groups.set(line.payerId, [line]);
  }
  return [...groups.keys()].sort(byText).map((payerId) => {
    const ls = [...(groups.get(payerId) ?? [])].sort(
      (a, b) => compareDates(a.period.start, b.period.start) || byText(a.key, b.key),
    );
    const currency = ls[0]!.amount.currency;
    let total = money(0n, currency);
    const vat = new Map<string, Money>();
    for (const l of ls) {
      total = add(total, l.amount); // throws on mixed currencies
      vat.set(l.vatRate, add(vat.get(l.vatRate) ?? money(0n, currency), l.amount));
    }
    return {
      payerId,
      currency,
      lines: ls,
      total,
      byVatRate: [...vat.entries()].sort(([a], [b]) => byText(a, b)).map(([vatRate, net]) => ({ vatRate, net })),
    };
  });
};
