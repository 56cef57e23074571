import { inTransaction } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import {
  assertFieldKey,
  assertFieldLabel,
  FIELD_APPLIES_TO,
  FIELD_TYPES,
  FIELD_VISIBILITIES,
  normalizeOptions,
  slugOf,
  type CustomField,
  type CustomFieldInput,
} from './custom-field.ts';
import { fieldSnapshot, getCustomField } from './custom-field-store.ts';

export const assertFieldEnums = (input: Partial<CustomFieldInput>): void => {
  if (input.type !== undefined && !FIELD_TYPES.includes(input.type)) throw validation(`The type must be one of: ${FIELD_TYPES.join(', ')}.`, { field: 'type' });
  if (input.visibility !== undefined && !FIELD_VISIBILITIES.includes(input.visibility)) {
    throw validation(`Visibility must be one of: ${FIELD_VISIBILITIES.join(', ')}.`, { field: 'visibility' });
  }
  if (input.appliesTo !== undefined && !FIELD_APPLIES_TO.includes(input.appliesTo)) {
    throw validation(`appliesTo must be one of: ${FIELD_APPLIES_TO.join(', ')}.`, { field: 'appliesTo' });
  }
};

/** Defines a custom field. Without a key, one is made from the label ("Section number" → section_number). */
export const createCustomField = async (deps: ContactDeps, by: ChangedBy, input: Omit<CustomFieldInput, 'key'> & { key?: string }): Promise<CustomField> => {
  assertFieldEnums(input);
  const label = assertFieldLabel(input.label);
  const key = input.key?.trim() || slugOf(label);
  assertFieldKey(key);
  const options = normalizeOptions(input.type, input.options);
  const description = (input.description ?? '').trim();
  if (description.length > 1000) throw validation('The description can be at most 1000 characters.', { field: 'description' });
  return inTransaction(deps.db, async (tx) => {
    if (await tx.selectFrom('custom_field').select('id').where('key', '=', key).executeTakeFirst()) {
      throw conflict(`A custom field with the key "${key}" already exists (perhaps archived); choose another key.`, { field: 'key' });
    }
    const last = await tx.selectFrom('custom_field').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('custom_field')
      .values({
        id,
        key,
        label,
        description,
        type: input.type,
        options: input.type === 'choice' ? JSON.stringify(options) : null,
        visibility: input.visibility ?? 'staff',
        applies_to: input.appliesTo ?? 'both',
        required: input.required ? 1 : 0,
        position: input.position ?? Number(last?.p ?? -1) + 1,
        archived: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const field = await getCustomField(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'custom_field', entityId: id, action: 'create', after: fieldSnapshot(field), requestId: by.requestId });
    return field;
  });
};
