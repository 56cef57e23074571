import { inTransaction } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { diffSnapshots } from './contact-store.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { assertFieldKey, assertFieldLabel, normalizeOptions, type CustomField, type CustomFieldInput } from './custom-field.ts';
import { countFieldValues, fieldSnapshot, getCustomField } from './custom-field-store.ts';
import { assertFieldEnums } from './create-custom-field.ts';

export type CustomFieldPatch = Partial<CustomFieldInput> & { archived?: boolean };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const have = (n: number) => (n === 1 ? 'has' : 'have');

/**
 * Changes a custom field. Once contacts have values, its key and type stay (imports and stored
 * values depend on them), choices in use cannot be removed, and it cannot stop applying to a kind
 * of contact that has values.
 */
export const updateCustomField = async (deps: ContactDeps, by: ChangedBy, id: string, patch: CustomFieldPatch): Promise<CustomField> => {
  assertFieldEnums(patch);
  return inTransaction(deps.db, async (tx) => {
    const before = await getCustomField(tx, id);
    const used = await countFieldValues(tx, id);
    const type = patch.type ?? before.type;
    const key = patch.key !== undefined ? patch.key.trim() : before.key;

    if (type !== before.type && used > 0) {
      throw conflict(`${plural(used, 'contact')} ${have(used)} a value for ${before.label}, so its type cannot change from ${before.type} to ${type}. Create a new field instead.`, { field: 'type' });
    }
    if (key !== before.key) {
      assertFieldKey(key);
      if (used > 0) throw conflict(`${plural(used, 'contact')} ${have(used)} a value for ${before.label}, so its key cannot change.`, { field: 'key' });
      if (await tx.selectFrom('custom_field').select('id').where('key', '=', key).where('id', '!=', id).executeTakeFirst()) {
        throw conflict(`A custom field with the key "${key}" already exists; choose another key.`, { field: 'key' });
      }
    }
    const options = patch.options !== undefined || patch.type !== undefined ? normalizeOptions(type, patch.options !== undefined ? patch.options : before.options) : before.options;
    if (type === 'choice') {
      for (const removed of before.options.filter((o) => !options.includes(o))) {
        const n = await countFieldValues(tx, id, { value: removed });
        if (n > 0) throw conflict(`The choice "${removed}" is used by ${plural(n, 'contact')}; change their ${before.label} first.`, { field: 'options' });
      }
    }
    const appliesTo = patch.appliesTo ?? before.appliesTo;
    if (appliesTo !== 'both' && appliesTo !== before.appliesTo) {
      const other = appliesTo === 'person' ? 'organization' : 'person';
      const n = await countFieldValues(tx, id, { kind: other });
      if (n > 0) throw conflict(`${plural(n, other)} ${have(n)} a value for ${before.label}; clear them before it applies to ${appliesTo}s only.`, { field: 'appliesTo' });
    }
    const label = patch.label !== undefined ? assertFieldLabel(patch.label) : before.label;
    const description = patch.description !== undefined ? patch.description.trim() : before.description;
    if (description.length > 1000) throw validation('The description can be at most 1000 characters.', { field: 'description' });

    await tx
      .updateTable('custom_field')
      .set({
        key,
        label,
        description,
        type,
        options: type === 'choice' ? JSON.stringify(options) : null,
        visibility: patch.visibility ?? before.visibility,
        applies_to: appliesTo,
        required: (patch.required ?? before.required) ? 1 : 0,
        position: patch.position ?? before.position,
        archived: (patch.archived ?? before.archived) ? 1 : 0,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getCustomField(tx, id);
    const diff = diffSnapshots(fieldSnapshot(before), fieldSnapshot(after));
    if (diff) {
      const action = before.archived !== after.archived ? (after.archived ? 'archive' : 'restore') : 'update';
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'custom_field', entityId: id, action, ...diff, requestId: by.requestId });
    }
    return after;
  });
};
