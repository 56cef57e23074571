import { validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { multiply, toDecimalString, type Money } from '../../kernel/money.ts';
import type { Actor } from '../audit/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Database } from '../../db/database.ts';

/**
 * The catalog's rules: membership types, products, price versions and campaign codes. Pure, no I/O;
 * the use cases beside it load, check with these, and save.
 */
export const TYPE_FREQUENCIES = ['month', 'quarter', 'year', 'never', 'lifetime'] as const;
export type TypeFrequency = (typeof TYPE_FREQUENCIES)[number];
export const PRODUCT_FREQUENCIES = ['once', ...TYPE_FREQUENCIES] as const;
export type ProductFrequency = (typeof PRODUCT_FREQUENCIES)[number];
export const PRODUCT_KINDS = ['service', 'upgrade', 'fee', 'other'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export const CAMPAIGN_KINDS = ['percent', 'fixed_price'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export const ITEM_TYPES = ['membership_type', 'product', 'account_type'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
/** An account type's period; its fee is charged per term of `termPeriods` periods. */
export const ACCOUNT_FREQUENCIES = ['month', 'quarter', 'year'] as const;
export type AccountFrequency = (typeof ACCOUNT_FREQUENCIES)[number];
/** Whether an attribute's included quantity and overage are counted per period or per term. */
export const ATTRIBUTE_PER = ['period', 'term'] as const;
export type AttributePer = (typeof ATTRIBUTE_PER)[number];

export interface CatalogDeps {
  db: Database;
  clock: Clock;
}
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

export interface PriceVersion {
  id: string;
  amount: Money;
  effectiveFrom: string;
  createdAt: string;
}

export interface MembershipType {
  id: string;
  code: string;
  name: string;
  description: string;
  frequency: TypeFrequency;
  trialDays: number;
  convertsToId: string | null;
  signupAllowed: boolean;
  specialPrice: boolean;
  invoiced: boolean;
  /** null: ledger.misc_sales_account applies. */
  glAccount: string | null;
  vatRate: string;
  /** A household secondary type follows the primary's type (FM2 → FM1). */
  followsId: string | null;
  archived: boolean;
  position: number;
  /** Oldest first. */
  prices: PriceVersion[];
  createdAt: string;
  updatedAt: string;
}

export interface Product {
  id: string;
  code: string;
  name: string;
  description: string;
  kind: ProductKind;
  frequency: ProductFrequency;
  /** null: ledger.misc_sales_account applies when the product is invoiced. */
  glAccount: string | null;
  vatRate: string;
  archived: boolean;
  position: number;
  prices: PriceVersion[];
  createdAt: string;
  updatedAt: string;
}

/** A usage attribute of an account type: a quantity included per period (or term) and the rate beyond it. */
export interface AccountAttribute {
  id: string;
  accountTypeId: string;
  code: string;
  description: string;
  unit: string;
  /** Decimal quantity, canonical ("0", "1024", "2.5"). */
  included: string;
  rate: Money;
  per: AttributePer;
  /** null: the account type's G/L account applies (and then ledger.misc_sales_account). */
  glAccount: string | null;
  vatRate: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** A template for usage-billed accounts (seed 004 §2.4): a term fee (price versions) and usage attributes. */
export interface AccountType {
  id: string;
  code: string;
  name: string;
  description: string;
  frequency: AccountFrequency;
  termPeriods: number;
  glAccount: string | null;
  vatRate: string;
  archived: boolean;
  position: number;
  prices: PriceVersion[];
  attributes: AccountAttribute[];
  createdAt: string;
  updatedAt: string;
}

/**
 * What the billing run needs of any billable item, whatever its kind. termPeriods is 1 unless an
 * account type; products with frequency 'once' are a one-time charge at start.
 */
export interface CatalogItem {
  itemType: ItemType;
  id: string;
  code: string;
  name: string;
  frequency: TypeFrequency | ProductFrequency;
  termPeriods: number;
  trialDays: number;
  convertsToId: string | null;
  followsId: string | null;
  invoiced: boolean;
  specialPrice: boolean;
  glAccount: string | null;
  vatRate: string;
  archived: boolean;
  /** Oldest first. */
  prices: PriceVersion[];
  /** Account types only; [] otherwise. */
  attributes: AccountAttribute[];
}

export const catalogItemKey = (itemType: string, itemId: string): string => `${itemType}:${itemId}`;

export interface CampaignCode {
  id: string;
  code: string;
  description: string;
  kind: CampaignKind;
  percent: string | null;
  amount: Money | null;
  validFrom: string;
  validTo: string;
  maxUses: number | null;
  uses: number;
  /** Membership type ids the code is for; null = every type. */
  appliesTo: string[] | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

// ---- prices

/** The version in force on `date` (YYYY-MM-DD): the newest effective on or before it; null before the first. */
export const priceInForce = <P extends { effectiveFrom: string }>(prices: readonly P[], date: string): P | null => {
  let best: P | null = null;
  for (const p of prices) {
    if (p.effectiveFrom <= date && (!best || p.effectiveFrom > best.effectiveFrom)) best = p;
  }
  return best;
};

/**
 * Prices are append-only: a new version may not take effect before `today`, since invoices for
 * past periods used the price then in force; and one day has one price.
 */
export const assertNewPriceVersion = (existing: readonly { effectiveFrom: string }[], effectiveFrom: string, today: string): void => {
  assertDay(effectiveFrom, 'effectiveFrom', 'The effective date');
  if (existing.some((p) => p.effectiveFrom === effectiveFrom)) {
    throw validation(`There is already a price effective from ${effectiveFrom}. Prices cannot be changed once set; add a version with a later date.`, { field: 'effectiveFrom' });
  }
  if (existing.length > 0 && effectiveFrom < today) {
    throw validation(`A new price can take effect today (${today}) or later, not ${effectiveFrom}: past periods keep the price that was in force.`, { field: 'effectiveFrom' });
  }
};

export const assertAmount = (amount: Money, what = 'The price'): void => {
  if (amount.minor < 0n) throw validation(`${what} cannot be negative; use 0 for free.`, { field: 'amount' });
};

// ---- fields

export const assertDay = (day: string, field: string, label: string): void => {
  if (!isIsoDate(day)) throw validation(`${label} must be a date written YYYY-MM-DD, like 2026-03-01; got "${day}".`, { field });
};

export const assertName = (name: string): string => {
  const n = name.trim();
  if (!n) throw validation('Give it a name, such as "Ordinary member".', { field: 'name' });
  if (n.length > 100) throw validation('The name can be at most 100 characters.', { field: 'name' });
  return n;
};

export const assertDescription = (description: string | undefined): string => {
  const d = (description ?? '').trim();
  if (d.length > 1000) throw validation('The description can be at most 1000 characters.', { field: 'description' });
  return d;
};

const oneOf = <T extends string>(list: readonly T[], value: string, field: string, label: string): T => {
  if (!list.includes(value as T)) throw validation(`${label} must be one of: ${list.join(', ')}; got "${value}".`, { field });
  return value as T;
};
export const assertTypeFrequency = (v: string) => oneOf(TYPE_FREQUENCIES, v, 'frequency', 'The frequency');
export const assertProductFrequency = (v: string) => oneOf(PRODUCT_FREQUENCIES, v, 'frequency', 'The frequency');
export const assertProductKind = (v: string) => oneOf(PRODUCT_KINDS, v, 'kind', 'The kind');
export const assertCampaignKind = (v: string) => oneOf(CAMPAIGN_KINDS, v, 'kind', 'The kind');
export const assertAccountFrequency = (v: string) => oneOf(ACCOUNT_FREQUENCIES, v, 'frequency', 'The period of an account type');
export const assertAttributePer = (v: string) => oneOf(ATTRIBUTE_PER, v, 'per', 'What the included quantity is counted per');

/** Periods per term of an account type: a whole number from 1 to 120 (a term of 3 monthly periods…). */
export const assertTermPeriods = (n: number): number => {
  if (!Number.isInteger(n) || n < 1 || n > 120) throw validation(`Periods per term must be a whole number from 1 to 120; got ${n}.`, { field: 'termPeriods' });
  return n;
};

/** Account type codes follow product codes: 1–20 letters, digits, - and _ (WEB-S, VPS2). */
export const normalizeAccountTypeCode = (code: string): string => {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,19}$/.test(c)) {
    throw validation(`The code "${code}" is not usable: use 1–20 letters, digits, - and _, like WEB-S or VPS2.`, { field: 'code' });
  }
  return c;
};

/** Attribute codes are what usage records and CSV files name: 1–30 letters, digits and _, kept lower-case (disk_mb). */
export const normalizeAttributeCode = (code: string): string => {
  const c = code.trim().toLowerCase();
  if (!/^[a-z][a-z0-9_]{0,29}$/.test(c)) {
    throw validation(`The attribute code "${code}" is not usable: use 1–30 letters, digits and _, starting with a letter, like disk_mb.`, { field: 'code' });
  }
  return c;
};

/** A decimal quantity of at least 0 with up to 6 decimals ("1024", "2.5"), stored canonical. */
export const normalizeQuantity = (raw: string, field: string, label: string): string => {
  const m = /^(\d{1,12})(?:[.,](\d{1,6}))?$/.exec(raw.trim());
  if (!m) throw validation(`${label} must be a number of at least 0 with at most 6 decimals, like 1024 or 2.5; got "${raw}".`, { field });
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
};

export const assertUnit = (unit: string | undefined): string => {
  const u = (unit ?? '').trim();
  if (u.length > 20) throw validation('The unit can be at most 20 characters, like MB or hours.', { field: 'unit' });
  return u;
};

export const assertAttributeDescription = (description: string): string => {
  const d = description.trim();
  if (!d) throw validation('Describe the attribute as it should read on an invoice, like "Disk space".', { field: 'description' });
  if (d.length > 200) throw validation('The attribute description can be at most 200 characters.', { field: 'description' });
  return d;
};

/** Membership type codes: 2–10 letters and digits, starting with a letter, kept upper-case (ORD, FM1). */
export const normalizeTypeCode = (code: string): string => {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9]{1,9}$/.test(c)) {
    throw validation(`The code "${code}" is not usable: use 2–10 letters and digits, starting with a letter, like ORD or FM1.`, { field: 'code' });
  }
  return c;
};

/** Product codes: 1–20 letters, digits, - and _, kept upper-case (PPP, DISK-1G). */
export const normalizeProductCode = (code: string): string => {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,19}$/.test(c)) {
    throw validation(`The code "${code}" is not usable: use 1–20 letters, digits, - and _, like PPP or DISK-1G.`, { field: 'code' });
  }
  return c;
};

