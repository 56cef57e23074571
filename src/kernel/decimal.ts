import { validation } from './app-error.ts';

/**
 * Exact decimal quantities (usage, included amounts): decimal strings in and out, bigint inside,
 * so no sum ever drifts the way binary floating point does.
 */
export interface Dec {
  units: bigint;
  scale: number;
}

export const parseDec = (text: string): Dec => {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw validation(`"${text}" is not a decimal number.`);
  const frac = m[3] ?? '';
  return { units: BigInt((m[2] ?? '0') + frac) * (m[1] ? -1n : 1n), scale: frac.length };
};

/** The decimal string of `units` / 10^scale, keeping every decimal of the scale ("2.50"). */
export const formatDec = ({ units, scale }: Dec): string => {
  const neg = units < 0n;
  const abs = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs;
  return (neg ? '-' : '') + text;
};

/** Both numbers' units at their common (larger) scale. */
const aligned = (x: string, y: string): { a: bigint; b: bigint; scale: number } => {
  const a = parseDec(x);
  const b = parseDec(y);
  const scale = Math.max(a.scale, b.scale);
  return { a: a.units * 10n ** BigInt(scale - a.scale), b: b.units * 10n ** BigInt(scale - b.scale), scale };
};

/** a + b, exact, as a decimal string. */
export const addQuantities = (x: string, y: string): string => {
  const { a, b, scale } = aligned(x, y);
  return formatDec({ units: a + b, scale });
};

/** max(0, used − included), exact, as a decimal string. */
export const excessQuantity = (used: string, included: string): string => {
  const { a, b, scale } = aligned(used, included);
  const diff = a - b;
  return diff > 0n ? formatDec({ units: diff, scale }) : '0';
};

/** A decimal string without trailing fraction zeros: "2.500" → "2.5", "3.0" → "3", "10" stays. */
export const trimDecimal = (text: string): string => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
