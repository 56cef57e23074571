import { sql, type Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import type { PaymentMethod } from './payment.ts';

export interface CashReceivedQuery {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  by: 'day' | 'month';
}

export interface CashAmounts {
  /** Receipts dated in the period (including ones reversed later). */
  receivedMinor: bigint;
  receipts: number;
  /** Receipts reversed in the period (by reversal date). */
  reversedMinor: bigint;
  reversals: number;
  /** Customer credit paid back in the period. */
  refundedMinor: bigint;
  refunds: number;
  /** received − reversed − refunded. */
  netMinor: bigint;
}

export interface CashRow extends CashAmounts {
  /** YYYY-MM-DD (by day) or YYYY-MM (by month). */
  period: string;
  method: PaymentMethod;
}

export interface CashReport {
  from: string;
  to: string;
  by: 'day' | 'month';
  /** One row per period and method with any movement, periods in order, methods in name order. */
  rows: CashRow[];
  byMethod: (CashAmounts & { method: PaymentMethod })[];
  totals: CashAmounts;
}

const zero = (): CashAmounts => ({ receivedMinor: 0n, receipts: 0, reversedMinor: 0n, reversals: 0, refundedMinor: 0n, refunds: 0, netMinor: 0n });

/** Cash received per day or month, by payment method: receipts, reversals and refunds, and the net. */
export const cashReceived = async (db: Kysely<DB>, query: CashReceivedQuery): Promise<CashReport> => {
  for (const [k, v] of [['from', query.from], ['to', query.to]] as const) {
    if (!isIsoDate(v)) throw validation(`"${k}" must be a date written YYYY-MM-DD; got "${v}".`, { field: k });
  }
  if (query.to < query.from) throw validation('The period cannot end before it starts.', { field: 'to' });
  const len = query.by === 'month' ? 7 : 10;
  const grouped = async (dateColumn: 'received_on' | 'reversed_on', kind: 'receipt' | 'refund', reversedOnly: boolean) => {
    const col = sql.ref(`payment.${dateColumn}`);
    const period = sql<string>`substr(${col}, 1, ${sql.lit(len)})`;
    let q = db
      .selectFrom('payment')
      .select([period.as('period'), 'payment.method', sql<string | number>`sum(payment.amount_minor)`.as('s'), sql<string | number>`count(*)`.as('n')])
      .where('payment.kind', '=', kind)
      .where(col, '>=', query.from)
      .where(col, '<=', query.to);
    if (reversedOnly) q = q.where('payment.status', '=', 'reversed');
    return q.groupBy([period, 'payment.method']).execute();
  };
  const [received, reversed, refunded] = await Promise.all([grouped('received_on', 'receipt', false), grouped('reversed_on', 'receipt', true), grouped('received_on', 'refund', false)]);
  const rows = new Map<string, CashRow>();
  const method = new Map<string, CashAmounts & { method: PaymentMethod }>();
  const totals = zero();
  const add = (list: typeof received, apply: (a: CashAmounts, s: bigint, n: number) => void) => {
    for (const r of list) {
      const key = `${r.period}\u0000${r.method}`;
      const row = rows.get(key) ?? { period: r.period, method: r.method as PaymentMethod, ...zero() };
      const m = method.get(r.method) ?? { method: r.method as PaymentMethod, ...zero() };
      const s = toBigInt(r.s);
      const n = toNumber(r.n);
      for (const target of [row, m, totals]) apply(target, s, n);
      rows.set(key, row);
      method.set(r.method, m);
    }
  };
  add(received, (a, s, n) => {
    a.receivedMinor += s;
    a.receipts += n;
    a.netMinor += s;
  });
  add(reversed, (a, s, n) => {
    a.reversedMinor += s;
    a.reversals += n;
    a.netMinor -= s;
  });
  add(refunded, (a, s, n) => {
    a.refundedMinor += s;
    a.refunds += n;
    a.netMinor -= s;
  });
  const byKey = <T extends { method: string }>(a: T, b: T) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0);
  return {
    from: query.from,
    to: query.to,
    by: query.by,
    rows: [...rows.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : byKey(a, b))),
    byMethod: [...method.values()].sort(byKey),
    totals,
  };
};
