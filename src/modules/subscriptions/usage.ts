import type { Kysely } from 'kysely';
import type { DB, UsageRecordTable } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { assertDate, normalizeQuantity, periodEndAfter, type Subscription, type SubscriptionItem, type UsageSource } from './subscription.ts';

/** Usage of an account type's attributes (seed 004 §2.6): one row per measurement. */
export interface UsageRecord {
  id: string;
  subscriptionId: string;
  attributeCode: string;
  usedOn: string;
  quantity: string;
  source: UsageSource;
  externalRef: string | null;
  createdAt: string;
}

export interface UsageInput {
  attributeCode: string;
  usedOn: string;
  quantity: string;
  externalRef?: string | null;
}

export const toUsage = (r: UsageRecordTable): UsageRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  attributeCode: r.attribute_code,
  usedOn: r.used_on,
  quantity: r.quantity,
  source: r.source as UsageSource,
  externalRef: r.external_ref,
  createdAt: r.created_at,
});

/** The checked row to insert, or a validation error naming the field. Pure. */
export const checkUsage = (sub: Subscription, item: SubscriptionItem, input: UsageInput, today: string): { attributeCode: string; usedOn: string; quantity: string; externalRef: string | null } => {
  if (sub.itemType !== 'account_type') throw validation(`Usage is recorded on account-type subscriptions; this one is for ${item.code} (${sub.itemType.replace('_', ' ')}).`, { field: 'subscriptionId' });
  const code = input.attributeCode.trim().toUpperCase();
  const attr = item.attributes.find((a) => a.code.toUpperCase() === code);
  if (!attr) {
    throw validation(
      item.attributes.length
        ? `${item.code} has no attribute "${input.attributeCode}"; it has ${item.attributes.map((a) => a.code).join(', ')}.`
        : `${item.code} has no usage attributes; add them to the account type in the catalog first.`,
      { field: 'attributeCode' },
    );
  }
  const usedOn = assertDate(input.usedOn, 'usedOn', 'The usage date');
  if (usedOn > today) throw validation(`The usage date ${usedOn} is in the future; record usage on or after the day it happened.`, { field: 'usedOn' });
  if (usedOn < sub.startDate) throw validation(`The usage date ${usedOn} is before the subscription started (${sub.startDate}).`, { field: 'usedOn' });
  if (sub.usageCursor !== null) {
    const billedUntil = periodEndAfter(sub.usageCursor, sub.anchorDay, item.frequency);
    if (usedOn < billedUntil) throw conflict(`Usage up to ${billedUntil} has been invoiced; usage on ${usedOn} can no longer be added. Use a credit note or a queued charge to correct it.`, { field: 'usedOn' });
  }
  const quantity = normalizeQuantity(input.quantity, { positive: false });
  const ref = input.externalRef?.trim() || null;
  if (ref !== null && ref.length > 200) throw validation('The external reference can be at most 200 characters.', { field: 'externalRef' });
  return { attributeCode: attr.code, usedOn, quantity, externalRef: ref };
};

export const findUsageByRef = async (db: Kysely<DB>, subscriptionId: string, ref: string): Promise<UsageRecord | null> => {
  const r = await db.selectFrom('usage_record').selectAll().where('subscription_id', '=', subscriptionId).where('external_ref', '=', ref).executeTakeFirst();
  return r ? toUsage(r) : null;
};

const CHUNK = 500;
export const insertUsage = async (
  tx: Kysely<DB>,
  clock: Clock,
  rows: Array<{ subscriptionId: string; attributeCode: string; usedOn: string; quantity: string; externalRef: string | null; source: UsageSource }>,
): Promise<UsageRecord[]> => {
  const now = clock.now();
  const values: UsageRecordTable[] = rows.map((r) => ({
    id: newId(now.getTime()),
    subscription_id: r.subscriptionId,
    attribute_code: r.attributeCode,
    used_on: r.usedOn,
    quantity: r.quantity,
    source: r.source,
    external_ref: r.externalRef,
    created_at: now.toISOString(),
  }));
  for (let i = 0; i < values.length; i += CHUNK) await tx.insertInto('usage_record').values(values.slice(i, i + CHUNK)).execute();
  return values.map(toUsage);
};
