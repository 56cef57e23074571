import { inTransaction } from '../../db/database.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { loadOrganizationContactLink, sendConfirmation, type OrganizationContactLink, type OrganizationContactRole, type OrgContactDeps } from './organization-contact.ts';

const linkOf = async (tx: Parameters<typeof loadOrganizationContactLink>[0], organizationId: string, linkId: string) => {
  const link = await loadOrganizationContactLink(tx, linkId);
  if (!link || link.organizationId !== organizationId) throw notFound('The organization contact');
  return link;
};

/** Removes a person from an organization's contacts (DELETE /contacts/:id/organization-contacts/:linkId). */
export const removeOrganizationContact = async (deps: ContactDeps, by: ChangedBy, organizationId: string, linkId: string): Promise<void> =>
  inTransaction(deps.db, async (tx) => {
    const link = await linkOf(tx, organizationId, linkId);
    await tx.deleteFrom('organization_contact').where('id', '=', linkId).execute();
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'contact',
      entityId: organizationId,
      action: 'organization_contact.remove',
      before: { linkId, personId: link.personId, person: link.displayName, role: link.role, status: link.status },
      requestId: by.requestId,
    });
  });

/** Mails a new confirmation link to a pending contact; the old link stops working. */
export const resendOrganizationContact = async (deps: OrgContactDeps, by: ChangedBy, organizationId: string, linkId: string): Promise<OrganizationContactLink> =>
  inTransaction(deps.db, async (tx) => {
    const link = await linkOf(tx, organizationId, linkId);
    if (link.status === 'confirmed') throw conflict(`${link.displayName} has already confirmed; there is nothing to resend.`);
    const person = await tx.selectFrom('contact').select(['id', 'email', 'pseudo_email', 'first_names', 'display_name', 'language']).where('id', '=', link.personId).executeTakeFirstOrThrow();
    if (!person.email || Number(person.pseudo_email)) throw conflict(`${person.display_name} has no e-mail address to send the link to. Add their real e-mail address first.`);
    const org = await tx.selectFrom('contact').select(['display_name']).where('id', '=', organizationId).executeTakeFirstOrThrow();
    await sendConfirmation(tx, deps, { id: linkId, role: link.role as OrganizationContactRole }, { ...person, email: person.email }, org);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'contact',
      entityId: organizationId,
      action: 'organization_contact.resend',
      after: { linkId, personId: link.personId, role: link.role },
      requestId: by.requestId,
    });
    return (await loadOrganizationContactLink(tx, linkId))!;
  });
