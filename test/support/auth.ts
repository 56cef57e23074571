import type { TestContext } from './context.ts';
import { FULL_ACCESS, type Permissions } from '../../src/api/access.ts';
import { hashToken, newId, newToken } from '../../src/kernel/ids.ts';

/**
 * An API key bound to a new access group with exactly `permissions`; returns the headers to send.
 * Route tests use it to act as a caller with given rights.
 */
export const bearerWith = async (ctx: TestContext, permissions: Permissions = FULL_ACCESS, name = 'test key') => {
  const now = ctx.clock.now().toISOString();
  const groupId = newId();
  await ctx.db
    .insertInto('access_group')
    .values({ id: groupId, name: `group ${groupId}`, description: '', permissions: JSON.stringify(permissions), builtin: 0, created_at: now, updated_at: now })
    .execute();
  const key = `gh_${newToken()}`;
  const id = newId();
  await ctx.db
    .insertInto('api_key')
    .values({ id, name, prefix: key.slice(0, 10), key_hash: hashToken(key), group_id: groupId, created_by: null, created_at: now, last_used_at: null, revoked_at: null })
    .execute();
  return { headers: { authorization: `Bearer ${key}` }, keyId: id, groupId, key };
};
