import type { Kysely } from 'kysely';
import { FULL_ACCESS } from '../../api/access.ts';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import type { Actor } from '../audit/index.ts';
import { insertStaffUser, prepareStaffUser } from './create-staff-user.ts';
import { administratorsGroup } from './staff-store.ts';
import { ADMINISTRATORS_GROUP, type StaffDeps, type StaffItem } from './staff.ts';

/** The built-in Administrators group (seeded by migration 0002; made again if someone removed it). */
export const ensureAdministratorsGroup = async (tx: Kysely<DB>, clock: Clock): Promise<string> => {
  const found = await administratorsGroup(tx);
  if (found) return found.id;
  const now = clock.now().toISOString();
  const id = newId(clock.now().getTime());
  await tx
    .insertInto('access_group')
    .values({ id, name: ADMINISTRATORS_GROUP, description: 'Full access to everything. Administrators belong here.', permissions: JSON.stringify(FULL_ACCESS), builtin: 1, created_at: now, updated_at: now })
    .execute();
  return id;
};

export interface NewAdministrator {
  email: string;
  password: string;
  name?: string | null;
}

/** A name to show when none was given: the e-mail's local part. */
export const defaultNameFor = (email: string) => email.trim().split('@')[0] || email.trim();

/** Prepared outside, inserted inside the caller's transaction: an active administrator in the Administrators group. */
export const prepareAdministrator = (input: NewAdministrator) =>
  prepareStaffUser({ email: input.email, name: input.name?.trim() || defaultNameFor(input.email), password: input.password, isAdmin: true });

export const insertAdministrator = async (
  tx: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  prepared: Awaited<ReturnType<typeof prepareAdministrator>>,
  requestId?: string | null,
): Promise<StaffItem> => {
  const groupId = await ensureAdministratorsGroup(tx, clock);
  return insertStaffUser(tx, clock, { actor, requestId }, { ...prepared, groupIds: [groupId] });
};

/** Creates an administrator with full access (`guildhall admin create`). */
export const createAdministrator = async (deps: StaffDeps, actor: Actor, input: NewAdministrator): Promise<StaffItem> => {
  const prepared = await prepareAdministrator(input);
  return inTransaction(deps.db, (tx) => insertAdministrator(tx, deps.clock, actor, prepared));
};
