import { AppError, validation } from '../../kernel/app-error.ts';
import { money, toDecimalString } from '../../kernel/money.ts';

/**
 * Where money goes (pure, no I/O). A receipt is put on the payer's open invoices, oldest first by
 * default — by due date, then by number — or on the invoices and amounts the person recording it
 * chose; what is left becomes the payer's customer credit. Customer credit is put on open invoices
 * the same way when new invoices are issued.
 */

/** An invoice that still has something open, as the allocation rules see it. */
export interface OpenItem {
  invoiceId: string;
  number: number | null;
  dueDate: string | null;
  /** total − paid − credited, in minor units; > 0 for an invoice that can take money. */
  openMinor: bigint;
}

export interface PlannedAllocation {
  invoiceId: string;
  amountMinor: bigint;
}

export interface AllocationPlan {
  allocations: PlannedAllocation[];
  /** What is left of the amount (to customer credit, or credit left unapplied). */
  restMinor: bigint;
}

export interface ChosenAllocation {
  invoiceId: string;
  amountMinor: bigint;
}

/** Oldest first: due date (none last), then number (none last), then id, so the order is total. */
export const compareOldestFirst = (a: OpenItem, b: OpenItem): number => {
  if (a.dueDate !== b.dueDate) {
    if (a.dueDate === null) return 1;
    if (b.dueDate === null) return -1;
    return a.dueDate < b.dueDate ? -1 : 1;
  }
  if (a.number !== b.number) {
    if (a.number === null) return 1;
    if (b.number === null) return -1;
    return a.number - b.number;
  }
  return a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0;
};

export const sortOldestFirst = <T extends OpenItem>(items: readonly T[]): T[] => [...items].sort(compareOldestFirst);

/**
 * Puts `amountMinor` on the open items, oldest first, each up to what is open on it. Items with
 * nothing open are skipped. A partial payment leaves the rest of the last invoice it reaches open.
 */
export const allocateOldestFirst = (items: readonly OpenItem[], amountMinor: bigint): AllocationPlan => {
  if (amountMinor < 0n) throw new RangeError('allocateOldestFirst: the amount cannot be negative');
  const allocations: PlannedAllocation[] = [];
  let rest = amountMinor;
  for (const item of sortOldestFirst(items)) {
    if (rest === 0n) break;
    if (item.openMinor <= 0n) continue;
    const take = item.openMinor < rest ? item.openMinor : rest;
    allocations.push({ invoiceId: item.invoiceId, amountMinor: take });
    rest -= take;
  }
  return { allocations, restMinor: rest };
};

/**
 * Checks the chosen allocations against the open items and the amount: every invoice open and
 * named once, every amount more than zero and at most what is open on it, all of them together
 * at most the amount. Problems name the field (`allocations.1.amount`). The rest goes to credit.
 */
export const allocateChosen = (
  items: readonly OpenItem[],
  chosen: readonly ChosenAllocation[],
  amountMinor: bigint,
  opts: { currency: string; describe?: (invoiceId: string) => string },
): AllocationPlan => {
  const describe = opts.describe ?? ((id: string) => `invoice ${id}`);
  const formatMinor = (minor: bigint) => `${toDecimalString(money(minor, opts.currency))} ${opts.currency}`;
  const open = new Map(items.map((i) => [i.invoiceId, i]));
  const seen = new Set<string>();
  let sum = 0n;
  const allocations: PlannedAllocation[] = [];
  chosen.forEach((c, i) => {
    const item = open.get(c.invoiceId);
    if (seen.has(c.invoiceId)) throw validation(`Allocation ${i + 1}: ${describe(c.invoiceId)} is chosen twice; give its amount once.`, { field: `allocations.${i}.invoiceId` });
    seen.add(c.invoiceId);
    if (!item || item.openMinor <= 0n) throw validation(`Allocation ${i + 1}: ${describe(c.invoiceId)} has nothing open for this payer.`, { field: `allocations.${i}.invoiceId` });
    if (c.amountMinor <= 0n) throw validation(`Allocation ${i + 1}: the amount must be more than zero.`, { field: `allocations.${i}.amount` });
    if (c.amountMinor > item.openMinor) {
      throw validation(`Allocation ${i + 1}: only ${formatMinor(item.openMinor)} is open on ${describe(c.invoiceId)}; ${formatMinor(c.amountMinor)} is too much.`, { field: `allocations.${i}.amount`, openMinor: item.openMinor.toString() });
    }
    sum += c.amountMinor;
    allocations.push({ invoiceId: c.invoiceId, amountMinor: c.amountMinor });
  });
  if (sum > amountMinor) {
    throw validation(`The allocations add up to ${formatMinor(sum)}, more than the payment of ${formatMinor(amountMinor)}.`, { field: 'allocations' });
  }
  return { allocations, restMinor: amountMinor - sum };
};

/** A contact's net 'credit' allocation on one invoice (what credit paid on it and still does). */
export interface CreditOnInvoice {
  invoiceId: string;
  netMinor: bigint;
  /** When credit was last put on it (newest is taken back first). */
  lastAt: string;
}

/**
 * Which credit allocations a reversal takes back when the credit a reversed receipt gave has
 * already been spent on invoices: newest first, until `neededMinor` is covered or nothing is left.
 */
export const creditToTakeBack = (credits: readonly CreditOnInvoice[], neededMinor: bigint): PlannedAllocation[] => {
  const out: PlannedAllocation[] = [];
  let need = neededMinor;
  const newestFirst = [...credits].filter((c) => c.netMinor > 0n).sort((a, b) => (a.lastAt === b.lastAt ? (a.invoiceId < b.invoiceId ? 1 : -1) : a.lastAt < b.lastAt ? 1 : -1));
  for (const c of newestFirst) {
    if (need <= 0n) break;
    const take = c.netMinor < need ? c.netMinor : need;
    out.push({ invoiceId: c.invoiceId, amountMinor: take });
    need -= take;
  }
  return out;
};

/** What the quick-entry list suggests paying on an invoice: what is open on it. */
export const suggestedAmount = (openMinor: bigint): bigint => (openMinor > 0n ? openMinor : 0n);

/** A write-off takes the whole open rest, and only up to the limit (setting payments.writeoff_limit). */
export const checkWriteOff = (openMinor: bigint, limitMinor: bigint, describe: string, format: (minor: bigint) => string): bigint => {
  if (openMinor <= 0n) throw new AppError('conflict', `Nothing is open on ${describe}; there is nothing to write off.`);
  if (openMinor > limitMinor) {
    throw new AppError(
      'conflict',
      limitMinor === 0n
        ? `Write-offs are turned off (setting payments.writeoff_limit is 0); ${format(openMinor)} is open on ${describe}.`
        : `${format(openMinor)} is open on ${describe}, more than the write-off limit of ${format(limitMinor)} (setting payments.writeoff_limit). Credit the invoice or record a payment instead.`,
      { openMinor: openMinor.toString(), limitMinor: limitMinor.toString() },
    );
  }
  return openMinor;
};
