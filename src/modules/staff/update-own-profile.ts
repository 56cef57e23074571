import { inTransaction } from '../../db/database.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { getStaffItem } from './staff-store.ts';
import { staffSnapshot, type Language, type StaffDeps, type StaffItem } from './staff.ts';

/** What staff may change about themselves without staff access: their name and language. */
export const updateOwnProfile = async (
  deps: StaffDeps,
  actor: Actor,
  staffId: string,
  input: { name?: string; language?: Language | null },
  requestId?: string | null,
): Promise<StaffItem> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getStaffItem(tx, staffId);
    if (!before) throw notFound('The staff user');
    const name = input.name !== undefined ? input.name.trim() : before.name;
    if (!name) throw validation('Your name cannot be empty.', { field: 'name' });
    const language = input.language !== undefined ? input.language : before.language;
    if (name === before.name && language === before.language) return before;
    await tx.updateTable('staff_user').set({ name, language, updated_at: deps.clock.now().toISOString() }).where('id', '=', staffId).execute();
    const after = (await getStaffItem(tx, staffId))!;
    await recordAudit(tx, deps.clock, actor, { entityType: 'staff_user', entityId: staffId, action: 'update', before: staffSnapshot(before), after: staffSnapshot(after), requestId });
    return after;
  });
