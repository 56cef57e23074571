import { inTransaction } from '../../db/database.ts';
import { notFound } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { getApiKeyItem } from './staff-store.ts';
import type { ApiKeyItem, ChangedBy, StaffDeps } from './staff.ts';

/** Revokes a key: it stops working at once and stays listed. Revoking twice changes nothing. */
export const revokeApiKey = async (deps: StaffDeps, by: ChangedBy, id: string): Promise<ApiKeyItem> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getApiKeyItem(tx, id);
    if (!before) throw notFound('The API key');
    if (before.revokedAt) return before;
    await tx.updateTable('api_key').set({ revoked_at: deps.clock.now().toISOString() }).where('id', '=', id).execute();
    const after = (await getApiKeyItem(tx, id))!;
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'api_key',
      entityId: id,
      action: 'revoke',
      before: { name: before.name, prefix: before.prefix, revokedAt: null },
      after: { name: after.name, prefix: after.prefix, revokedAt: after.revokedAt },
      requestId: by.requestId,
    });
    return after;
  });
