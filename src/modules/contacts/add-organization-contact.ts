import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy } from './contact.ts';
import {
  loadOrganizationContactLink,
  ORGANIZATION_CONTACT_ROLES,
  sendConfirmation,
  type OrganizationContactLink,
  type OrganizationContactRole,
  type OrgContactDeps,
} from './organization-contact.ts';

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
};

/**
 * Adds a person as an organization's administrative or technical contact, status pending, and
 * mails them a confirmation link. One administrative contact per organization: a second is a 409
 * that names the current one (the database's partial unique index backs this up under races).
 */
export const addOrganizationContact = async (
  deps: OrgContactDeps,
  by: ChangedBy,
  organizationId: string,
  input: { personId: string; role: OrganizationContactRole },
): Promise<OrganizationContactLink> => {
  if (!ORGANIZATION_CONTACT_ROLES.includes(input.role)) throw validation('The role must be administrative or technical.', { field: 'role' });
  try {
    return await inTransaction(deps.db, async (tx) => {
      await lockResource(tx, `organization_contact:${organizationId}`);
      const org = await tx.selectFrom('contact').select(['id', 'kind', 'status', 'display_name']).where('id', '=', organizationId).executeTakeFirst();
      if (!org) throw notFound('The organization');
      if (org.kind !== 'organization') throw validation(`${org.display_name} is a person; contacts can be added to organizations only.`);
      if (org.status !== 'active') throw conflict(`${org.display_name} has been erased.`);
      const person = await tx
        .selectFrom('contact')
        .select(['id', 'kind', 'status', 'display_name', 'first_names', 'email', 'pseudo_email', 'language'])
        .where('id', '=', input.personId)
        .executeTakeFirst();
      if (!person) throw validation('The person to add was not found; pick an existing person.', { field: 'personId' });
      if (person.kind !== 'person') throw validation(`${person.display_name} is an organization; an organization contact must be a person.`, { field: 'personId' });
      if (person.status !== 'active') throw validation(`${person.display_name} has been erased.`, { field: 'personId' });
      if (!person.email || Number(person.pseudo_email)) {
        throw validation(`${person.display_name} has no e-mail address to confirm with. Add their real e-mail address first.`, { field: 'personId' });
      }

      const existing = await tx
        .selectFrom('organization_contact as l')
        .innerJoin('contact as p', 'p.id', 'l.person_id')
        .select(['l.person_id', 'l.role', 'p.display_name'])
        .where('l.organization_id', '=', organizationId)
        .execute();
      if (existing.some((l) => l.person_id === input.personId && l.role === input.role)) {
        throw conflict(`${person.display_name} is already the ${input.role} contact of ${org.display_name}.`);
      }
      const admin = existing.find((l) => l.role === 'administrative');
      if (input.role === 'administrative' && admin) {
        throw conflict(
          `${org.display_name} already has an administrative contact (${admin.display_name}). An organization has one; remove that link first, or add ${person.display_name} as a technical contact.`,
        );
      }

      const id = newId(deps.clock.now().getTime());
      await tx
        .insertInto('organization_contact')
        .values({ id, organization_id: organizationId, person_id: person.id, role: input.role, status: 'pending', confirm_token_hash: null, invited_at: deps.clock.now().toISOString(), confirmed_at: null })
        .execute();
      await sendConfirmation(tx, deps, { id, role: input.role }, { ...person, email: person.email }, org);
      await recordAudit(tx, deps.clock, by.actor, {
        entityType: 'contact',
        entityId: organizationId,
        action: 'organization_contact.add',
        after: { linkId: id, personId: person.id, person: person.display_name, role: input.role, status: 'pending' },
        requestId: by.requestId,
      });
      return (await loadOrganizationContactLink(tx, id))!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw conflict(
        input.role === 'administrative'
          ? 'The organization already has an administrative contact; remove that link first, or add this person as a technical contact.'
          : 'This person already has that role for the organization.',
      );
    }
    throw e;
  }
};