/** Campaign codes are typed by members: 3–30 letters, digits, - and _, matched without regard to case. */
export const normalizeCampaignCode = (code: string): string => {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{2,29}$/.test(c)) {
    throw validation(`The campaign code "${code}" is not usable: use 3–30 letters, digits, - and _, like SPRING26.`, { field: 'code' });
  }
  return c;
};

export const assertTrialDays = (days: number): void => {
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw validation('Trial days must be a whole number from 0 to 3650.', { field: 'trialDays' });
};

/** A G/L account is written NNNNN-NNNN (like 30000-0000); null means the miscellaneous sales account. */
export const assertGlAccount = (account: string | null): string | null => {
  if (account === null) return null;
  const a = account.trim();
  if (a === '') return null;
  if (!/^\d{5}-\d{4}$/.test(a)) throw validation(`The G/L account "${account}" must be written NNNNN-NNNN, like 30000-0000.`, { field: 'glAccount' });
  return a;
};

/** The account a product's sales go to. */
export const productGlAccount = (product: Pick<Product, 'glAccount'>, miscSalesAccount: string): string => product.glAccount ?? miscSalesAccount;

/** A decimal percent from 0 to 100 ("25", "12.5", "0"), stored canonical (no trailing zeros). */
export const normalizePercent = (raw: string, field: string, label: string, opts: { zero: boolean }): string => {
  const m = /^(\d{1,3})(?:[.,](\d{1,4}))?$/.exec(raw.trim());
  const bad = () => validation(`${label} must be a percent from ${opts.zero ? '0' : 'above 0'} to 100 with at most 4 decimals, like 25 or 12.5; got "${raw}".`, { field });
  if (!m) throw bad();
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : int;
  const n = Number(text);
  if (n > 100 || (!opts.zero && n === 0)) throw bad();
  return text;
};
export const normalizeVatRate = (raw: string) => normalizePercent(raw, 'vatRate', 'The VAT rate', { zero: true });

