import type { Kysely } from 'kysely';
import { mergePermissions } from '../../api/access.ts';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { hashPassword } from './password-hash.ts';
import { passwordProblem } from './password-policy.ts';
import { findStaffByEmail, getStaffItem, groupsPermissions, loadGroups, setStaffGroups } from './staff-store.ts';
import {
  assertCanGrant,
  assertEmailAddress,
  assertCanManageAdmins,
  isUniqueViolation,
  normalizeEmail,
  staffSnapshot,
  type ChangedBy,
  type Language,
  type StaffDeps,
  type StaffItem,
} from './staff.ts';

export interface CreateStaffInput {
  email: string;
  name: string;
  /** Without one, the user sets a password through a reset link. */
  password?: string | null;
  isAdmin?: boolean;
  active?: boolean;
  language?: Language | null;
  groupIds?: string[];
}

/** Checks a new password against the policy, with the user's own e-mail and name as context. */
export const assertPasswordAcceptable = (password: string, who: { email: string; name: string }): void => {
  const problem = passwordProblem(password, who);
  if (problem) throw validation(problem, { field: 'password' });
};

/** Checks what can be checked before a transaction, and hashes the password (slow, so outside it). */
export const prepareStaffUser = async (input: CreateStaffInput) => {
  const email = normalizeEmail(input.email);
  assertEmailAddress(email);
  const name = input.name.trim();
  if (!name) throw validation('Give the staff user a name.');
  if (input.password != null) assertPasswordAcceptable(input.password, { email, name });
  return {
    email,
    name,
    passwordHash: input.password != null ? await hashPassword(input.password) : null,
    isAdmin: input.isAdmin ?? false,
    active: input.active ?? true,
    language: input.language ?? null,
    groupIds: [...new Set(input.groupIds ?? [])],
  };
};

/** Inserts a prepared staff user and records it, inside the caller's transaction. */
export const insertStaffUser = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: Pick<ChangedBy, 'actor' | 'requestId'>,
  user: Awaited<ReturnType<typeof prepareStaffUser>>,
): Promise<StaffItem> => {
  if (await findStaffByEmail(tx, user.email)) throw conflict(`A staff user with the e-mail ${user.email} already exists.`);
  const now = clock.now().toISOString();
  const id = newId(clock.now().getTime());
  try {
    await tx
      .insertInto('staff_user')
      .values({
        id,
        email: user.email,
        name: user.name,
        password_hash: user.passwordHash,
        is_admin: user.isAdmin ? 1 : 0,
        active: user.active ? 1 : 0,
        language: user.language,
        created_at: now,
        updated_at: now,
        password_changed_at: user.passwordHash ? now : null,
      })
      .execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A staff user with the e-mail ${user.email} already exists.`);
    throw e;
  }
  await setStaffGroups(tx, id, user.groupIds);
  const item = (await getStaffItem(tx, id))!;
  await recordAudit(tx, clock, by.actor, { entityType: 'staff_user', entityId: id, action: 'create', after: staffSnapshot(item), requestId: by.requestId });
  return item;
};

export const createStaffUser = async (deps: StaffDeps, by: ChangedBy, input: CreateStaffInput): Promise<StaffItem> => {
  if (input.isAdmin) assertCanManageAdmins(by.grantor);
  assertCanGrant(by.grantor, mergePermissions(groupsPermissions(await loadGroups(deps.db, input.groupIds ?? []))));
  const user = await prepareStaffUser(input);
  return inTransaction(deps.db, (tx) => insertStaffUser(tx, deps.clock, by, user));
};
