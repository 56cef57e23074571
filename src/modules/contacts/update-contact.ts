import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { toNumber } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import {
  addressOf,
  problemsError,
  sameAddress,
  validateContactInput,
  type ChangedBy,
  type Contact,
  type ContactDeps,
  type ContactInput,
  type ContactPatch,
} from './contact.ts';
import { columnsOf, contactSnapshot, diffSnapshots, fieldsOfRow, findContactRow, loadContact, loadCustomFields, saveFieldValues, setTags } from './contact-store.ts';
import { checkCustomValues, type CustomField } from './custom-field.ts';
import { copyAddressToSecondaries } from './household-address.ts';
import { assertPayerAllowed } from './payers.ts';

export interface UpdateContactOptions {
  /** The new e-mail was made up by an import. */
  pseudoEmail?: boolean;
  /** Custom field definitions, when the caller already has them. */
  fields?: CustomField[];
}

const staleVersion = (current: number) =>
  conflict(`Someone else changed this contact after you opened it (it is now version ${current}). Reload it and make your change again.`, {
    currentVersion: current,
  });

/**
 * Changes a contact inside the caller's transaction. Only the keys present in `patch` change;
 * empty strings and null clear a field. A `version` other than the stored one is refused (409), so
 * two people editing the same contact cannot overwrite each other. When a household primary's
 * address changes, the secondaries move with it.
 */
export const updateContactInTx = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  id: string,
  patch: ContactPatch,
  opts: UpdateContactOptions = {},
): Promise<Contact> => {
  const row = await findContactRow(tx, id);
  if (!row) throw notFound('The contact');
  const version = toNumber(row.version);
  if (patch.version !== undefined && patch.version !== version) throw staleVersion(version);
  if (row.status !== 'active') throw conflict('This contact is erased; erased contacts cannot be changed.');
  if (patch.kind !== undefined && patch.kind !== row.kind) {
    throw validation(`A contact cannot change from ${row.kind} to ${patch.kind}; create a new contact instead.`, { field: 'kind' });
  }

  const current = fieldsOfRow(row);
  const merged: ContactInput = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && key !== 'version' && key !== 'payerId' && key !== 'customFields') (merged as unknown as Record<string, unknown>)[key] = value;
  }
  // A contact whose e-mail is removed gets printed invoices, unless the change says otherwise.
  if (patch.invoiceDelivery === undefined && current.invoiceDelivery === 'email' && !merged.email) merged.invoiceDelivery = 'print';
  if (patch.tags === undefined) delete merged.tags;
  else if (patch.tags === null) merged.tags = [];

  const checked = validateContactInput(merged, { today: clock.today() });
  const fields = opts.fields ?? (await loadCustomFields(tx));
  const custom = checkCustomValues(fields, current.kind, patch.customFields ?? undefined, { creating: false });
  const problems = [...checked.problems, ...custom.problems];
  if (!checked.ok || problems.length) throw problemsError(problems);
  if (patch.payerId) await assertPayerAllowed(tx, id, patch.payerId);

  const before = (await loadContact(tx, id))!;
  const emailChanged = checked.value.email !== current.email;
  const result = await tx
    .updateTable('contact')
    .set((eb) => ({
      ...columnsOf(checked.value, toNumber(row.member_number)),
      ...(patch.payerId !== undefined ? { payer_id: patch.payerId || null } : {}),
      ...(emailChanged ? { pseudo_email: opts.pseudoEmail && checked.value.email ? 1 : 0 } : {}),
      version: eb('version', '+', 1),
      updated_at: clock.now().toISOString(),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleVersion(version + 1);
  if (checked.tags !== undefined) await setTags(tx, id, checked.tags);
  await saveFieldValues(tx, id, custom.changes);

  if (row.household_id && row.household_role === 'primary' && !sameAddress(current, checked.value)) {
    await copyAddressToSecondaries(tx, clock, by, row.household_id, addressOf(checked.value));
  }

  const after = (await loadContact(tx, id))!;
  const diff = diffSnapshots(contactSnapshot(before), contactSnapshot(after));
  if (diff) await recordAudit(tx, clock, by.actor, { entityType: 'contact', entityId: id, action: 'update', ...diff, requestId: by.requestId });
  return after;
};

export const updateContact = (deps: ContactDeps, by: ChangedBy, id: string, patch: ContactPatch, opts: UpdateContactOptions = {}): Promise<Contact> =>
  inTransaction(deps.db, (tx) => updateContactInTx(tx, deps.clock, by, id, patch, opts));