/** The share left after `percent` off, as a decimal factor: "12.5" → "0.875". Exact. */
export const remainingFactor = (percent: string): string => {
  const [int, frac = ''] = percent.split('.');
  const scale = 10n ** BigInt(frac.length);
  const rest = 100n * scale - BigInt(int! + frac); // in units of 1/(100·scale)
  const digits = frac.length + 2;
  const s = rest.toString().padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
};

// ---- campaign codes

export type CampaignCheck =
  | { valid: true; price: Money; regularPrice: Money }
  | { valid: false; reason: string; regularPrice: Money | null };

/**
 * Whether `campaign` gives a discount on membership type `typeId` on `date`, and the first-period
 * price it gives. Renewals are at the ordinary price; this is about the first period only.
 */
export const applyCampaign = (
  campaign: CampaignCode,
  type: { id: string; code: string; price: Money | null },
  date: string,
): CampaignCheck => {
  const regularPrice = type.price;
  const no = (reason: string): CampaignCheck => ({ valid: false, reason, regularPrice });
  if (campaign.archived) return no(`The campaign code ${campaign.code} is no longer in use.`);
  if (date < campaign.validFrom) return no(`The campaign code ${campaign.code} is valid from ${campaign.validFrom}.`);
  if (date > campaign.validTo) return no(`The campaign code ${campaign.code} expired on ${campaign.validTo}.`);
  if (campaign.maxUses !== null && campaign.uses >= campaign.maxUses) return no(`The campaign code ${campaign.code} has been used the most times allowed (${campaign.maxUses}).`);
  if (campaign.appliesTo !== null && !campaign.appliesTo.includes(type.id)) return no(`The campaign code ${campaign.code} does not apply to membership type ${type.code}.`);
  if (!regularPrice) return no(`Membership type ${type.code} has no price on ${date}.`);
  if (campaign.kind === 'percent') {
    return { valid: true, price: multiply(regularPrice, remainingFactor(campaign.percent ?? '0')), regularPrice };
  }
  const fixed = campaign.amount!;
  if (fixed.currency !== regularPrice.currency) return no(`The campaign code ${campaign.code} is in ${fixed.currency}, but ${type.code} is priced in ${regularPrice.currency}.`);
  return { valid: true, price: fixed, regularPrice };
};

