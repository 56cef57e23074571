import { useMemo } from 'react';
import { useOrganization } from './session.ts';

/**
 * Dates, times and money shown the organization's way (its locale, time zone and currency),
 * whatever language the screen is in: nb-NO shows "21.11.2026" and "1 234,50 kr".
 */
export interface Format {
  locale: string;
  /** A calendar day (YYYY-MM-DD) or an instant (ISO timestamp) as a date. */
  date: (value: string | null | undefined) => string;
  /** An instant as date and time in the organization's time zone. */
  dateTime: (value: string | null | undefined) => string;
  /** Minor units (øre, cents) as money; exact for any size. */
  money: (minor: bigint | number | string, currency?: string) => string;
  /** An exact decimal string in major units ("1234.50"), as settings hold money. */
  moneyText: (decimal: string, currency?: string) => string;
  number: (n: number) => string;
  bytes: (n: number) => string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const safeFormatter = <T,>(make: () => T, fallback: () => T): T => {
  try {
    return make();
  } catch {
    // An unknown locale, time zone or currency in the settings must not break every page.
    return fallback();
  }
};

/** bigint minor units → exact decimal string ("123450", 2 → "1234.50") for Intl to format without floats. */
const decimalOf = (minor: bigint, digits: number): string => {
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = digits ? abs.slice(0, -digits) : abs;
  const frac = digits ? abs.slice(-digits) : '';
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
};

export const makeFormat = (locale: string, timeZone: string, currency: string): Format => {
  const dayFmt = safeFormatter(
    () => new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
    () => new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
  );
  const instantDayFmt = safeFormatter(
    () => new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone }),
    () => new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric' }),
  );
  const dateTimeFmt = safeFormatter(
    () => new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }),
    () => new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
  );
  const numberFmt = safeFormatter(() => new Intl.NumberFormat(locale), () => new Intl.NumberFormat('en-GB'));
  const moneyFmts = new Map<string, Intl.NumberFormat>();
  const moneyFmt = (code: string) => {
    let f = moneyFmts.get(code);
    if (!f) {
      f = safeFormatter(
        () => new Intl.NumberFormat(locale, { style: 'currency', currency: code }),
        () => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
      );
      moneyFmts.set(code, f);
    }
    return f;
  };
  const asDate = (value: string) => {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  return {
    locale,
    date: (value) => {
      if (!value) return '—';
      if (DAY.test(value)) {
        const d = asDate(`${value}T00:00:00Z`);
        return d ? dayFmt.format(d) : value;
      }
      const d = asDate(value);
      return d ? instantDayFmt.format(d) : value;
    },
    dateTime: (value) => {
      if (!value) return '—';
      const d = asDate(value);
      return d ? dateTimeFmt.format(d) : value;
    },
    money: (minor, code = currency) => {
      const f = moneyFmt(code);
      const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
      const asBig = typeof minor === 'bigint' ? minor : BigInt(typeof minor === 'number' ? Math.trunc(minor) : minor);
      return f.format(decimalOf(asBig, digits) as Intl.StringNumericLiteral);
    },
    moneyText: (decimal, code = currency) =>
      /^-?\d+(\.\d+)?$/.test(decimal) ? moneyFmt(code).format(decimal as Intl.StringNumericLiteral) : decimal,
    number: (n) => numberFmt.format(n),
    bytes: (n) => (n < 1024 ? `${numberFmt.format(n)} B` : n < 1024 * 1024 ? `${numberFmt.format(Math.round(n / 102.4) / 10)} kB` : `${numberFmt.format(Math.round(n / 104857.6) / 10)} MB`),
  };
};

export const useFormat = (): Format => {
  const org = useOrganization();
  return useMemo(() => makeFormat(org.locale, org.timeZone, org.currency), [org.locale, org.timeZone, org.currency]);
};
