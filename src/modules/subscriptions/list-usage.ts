import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addQuantities, trimDecimal } from '../../kernel/decimal.ts';
import { usagePeriodOf } from './subscription.ts';
import { getSubscription, loadSubscriptionItem } from './subscription-store.ts';
import { toUsage, type UsageRecord } from './usage.ts';

export interface UsageTotal {
  periodStart: string;
  periodEnd: string;
  attributeCode: string;
  unit: string;
  included: string;
  quantity: string;
  records: number;
}

/**
 * A subscription's usage, newest first and paged, with totals per attribute per billing period
 * (over every record in the from/to range, not only the page).
 */
export const listUsage = async (
  db: Kysely<DB>,
  subscriptionId: string,
  query: { page: number; pageSize: number; from?: string; to?: string },
): Promise<{ items: UsageRecord[]; page: number; pageSize: number; total: number; totals: UsageTotal[] }> => {
  const sub = await getSubscription(db, subscriptionId);
  const item = await loadSubscriptionItem(db, sub.itemType, sub.itemId);
  let q = db.selectFrom('usage_record').where('subscription_id', '=', subscriptionId);
  if (query.from) q = q.where('used_on', '>=', query.from);
  if (query.to) q = q.where('used_on', '<=', query.to);
  const all = await q.select(['attribute_code', 'used_on', 'quantity']).execute();
  const rows = await q.selectAll().orderBy('used_on', 'desc').orderBy('id', 'desc').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute();
  const sums = new Map<string, UsageTotal>();
  const frequency = ['month', 'quarter', 'year'].includes(item.frequency) ? item.frequency : 'month';
  for (const r of all) {
    const p = usagePeriodOf(sub.startDate, sub.anchorDay, frequency, r.used_on);
    const key = `${p.start}|${r.attribute_code}`;
    const attr = item.attributes.find((a) => a.code === r.attribute_code);
    const t = sums.get(key) ?? { periodStart: p.start, periodEnd: p.end, attributeCode: r.attribute_code, unit: attr?.unit ?? '', included: attr?.included ?? '0', quantity: '0', records: 0 };
    t.quantity = addQuantities(t.quantity, r.quantity);
    t.records++;
    sums.set(key, t);
  }
  const totals = [...sums.values()]
    .map((t) => ({ ...t, quantity: trimDecimal(t.quantity) }))
    .sort((a, b) => (a.periodStart !== b.periodStart ? (a.periodStart < b.periodStart ? 1 : -1) : a.attributeCode < b.attributeCode ? -1 : 1));
  return { items: rows.map(toUsage), page: query.page, pageSize: query.pageSize, total: all.length, totals };
};
