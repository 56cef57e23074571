import { validation } from '../../kernel/app-error.ts';
import { divRound } from '../../kernel/money.ts';

/**
 * VAT (pure). Catalog prices are net of VAT; each line's VAT is rounded on its own, half away
 * from zero to the minor unit, and an invoice's VAT is the sum of its lines' (so a credit note
 * reversing a line reverses exactly its VAT). Rates are decimal percent strings: "25", "12.5", "0".
 */

interface Rate {
  /** The rate × 10^scale, as an integer. */
  units: bigint;
  scale: bigint;
}

const rateCache = new Map<string, Rate>();

/** Parses a decimal percent from 0 to 100 with at most 4 decimals; throws a validation error otherwise. */
const parseRate = (rate: string): Rate => {
  let r = rateCache.get(rate);
  if (r) return r;
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(rate);
  if (!m || Number(rate) > 100) throw validation(`The VAT rate must be a percent from 0 to 100 with at most 4 decimals, like 25 or 12.5; got "${rate}".`, { field: 'vatRate' });
  const frac = m[2] ?? '';
  r = { units: BigInt(m[1]! + frac), scale: 10n ** BigInt(frac.length) };
  if (rateCache.size < 1000) rateCache.set(rate, r);
  return r;
};

/** Whether `rate` is a usable VAT rate string. */
export const isVatRate = (rate: string): boolean => {
  try {
    parseRate(rate);
    return true;
  } catch {
    return false;
  }
};

/** The canonical form of a rate: "25.00" → "25", "012.50" → "12.5". */
export const canonicalRate = (rate: string): string => {
  parseRate(rate);
  const [int, frac = ''] = rate.split('.');
  const i = int!.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
};

/** VAT on a net amount in minor units: round-half-away(net × rate / 100). Negative nets give negative VAT. */
export const lineVat = (netMinor: bigint, rate: string): bigint => {
  const r = parseRate(rate);
  if (r.units === 0n) return 0n;
  return divRound(netMinor * r.units, 100n * r.scale);
};

export interface VatLine {
  netMinor: bigint;
  vatRate: string;
  vatMinor: bigint;
}

export interface VatByRate {
  rate: string;
  netMinor: bigint;
  vatMinor: bigint;
}

/** Net and VAT summed per rate (canonical), highest rate first. */
export const vatByRate = (lines: readonly VatLine[]): VatByRate[] => {
  const by = new Map<string, VatByRate>();
  for (const l of lines) {
    const rate = canonicalRate(l.vatRate);
    const t = by.get(rate) ?? { rate, netMinor: 0n, vatMinor: 0n };
    t.netMinor += l.netMinor;
    t.vatMinor += l.vatMinor;
    by.set(rate, t);
  }
  return [...by.values()].sort((a, b) => Number(b.rate) - Number(a.rate));
};

/** The totals of an invoice from its lines. */
export const invoiceTotals = (lines: readonly VatLine[]): { netMinor: bigint; vatMinor: bigint; totalMinor: bigint } => {
  let netMinor = 0n;
  let vatMinor = 0n;
  for (const l of lines) {
    netMinor += l.netMinor;
    vatMinor += l.vatMinor;
  }
  return { netMinor, vatMinor, totalMinor: netMinor + vatMinor };
};
