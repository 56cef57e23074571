import { inTransaction } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import { hashToken, newId, newToken } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findGroupById, findGroupByName, getApiKeyItem } from './staff-store.ts';
import { assertCanGrant, parsePermissions, type ApiKeyItem, type ChangedBy, type StaffDeps } from './staff.ts';

/** Finds a group by id or, failing that, by name (the CLI takes either). */
export const findGroupByIdOrName = async (deps: StaffDeps, idOrName: string) =>
  (await findGroupById(deps.db, idOrName)) ?? (await findGroupByName(deps.db, idOrName));

/**
 * Creates an API key bound to an access group. The key is returned once and stored only as its
 * hash; its first characters are kept so people can tell keys apart.
 */
export const createApiKey = async (deps: StaffDeps, by: ChangedBy, input: { name: string; groupId: string }): Promise<ApiKeyItem & { key: string }> => {
  const name = input.name.trim();
  if (!name) throw validation('Give the API key a name that says who or what uses it.');
  const group = await findGroupById(deps.db, input.groupId);
  if (!group) throw validation(`No access group has the id ${input.groupId}.`);
  assertCanGrant(by.grantor, parsePermissions(group.permissions));
  const key = `gh_${newToken()}`;
  const id = newId(deps.clock.now().getTime());
  return inTransaction(deps.db, async (tx) => {
    await tx
      .insertInto('api_key')
      .values({
        id,
        name,
        prefix: key.slice(0, 10),
        key_hash: hashToken(key),
        group_id: group.id,
        created_by: by.actor.id ?? by.actor.name,
        created_at: deps.clock.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    const item = (await getApiKeyItem(tx, id))!;
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'api_key', entityId: id, action: 'create', after: { name, prefix: item.prefix, groupId: group.id }, requestId: by.requestId });
    return { ...item, key };
  });
};
