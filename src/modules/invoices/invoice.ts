import { validation, AppError } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { divRound, multiply, parseMoney, type Money } from '../../kernel/money.ts';
import type { Actor } from '../audit/index.ts';
import type { Database } from '../../db/database.ts';
import { canonicalRate, isVatRate, lineVat } from './vat.ts';

/**
 * Invoices and credit notes: the types and the pure rules (manual lines, credit quantities).
 * An issued invoice is never changed but for its status (issued → void here; → paid in issue 6);
 * corrections are credit notes in the same number series.
 */
export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_ORIGINS = ['run', 'cycle', 'manual', 'credit'] as const;
export type InvoiceOrigin = (typeof INVOICE_ORIGINS)[number];
export const LINE_SOURCES = ['subscription', 'usage', 'recurring', 'charge', 'manual', 'credit'] as const;
export type LineSource = (typeof LINE_SOURCES)[number];
/** The number series invoices and credit notes share. */
export const INVOICE_SEQUENCE = 'invoice';
export const MAX_LINES = 500;

export interface InvoiceDeps {
  db: Database;
  clock: Clock;
}
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

/** A line to write on a new invoice (the billing run's and the use cases' common input). */
export interface NewLine {
  /** Unique over all invoices: the same charge is never billed twice. Null for manual and credit lines. */
  chargeKey: string | null;
  source: LineSource | string;
  subscriptionId: string | null;
  itemType: string | null;
  itemId: string | null;
  description: string;
  /** Decimal string ("1", "2.5", "-1" on a credit note). */
  quantity: string;
  unitPriceMinor: bigint;
  netMinor: bigint;
  /** Decimal percent ("25", "12.5", "0"). */
  vatRate: string;
  periodStart: string | null;
  periodEnd: string | null;
  glAccount: string;
}

export interface NewInvoice {
  payerId: string;
  currency: string;
  lines: NewLine[];
}

export interface InvoiceLine {
  id: string;
  position: number;
  chargeKey: string | null;
  source: string;
  subscriptionId: string | null;
  itemType: string | null;
  itemId: string | null;
  description: string;
  quantity: string;
  unitPrice: Money;
  net: Money;
  vatRate: string;
  vat: Money;
  total: Money;
  periodStart: string | null;
  periodEnd: string | null;
  glAccount: string;
  /** On a credit note: the invoice line it reverses. */
  creditsLineId: string | null;
  /** On an invoice: how much of the quantity credit notes have reversed so far (positive, decimal). */
  creditedQuantity: string;
}

export interface InvoiceSummary {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  number: number | null;
  payerId: string;
  /** Frozen at issue; a draft shows the payer's current name. */
  payerName: string;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  net: Money;
  vat: Money;
  total: Money;
  paid: Money;
  /** What issued credit notes have taken off this invoice (positive). */
  credited: Money;
  /** What the payer still owes: total − paid − credited for an issued or paid invoice; 0 otherwise. */
  open: Money;
  paymentReference: string | null;
  creditsInvoiceId: string | null;
  billingRunId: string | null;
  origin: InvoiceOrigin;
  note: string | null;
  voidReason: string | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  issuedAt: string | null;
  voidedAt: string | null;
}

export interface CreditNoteRef {
  id: string;
  number: number | null;
  issueDate: string | null;
  total: Money;
  note: string | null;
}

export interface Invoice extends InvoiceSummary {
  payerAddress: string[];
  payerEmail: string | null;
  payerMemberNumber: number | null;
  delivery: string;
  lines: InvoiceLine[];
  vatByRate: { rate: string; net: Money; vat: Money }[];
  /** Credit notes of this invoice (issued), oldest first. */
  creditNotes: CreditNoteRef[];
}

// ---- exact decimals (quantities)

export interface Dec {
  units: bigint;
  scale: number;
}

export const parseDec = (text: string): Dec | null => {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  return { units: BigInt(m[2]! + frac) * (m[1] ? -1n : 1n), scale: frac.length };
};

const mustDec = (text: string): Dec => {
  const d = parseDec(text);
  if (!d) throw validation(`"${text}" is not a decimal number.`);
  return d;
};

const align = (a: Dec, b: Dec): [bigint, bigint, number] => {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
};

export const formatDec = ({ units, scale }: Dec): string => {
  const neg = units < 0n;
  let abs = (neg ? -units : units).toString().padStart(scale + 1, '0');
  if (scale) {
    abs = `${abs.slice(0, -scale)}.${abs.slice(-scale)}`.replace(/\.?0+$/, '');
  }
  return (neg && abs !== '0' ? '-' : '') + abs;
};