/** Checks a campaign code's own fields (after they are merged with the stored ones). */
export const assertCampaignFields = (c: Pick<CampaignCode, 'kind' | 'percent' | 'amount' | 'validFrom' | 'validTo' | 'maxUses' | 'uses'>): void => {
  assertDay(c.validFrom, 'validFrom', 'The first valid day');
  assertDay(c.validTo, 'validTo', 'The last valid day');
  if (c.validTo < c.validFrom) throw validation(`The last valid day (${c.validTo}) is before the first (${c.validFrom}).`, { field: 'validTo' });
  if (c.kind === 'percent') {
    if (c.percent === null) throw validation('A percent campaign needs the percent off, like 50.', { field: 'percent' });
    if (c.amount !== null) throw validation('A percent campaign has no fixed amount; leave out amount or choose kind fixed_price.', { field: 'amount' });
  } else {
    if (c.amount === null) throw validation('A fixed-price campaign needs the first-period price (amount), like 100.00.', { field: 'amount' });
    if (c.percent !== null) throw validation('A fixed-price campaign has no percent; leave out percent or choose kind percent.', { field: 'percent' });
    assertAmount(c.amount, 'The campaign price');
  }
  if (c.maxUses !== null && (!Number.isInteger(c.maxUses) || c.maxUses < 1)) throw validation('The use limit must be a whole number of at least 1, or empty for no limit.', { field: 'maxUses' });
  if (c.maxUses !== null && c.maxUses < c.uses) throw validation(`The code has been used ${c.uses} times already; the limit cannot be lower than that.`, { field: 'maxUses' });
};

/** Money as the API shows it. */
export const moneyOut = (m: Money) => ({ amount: toDecimalString(m), currency: m.currency });
