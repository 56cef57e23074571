import { z } from 'zod';
import { toDecimalString, type Money } from '../kernel/money.ts';

/** Schema pieces every route module shares. */

/** A calendar day in a body or query. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Write the date as YYYY-MM-DD, like 2026-03-01.');

/** Money out: the decimal amount in major units, the currency, and the exact minor units as a string. */
export const moneySchema = z.object({
  amount: z.string().describe('Decimal in major units, like "450.00" (negative on credit notes)'),
  currency: z.string(),
  minor: z.string().describe('Exact amount in minor units (øre, cents), as a decimal integer string'),
});

export const moneyOut = (m: Money) => ({ amount: toDecimalString(m), currency: m.currency, minor: m.minor.toString() });
