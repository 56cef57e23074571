import { inTransaction, toNumber } from '../../db/database.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { getGroupItem } from './staff-store.ts';
import { groupSnapshot, type ChangedBy, type StaffDeps } from './staff.ts';

/**
 * Deletes a group; its members lose what it granted. A group that live API keys use stays until
 * they are revoked (keys already revoked go with it).
 */
export const deleteAccessGroup = async (deps: StaffDeps, by: ChangedBy, id: string): Promise<void> => {
  await inTransaction(deps.db, async (tx) => {
    const before = await getGroupItem(tx, id);
    if (!before) throw notFound('The access group');
    if (before.builtin) throw conflict(`"${before.name}" is built in and cannot be deleted.`);
    const liveKeys = toNumber(
      (
        await tx
          .selectFrom('api_key')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('group_id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (liveKeys > 0) {
      throw conflict(`${liveKeys} API key${liveKeys === 1 ? ' uses' : 's use'} the group "${before.name}". Revoke ${liveKeys === 1 ? 'it' : 'them'} first.`);
    }
    await tx.deleteFrom('api_key').where('group_id', '=', id).execute();
    await tx.deleteFrom('access_group').where('id', '=', id).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'access_group', entityId: id, action: 'delete', before: groupSnapshot(before), requestId: by.requestId });
  });
};
