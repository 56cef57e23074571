import { inTransaction } from '../../db/database.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { contactSnapshot, loadContact } from './contact-store.ts';

const names = (list: Array<{ displayName: string }>) =>
  list.slice(0, 3).map((c) => c.displayName).join('; ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');

/**
 * Deletes a contact registered by mistake. Refused (409) while others depend on it: as their
 * payer, as the primary of a household with other members, or as an organization's contact.
 * Erasing personal data of a real member is the GDPR erase, not this.
 */
export const deleteContact = async (deps: ContactDeps, by: ChangedBy, id: string, expectedVersion?: number): Promise<void> =>
  inTransaction(deps.db, async (tx) => {
    const contact = await loadContact(tx, id);
    if (!contact) throw notFound('The contact');
    if (expectedVersion !== undefined && expectedVersion !== contact.version) {
      throw conflict(`Someone else changed this contact after you opened it (it is now version ${contact.version}). Reload it first.`, { currentVersion: contact.version });
    }
    if (contact.payerFor.length) {
      throw conflict(`${contact.displayName} pays for ${names(contact.payerFor)}; choose another payer for them first.`, { payerFor: contact.payerFor });
    }
    if (contact.household?.role === 'primary' && contact.household.members.length > 1) {
      throw conflict(`${contact.displayName} is the primary member of the household "${contact.household.name}"; make another member primary or remove the others first.`);
    }
    if (contact.organizations.length) {
      throw conflict(`${contact.displayName} is a contact for ${names(contact.organizations)}; remove them there first.`, { organizations: contact.organizations });
    }
    await tx.deleteFrom('contact').where('id', '=', id).execute();
    if (contact.household && contact.household.members.length === 1) {
      await tx.deleteFrom('household').where('id', '=', contact.household.id).execute();
    }
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'contact', entityId: id, action: 'delete', before: contactSnapshot(contact), requestId: by.requestId });
  });
