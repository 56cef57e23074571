import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ilike, toNumber } from '../../db/database.ts';
import { AppError } from '../../kernel/app-error.ts';
import type { Permissions } from '../../api/access.ts';
import { ADMINISTRATORS_GROUP, parsePermissions, toLanguage, type AccessGroupItem, type ApiKeyItem, type StaffItem } from './staff.ts';

/** Kysely queries for staff users, access groups and API keys. No rules here. */
type Db = Kysely<DB>;

export interface ListSpec<C extends string> {
  q?: string;
  offset: number;
  limit: number;
  sort: { column: C; direction: 'asc' | 'desc' };
}

export const STAFF_SORTS = ['email', 'name', 'created_at', 'updated_at'] as const;
export const GROUP_SORTS = ['name', 'created_at'] as const;
export const API_KEY_SORTS = ['name', 'created_at', 'last_used_at'] as const;

// ---- staff users

export const findStaffByEmail = (db: Db, email: string) =>
  db.selectFrom('staff_user').selectAll().where('email', '=', email).executeTakeFirst();

export const findStaffById = (db: Db, id: string) => db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirst();

export const countStaff = async (db: Db): Promise<number> =>
  toNumber((await db.selectFrom('staff_user').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** Active administrators other than `exceptId`. */
export const countOtherActiveAdmins = async (db: Db, exceptId: string): Promise<number> =>
  toNumber(
    (
      await db
        .selectFrom('staff_user')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('is_admin', '=', 1)
        .where('active', '=', 1)
        .where('id', '!=', exceptId)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Memberships keyed one way: each staff user's group ids, or each group's staff ids. */
const membershipsBy = async (db: Db, key: 'staff_id' | 'group_id', ids: string[]): Promise<Map<string, string[]>> => {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const other = key === 'staff_id' ? 'group_id' : 'staff_id';
  const rows = await db.selectFrom('staff_group_member').select(['staff_id', 'group_id']).where(key, 'in', ids).orderBy(other).execute();
  for (const r of rows) map.get(r[key])?.push(r[other]);
  return map;
};
const groupIdsOf = (db: Db, staffIds: string[]) => membershipsBy(db, 'staff_id', staffIds);
const memberIdsOf = (db: Db, groupIds: string[]) => membershipsBy(db, 'group_id', groupIds);

type StaffRow = DB['staff_user'];
const toStaffItem = (r: Pick<StaffRow, 'id' | 'email' | 'name' | 'is_admin' | 'active' | 'language' | 'created_at' | 'updated_at'>, groupIds: string[]): StaffItem => ({
  id: r.id,
  email: r.email,
  name: r.name,
  isAdmin: Boolean(toNumber(r.is_admin)),
  active: Boolean(toNumber(r.active)),
  language: toLanguage(r.language),
  groupIds,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const getStaffItem = async (db: Db, id: string): Promise<StaffItem | undefined> => {
  const row = await findStaffById(db, id);
  if (!row) return undefined;
  return toStaffItem(row, (await groupIdsOf(db, [id])).get(id) ?? []);
};

export const listStaff = async (db: Db, spec: ListSpec<(typeof STAFF_SORTS)[number]>) => {
  let query = db.selectFrom('staff_user');
  if (spec.q) {
    const like = `%${spec.q}%`;
    query = query.where((eb) => eb.or([eb('email', ilike(db), like), eb('name', ilike(db), like)]));
  }
  const total = toNumber((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query.selectAll().orderBy(spec.sort.column, spec.sort.direction).orderBy('id').limit(spec.limit).offset(spec.offset).execute();
  const groups = await groupIdsOf(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toStaffItem(r, groups.get(r.id) ?? [])), total };
};

export const setStaffGroups = async (tx: Db, staffId: string, groupIds: string[]): Promise<void> => {
  await tx.deleteFrom('staff_group_member').where('staff_id', '=', staffId).execute();
  if (groupIds.length) await tx.insertInto('staff_group_member').values(groupIds.map((group_id) => ({ staff_id: staffId, group_id }))).execute();
};

// ---- access groups

export const findGroupById = (db: Db, id: string) => db.selectFrom('access_group').selectAll().where('id', '=', id).executeTakeFirst();
export const findGroupByName = (db: Db, name: string) => db.selectFrom('access_group').selectAll().where('name', '=', name).executeTakeFirst();

export const administratorsGroup = (db: Db) =>
  db.selectFrom('access_group').selectAll().where('name', '=', ADMINISTRATORS_GROUP).where('builtin', '=', 1).executeTakeFirst();

/** The groups with these ids; unknown ids are refused with their list, so the caller can fix the request. */
export const loadGroups = async (db: Db, ids: string[]) => {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.selectFrom('access_group').selectAll().where('id', 'in', unique).execute();
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new AppError('validation', `No access group has the id ${missing.join(', ')}.`, { missing });
  return rows;
};

export const groupsPermissions = (rows: Array<{ permissions: string }>): Permissions[] => rows.map((r) => parsePermissions(r.permissions));

type GroupRow = DB['access_group'];
const toGroupItem = (r: GroupRow, memberIds: string[]): AccessGroupItem => ({
  id: r.id,
  name: r.name,
  description: r.description,
  permissions: parsePermissions(r.permissions),
  builtin: Boolean(toNumber(r.builtin)),
  memberIds,
});

export const getGroupItem = async (db: Db, id: string): Promise<AccessGroupItem | undefined> => {
  const row = await findGroupById(db, id);
  if (!row) return undefined;
  return toGroupItem(row, (await memberIdsOf(db, [id])).get(id) ?? []);
};

export const listGroups = async (db: Db, spec: ListSpec<(typeof GROUP_SORTS)[number]>) => {
  let query = db.selectFrom('access_group');
  if (spec.q) query = query.where('name', ilike(db), `%${spec.q}%`);
  const total = toNumber((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query.selectAll().orderBy(spec.sort.column, spec.sort.direction).orderBy('id').limit(spec.limit).offset(spec.offset).execute();
  const members = await memberIdsOf(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toGroupItem(r, members.get(r.id) ?? [])), total };
};

export const setGroupMembers = async (tx: Db, groupId: string, staffIds: string[]): Promise<void> => {
  await tx.deleteFrom('staff_group_member').where('group_id', '=', groupId).execute();
  if (staffIds.length) await tx.insertInto('staff_group_member').values(staffIds.map((staff_id) => ({ staff_id, group_id: groupId }))).execute();
};

/** Staff ids that exist; unknown ones are refused. */
export const assertStaffExist = async (db: Db, ids: string[]): Promise<void> => {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const rows = await db.selectFrom('staff_user').select('id').where('id', 'in', unique).execute();
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new AppError('validation', `No staff user has the id ${missing.join(', ')}.`, { missing });
};

// ---- API keys

type ApiKeyRow = DB['api_key'];
const toApiKeyItem = (r: ApiKeyRow): ApiKeyItem => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  groupId: r.group_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export const getApiKeyItem = async (db: Db, id: string): Promise<ApiKeyItem | undefined> => {
  const row = await db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApiKeyItem(row);
};

export const listApiKeys = async (db: Db, spec: ListSpec<(typeof API_KEY_SORTS)[number]>) => {
  let query = db.selectFrom('api_key');
  if (spec.q) query = query.where('name', ilike(db), `%${spec.q}%`);
  const total = toNumber((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query.selectAll().orderBy(spec.sort.column, spec.sort.direction).orderBy('id').limit(spec.limit).offset(spec.offset).execute();
  return { items: rows.map(toApiKeyItem), total };
};
