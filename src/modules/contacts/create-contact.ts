import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { CONSENT_KINDS, problemsError, validateContactInput, type ChangedBy, type Contact, type ContactDeps, type ContactInput } from './contact.ts';
import { byText, columnsOf, contactSnapshot, customValuesOut, loadCustomFields, setTags } from './contact-store.ts';
import { checkCustomValues, type CustomField } from './custom-field.ts';
import { takeMemberNumber, useGivenMemberNumber } from './member-number.ts';
import { assertPayerAllowed } from './payers.ts';

export interface CreateContactOptions {
  /** Keep this member number (an import of an old register) instead of taking the next one. */
  memberNumber?: number;
  /** The e-mail was made up by an import (rows without one get a pseudo-address). */
  pseudoEmail?: boolean;
  /** Custom field definitions, when the caller already has them (an import creating many contacts). */
  fields?: CustomField[];
}

/**
 * Creates a contact inside the caller's transaction: checks every field (all problems in one 400),
 * takes the next member number, stores tags and custom values, and records it in the audit trail.
 */
export const createContactInTx = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  input: ContactInput,
  opts: CreateContactOptions = {},
): Promise<Contact> => {
  const checked = validateContactInput(input, { today: clock.today() });
  const fields = opts.fields ?? (await loadCustomFields(tx));
  const custom = checkCustomValues(fields, input.kind, input.customFields ?? undefined, { creating: true });
  const problems = [...checked.problems, ...custom.problems];
  if (!checked.ok || problems.length) throw problemsError(problems);
  const payer = input.payerId ? await assertPayerAllowed(tx, null, input.payerId) : null;

  const memberNumber = opts.memberNumber !== undefined ? await useGivenMemberNumber(tx, opts.memberNumber) : await takeMemberNumber(tx);
  const now = clock.now().toISOString();
  const id = newId(clock.now().getTime());
  const columns = columnsOf(checked.value, memberNumber);
  const pseudoEmail = Boolean(opts.pseudoEmail && checked.value.email);
  await tx
    .insertInto('contact')
    .values({
      id,
      member_number: memberNumber,
      status: 'active',
      ...columns,
      payer_id: input.payerId || null,
      household_id: null,
      household_role: null,
      pseudo_email: pseudoEmail ? 1 : 0,
      version: 1,
      created_at: now,
      updated_at: now,
      erased_at: null,
    })
    .execute();
  if (checked.tags?.length) await setTags(tx, id, checked.tags);
  const values = [...custom.changes].flatMap(([field_id, value]) => (value === null ? [] : [{ contact_id: id, field_id, value }]));
  if (values.length) await tx.insertInto('contact_field_value').values(values).execute();

  // Built here rather than read back: a new contact has no links yet, and imports create thousands.
  const byId = new Map(fields.map((f) => [f.id, f]));
  const contact: Contact = {
    id,
    memberNumber,
    status: 'active',
    ...checked.value,
    displayName: columns.display_name,
    pseudoEmail,
    payer,
    payerFor: [],
    household: null,
    tags: [...(checked.tags ?? [])].sort(byText),
    customFields: customValuesOut(
      [...custom.changes].flatMap(([fieldId, value]) => {
        const f = byId.get(fieldId);
        return f && value !== null ? [{ key: f.key, type: f.type, position: f.position, value }] : [];
      }),
    ),
    consents: Object.fromEntries(CONSENT_KINDS.map((k) => [k, null])) as Contact['consents'],
    organizationContacts: [],
    organizations: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await recordAudit(tx, clock, by.actor, { entityType: 'contact', entityId: id, action: 'create', after: contactSnapshot(contact), requestId: by.requestId });
  return contact;
};

export const createContact = (deps: ContactDeps, by: ChangedBy, input: ContactInput, opts: CreateContactOptions = {}): Promise<Contact> =>
  inTransaction(deps.db, (tx) => createContactInTx(tx, deps.clock, by, input, opts));
