import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newToken, hashToken } from '../../kernel/ids.ts';
import { mailDeps, queueMail } from '../mail/index.ts';
import { getSetting } from '../settings/index.ts';
import type { Contact, ContactDeps } from './contact.ts';

/**
 * Organization contacts (seed 001): persons who act for an organization, one administrative and
 * any number of technical. Adding one mails the person a confirmation link; until they confirm
 * they get no correspondence for the organization (see correspondenceRecipients).
 */
export const ORGANIZATION_CONTACT_ROLES = ['administrative', 'technical'] as const;
export type OrganizationContactRole = (typeof ORGANIZATION_CONTACT_ROLES)[number];

/** How long a confirmation link works; "resend" makes a new one. */
export const CONFIRM_LINK_VALID_DAYS = 14;
export const CONFIRM_LINK_VALID_MS = CONFIRM_LINK_VALID_DAYS * 24 * 60 * 60_000;

export type OrganizationContactLink = Contact['organizationContacts'][number];

export interface OrgContactDeps extends ContactDeps {
  config: Pick<Config, 'publicUrl' | 'mailFrom'>;
}

export const loadOrganizationContactLink = async (db: Kysely<DB>, linkId: string): Promise<(OrganizationContactLink & { organizationId: string }) | undefined> => {
  const l = await db
    .selectFrom('organization_contact as l')
    .innerJoin('contact as p', 'p.id', 'l.person_id')
    .select(['l.id', 'l.organization_id', 'l.person_id', 'p.display_name', 'p.email', 'l.role', 'l.status', 'l.invited_at', 'l.confirmed_at'])
    .where('l.id', '=', linkId)
    .executeTakeFirst();
  return l
    ? {
        id: l.id,
        organizationId: l.organization_id,
        personId: l.person_id,
        displayName: l.display_name,
        email: l.email,
        role: l.role,
        status: l.status,
        invitedAt: l.invited_at,
        confirmedAt: l.confirmed_at,
      }
    : undefined;
};

const ROLE_TEXT = {
  en: { administrative: 'administrative contact', technical: 'technical contact' },
  nb: { administrative: 'administrativ kontaktperson', technical: 'teknisk kontaktperson' },
} as const;

/**
 * Makes a new confirmation token for a link (stored only as its hash, valid 14 days from now) and
 * queues the e-mail with the link to the person, in the caller's transaction.
 */
export const sendConfirmation = async (
  tx: Kysely<DB>,
  deps: { clock: Clock; config: Pick<Config, 'publicUrl' | 'mailFrom'>; db: Kysely<DB> },
  link: { id: string; role: OrganizationContactRole },
  person: { id: string; email: string; first_names: string | null; display_name: string; language: string | null },
  organization: { display_name: string },
): Promise<void> => {
  const token = newToken();
  const now = deps.clock.now();
  await tx
    .updateTable('organization_contact')
    .set({ confirm_token_hash: hashToken(token), invited_at: now.toISOString(), status: 'pending', confirmed_at: null })
    .where('id', '=', link.id)
    .execute();
  const url = `${deps.config.publicUrl}/confirm-contact?token=${encodeURIComponent(token)}`;
  const sender = await getSetting(tx, 'organization.name');
  const until = new Date(now.getTime() + CONFIRM_LINK_VALID_MS).toISOString().slice(0, 10);
  const name = person.first_names ?? person.display_name;
  const nb = person.language === 'nb';
  const role = ROLE_TEXT[nb ? 'nb' : 'en'][link.role];
  await queueMail(tx, await mailDeps(deps, tx), {
    to: [person.email],
    subject: nb ? `Bekreft at du er ${role} for ${organization.display_name}` : `Confirm that you are the ${role} for ${organization.display_name}`,
    text: nb
      ? `Hei ${name},\n\n${sender} har registrert deg som ${role} for ${organization.display_name}.\n` +
        `Bekreft det her innen ${until}:\n\n${url}\n\n` +
        `Før du bekrefter, får du ingen henvendelser på vegne av ${organization.display_name}. Stemmer ikke dette, kan du se bort fra e-posten.\n`
      : `Hello ${name},\n\n${sender} has registered you as the ${role} for ${organization.display_name}.\n` +
        `Please confirm it here by ${until}:\n\n${url}\n\n` +
        `Until you confirm, you receive no correspondence for ${organization.display_name}. If this is not right, ignore this message.\n`,
    relatedType: 'contact',
    relatedId: person.id,
  });
};
