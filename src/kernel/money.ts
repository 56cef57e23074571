import { validation } from './app-error.ts';

/** Money is an exact count of minor units (øre, cents) in one ISO 4217 currency. No floats. */
export interface Money {
  readonly minor: bigint;
  readonly currency: string;
}

const digitsCache = new Map<string, number>();

export const isCurrencyCode = (code: string): boolean => {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
};

/** Minor-unit digits of a currency (NOK 2, JPY 0, KWD 3), from the platform's ISO data. */
export const currencyDigits = (currency: string): number => {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    if (!isCurrencyCode(currency)) throw validation(`"${currency}" is not an ISO 4217 currency code.`);
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
};

export const money = (minor: bigint | number, currency: string): Money => {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw validation('An amount in minor units must be a whole number.');
  }
  currencyDigits(currency);
  return { minor: BigInt(minor), currency };
};

const sameCurrency = (a: Money, b: Money) => {
  if (a.currency !== b.currency) throw validation(`Cannot combine ${a.currency} with ${b.currency}.`);
};

export const add = (a: Money, b: Money): Money => (sameCurrency(a, b), { minor: a.minor + b.minor, currency: a.currency });
export const subtract = (a: Money, b: Money): Money => (sameCurrency(a, b), { minor: a.minor - b.minor, currency: a.currency });
export const negate = (a: Money): Money => ({ minor: -a.minor, currency: a.currency });
export const isZero = (a: Money): boolean => a.minor === 0n;
export const sum = (items: Money[], currency: string): Money =>
  items.reduce((acc, m) => add(acc, m), money(0n, currency));

/**
 * Multiply by a rational factor given as a decimal string (a quantity or a rate such as "1.5" or "0.25"),
 * rounding half away from zero to the minor unit.
 */
export const multiply = (a: Money, factor: string): Money => {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(factor.trim());
  if (!m) throw validation(`"${factor}" is not a decimal number.`);
  const frac = m[3] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const num = BigInt((m[2] ?? '0') + frac) * (m[1] ? -1n : 1n);
  return { minor: divRound(a.minor * num, scale), currency: a.currency };
};

/** Integer division rounding half away from zero. */
export const divRound = (n: bigint, d: bigint): bigint => {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const dd = d < 0n ? -d : d;
  if (twice >= dd) return q + ((n < 0n) !== (d < 0n) ? -1n : 1n);
  return q;
};

/** "1234.5" or "1234,50" in major units → Money. Refuses more decimals than the currency has. */
export const parseMoney = (text: string, currency: string): Money => {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const m = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(cleaned);
  if (!m) throw validation(`"${text}" is not an amount. Write it like 1234.50.`);
  const frac = m[3] ?? '';
  if (frac.length > digits) throw validation(`${currency} amounts have at most ${digits} decimals; "${text}" has ${frac.length}.`);
  const minor = BigInt((m[2] ?? '0') + frac.padEnd(digits, '0')) * (m[1] ? -1n : 1n);
  return { minor, currency };
};

/** Plain decimal string in major units ("1234.50"), for storage, CSV and APIs. */
export const toDecimalString = (a: Money): string => {
  const digits = currencyDigits(a.currency);
  const neg = a.minor < 0n;
  const abs = (neg ? -a.minor : a.minor).toString().padStart(digits + 1, '0');
  const whole = digits ? abs.slice(0, -digits) : abs;
  const frac = digits ? '.' + abs.slice(-digits) : '';
  return (neg ? '-' : '') + whole + frac;
};

/** Localized display, e.g. "1 234,50 kr" in nb-NO or "NOK 1,234.50" in en. Exact: formats the decimal string. */
export const formatMoney = (a: Money, locale: string): string => {
  const digits = currencyDigits(a.currency);
  const nf = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: a.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl formats a numeric string exactly (no float conversion), so large amounts stay right.
  return nf.format(toDecimalString(a) as unknown as number);
};
