import { inTransaction } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import type { CustomField } from './custom-field.ts';
import { countFieldValues, fieldSnapshot, getCustomField } from './custom-field-store.ts';

/**
 * Removes a custom field. A field that contacts have values for is archived instead (hidden from
 * forms and contacts, values kept, restorable with archived: false); an unused one is deleted.
 */
export const deleteCustomField = async (deps: ContactDeps, by: ChangedBy, id: string): Promise<{ deleted: true } | { archived: true; field: CustomField }> =>
  inTransaction(deps.db, async (tx) => {
    const field = await getCustomField(tx, id);
    const audit = { entityType: 'custom_field', entityId: id, requestId: by.requestId };
    if ((await countFieldValues(tx, id)) > 0) {
      if (!field.archived) {
        await tx.updateTable('custom_field').set({ archived: 1, updated_at: deps.clock.now().toISOString() }).where('id', '=', id).execute();
        await recordAudit(tx, deps.clock, by.actor, { ...audit, action: 'archive', before: { archived: false }, after: { archived: true } });
      }
      return { archived: true as const, field: await getCustomField(tx, id) };
    }
    await tx.deleteFrom('custom_field').where('id', '=', id).execute();
    await recordAudit(tx, deps.clock, by.actor, { ...audit, action: 'delete', before: fieldSnapshot(field) });
    return { deleted: true as const };
  });