export const addDec = (a: string, b: string): string => {
  const [x, y, scale] = align(mustDec(a), mustDec(b));
  return formatDec({ units: x + y, scale });
};
export const negDec = (a: string): string => {
  const d = mustDec(a);
  return formatDec({ units: -d.units, scale: d.scale });
};
export const absDec = (a: string): string => (a.startsWith('-') ? a.slice(1) : a);
export const compareDec = (a: string, b: string): number => {
  const [x, y] = align(mustDec(a), mustDec(b));
  return x < y ? -1 : x > y ? 1 : 0;
};
export const isZeroDec = (a: string): boolean => mustDec(a).units === 0n;

/** round-half-away(amount × part / whole), for a share of a line: part and whole are decimal strings, whole ≠ 0. */
export const shareOf = (amount: bigint, part: string, whole: string): bigint => {
  const [p, w] = align(mustDec(part), mustDec(whole));
  return divRound(amount * p, w);
};

// ---- manual lines

export interface ManualLineInput {
  description: string;
  /** Decimal, default "1"; negative for a discount line. */
  quantity?: string;
  /** Major units of the invoice currency, like "450.00"; negative for a discount. */
  unitPrice: string;
  /** Decimal percent; default the setting general.vat_rate. */
  vatRate?: string;
  /** NNNNN-NNNN; default the setting ledger.misc_sales_account. */
  glAccount?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

export interface CheckedLine extends NewLine {
  vatMinor: bigint;
}

/**
 * Checks manual lines and prices them (net = unit price × quantity, VAT per line). Every problem
 * is reported in one 400 with the field (`lines.2.unitPrice`).
 */
export const checkManualLines = (
  lines: readonly ManualLineInput[],
  currency: string,
  defaults: { vatRate: string; glAccount: string },
): CheckedLine[] => {
  if (lines.length === 0) throw validation('Add at least one line to the invoice.', { field: 'lines' });
  if (lines.length > MAX_LINES) throw validation(`An invoice can have at most ${MAX_LINES} lines; this one has ${lines.length}.`, { field: 'lines' });
  const problems: { field: string; message: string }[] = [];
  const out: CheckedLine[] = [];
  lines.forEach((l, i) => {
    const f = (name: string) => `lines.${i}.${name}`;
    const bad = (name: string, message: string) => problems.push({ field: f(name), message: `Line ${i + 1}: ${message}` });
    const description = (l.description ?? '').trim();
    if (!description) bad('description', 'give a description, such as "Extra course day".');
    else if (description.length > 500) bad('description', 'the description can be at most 500 characters.');
    const quantity = (l.quantity ?? '1').trim().replace(',', '.');
    const q = parseDec(quantity);
    if (!q || q.scale > 4) bad('quantity', `the quantity must be a number with at most 4 decimals, like 1 or 2.5; got "${l.quantity}".`);
    else if (q.units === 0n) bad('quantity', 'the quantity cannot be 0; remove the line instead.');
    let unitPrice: Money | null = null;
    try {
      unitPrice = parseMoney(l.unitPrice, currency);
    } catch (e) {
      bad('unitPrice', (e as Error).message);
    }
    const rate = (l.vatRate ?? defaults.vatRate).trim().replace(',', '.');
    if (!isVatRate(rate)) bad('vatRate', `the VAT rate must be a percent from 0 to 100, like 25 or 12.5; got "${l.vatRate}".`);
    const gl = l.glAccount === undefined || l.glAccount === null || l.glAccount.trim() === '' ? defaults.glAccount : l.glAccount.trim();
    if (!/^\d{5}-\d{4}$/.test(gl)) bad('glAccount', `the G/L account must be written NNNNN-NNNN, like 30000-0000; got "${l.glAccount}".`);
    for (const k of ['periodStart', 'periodEnd'] as const) {
      const v = l[k];
      if (v !== undefined && v !== null && !isIsoDate(v)) bad(k, `write the date as YYYY-MM-DD, like 2026-03-01; got "${v}".`);
    }
    if (l.periodStart && l.periodEnd && isIsoDate(l.periodStart) && isIsoDate(l.periodEnd) && l.periodEnd < l.periodStart) {
      bad('periodEnd', 'the period cannot end before it starts.');
    }
    if (!q || !unitPrice || !isVatRate(rate) || problems.length) return;
    const netMinor = multiply(unitPrice, formatDec(q)).minor;
    const vatRate = canonicalRate(rate);
    out.push({
      chargeKey: null,
      source: 'manual',
      subscriptionId: null,
      itemType: null,
      itemId: null,
      description,
      quantity: formatDec(q),
      unitPriceMinor: unitPrice.minor,
      netMinor,
      vatRate,
      vatMinor: lineVat(netMinor, vatRate),
      periodStart: l.periodStart ?? null,
      periodEnd: l.periodEnd ?? null,
      glAccount: gl,
    });
  });
  if (problems.length) {
    throw new AppError('validation', problems.map((p) => p.message).join(' '), { field: problems[0]!.field, problems });
  }
  return out;
};

export const assertNotNegativeTotal = (totalMinor: bigint): void => {
  if (totalMinor < 0n) throw validation('An invoice cannot total less than zero. To give money back, issue a credit note for the invoice it corrects.', { field: 'lines' });
};

export const assertNote = (note: string | null | undefined): string | null => {
  const n = (note ?? '').trim();
  if (n.length > 2000) throw validation('The note can be at most 2000 characters.', { field: 'note' });
  return n || null;
};

export const assertReason = (reason: string | undefined, what: string): string => {
  const r = (reason ?? '').trim();
  if (!r) throw validation(`Give a reason ${what}; it is kept with the invoice and in the audit trail.`, { field: 'reason' });
  if (r.length > 500) throw validation('The reason can be at most 500 characters.', { field: 'reason' });
  return r;
};

// ---- credit notes

export interface CreditableLine {
  id: string;
  quantity: string;
  netMinor: bigint;
  vatMinor: bigint;
  vatRate: string;
  /** Already reversed by issued credit notes: quantity (positive), net and VAT (as they were on the original, positive direction). */
  creditedQuantity: string;
  creditedNetMinor: bigint;
  creditedVatMinor: bigint;
}

export interface CreditPick {
  lineId: string;
  /** Positive decimal; default all that is not yet credited. */
  quantity?: string;
}

export interface CreditAmount {
  lineId: string;
  /** Quantity on the credit note line (the original's sign reversed). */
  quantity: string;
  netMinor: bigint;
  vatMinor: bigint;
}

/**
 * What a credit note reverses of each picked line (all lines when `picks` is undefined). A line can
 * be credited in parts until its whole quantity is reversed; the part that finishes a line takes
 * exactly what is left of its net and VAT, so the credits of a line always add up to the line.
 */
export const creditAmounts = (lines: readonly CreditableLine[], picks: readonly CreditPick[] | undefined): CreditAmount[] => {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const chosen: { line: CreditableLine; quantity?: string; field: string }[] = [];
  if (picks === undefined) {
    for (const line of lines) chosen.push({ line, field: 'lines' });
  } else {
    if (picks.length === 0) throw validation('Choose at least one line to credit, or leave "lines" out to credit the whole invoice.', { field: 'lines' });
    const seen = new Set<string>();
    picks.forEach((p, i) => {
      const line = byId.get(p.lineId);
      if (!line) throw validation(`Line ${i + 1}: there is no line ${p.lineId} on this invoice.`, { field: `lines.${i}.lineId` });
      if (seen.has(p.lineId)) throw validation(`Line ${i + 1}: line ${p.lineId} is chosen twice; give its quantity once.`, { field: `lines.${i}.lineId` });
      seen.add(p.lineId);
      chosen.push({ line, quantity: p.quantity, field: `lines.${i}.quantity` });
    });
  }
  const out: CreditAmount[] = [];
  for (const { line, quantity, field } of chosen) {
    const whole = absDec(line.quantity);
    const left = addDec(whole, negDec(line.creditedQuantity));
    const leftNet = line.netMinor - line.creditedNetMinor;
    const leftVat = line.vatMinor - line.creditedVatMinor;
    if (quantity === undefined) {
      // Whole line (what is left of it).
      if (isZeroDec(whole) ? leftNet === 0n && leftVat === 0n : compareDec(left, '0') <= 0) {
        if (picks !== undefined) throw validation(`Line ${line.id} has already been credited in full.`, { field });
        continue;
      }
      out.push({ lineId: line.id, quantity: negDec(signed(line.quantity, left)), netMinor: -leftNet, vatMinor: -leftVat });
      continue;
    }
    const q = parseDec(quantity.trim().replace(',', '.'));
    if (!q || q.units <= 0n || q.scale > 6) throw validation(`The quantity to credit must be a positive number, like 1 or 0.5; got "${quantity}".`, { field });
    const qs = formatDec(q);
    const cmp = compareDec(qs, left);
    if (cmp > 0) throw validation(`Only ${left} of line ${line.id} is left to credit (of ${whole}); ${qs} is too much.`, { field });
    if (cmp === 0) {
      out.push({ lineId: line.id, quantity: negDec(signed(line.quantity, qs)), netMinor: -leftNet, vatMinor: -leftVat });
    } else {
      const net = shareOf(line.netMinor, qs, whole);
      out.push({ lineId: line.id, quantity: negDec(signed(line.quantity, qs)), netMinor: -net, vatMinor: -lineVat(net, line.vatRate) });
    }
  }
  if (out.length === 0) throw new AppError('conflict', 'Everything on this invoice has already been credited; there is nothing left to credit.');
  return out;
};

/** `abs` with the sign of `like`. */
const signed = (like: string, abs: string): string => (like.trim().startsWith('-') ? negDec(abs) : abs);
