import { inTransaction } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import type { ChangedBy, SubscriptionDeps, UsageSource } from './subscription.ts';
import { getSubscription, loadSubscriptionItem } from './subscription-store.ts';
import { checkUsage, findUsageByRef, insertUsage, type UsageInput, type UsageRecord } from './usage.ts';

/**
 * Records one usage measurement. With an external reference, the same record sent twice is stored
 * once: the second call answers the stored record with `created: false`.
 */
export const recordUsage = (deps: SubscriptionDeps, by: ChangedBy, subscriptionId: string, input: UsageInput, source: UsageSource = 'api'): Promise<{ record: UsageRecord; created: boolean }> =>
  inTransaction(deps.db, async (tx) => {
    const sub = await getSubscription(tx, subscriptionId);
    const item = await loadSubscriptionItem(tx, sub.itemType, sub.itemId);
    const checked = checkUsage(sub, item, input, await orgToday(tx, deps.clock));
    if (checked.externalRef !== null) {
      const existing = await findUsageByRef(tx, sub.id, checked.externalRef);
      if (existing) return { record: existing, created: false };
    }
    const [record] = await insertUsage(tx, deps.clock, [{ subscriptionId: sub.id, ...checked, source }]);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'usage_record',
      entityId: record!.id,
      action: 'create',
      after: { subscriptionId: sub.id, attributeCode: checked.attributeCode, usedOn: checked.usedOn, quantity: checked.quantity, externalRef: checked.externalRef, source },
      requestId: by.requestId,
    });
    return { record: record!, created: true };
  });
