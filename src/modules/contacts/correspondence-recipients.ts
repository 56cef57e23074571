import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface CorrespondenceRecipient {
  personId: string;
  name: string;
  email: string;
  role: 'administrative' | 'technical';
}

/**
 * Who may receive correspondence for an organization: its contacts that have CONFIRMED, with a
 * real e-mail address (not an import's made-up one), administrative first. Pending contacts are
 * left out until they confirm (seed 001). The organization's own e-mail is not included; a
 * caller that writes to the organization adds it.
 */
export const correspondenceRecipients = async (db: Kysely<DB>, organizationId: string): Promise<CorrespondenceRecipient[]> => {
  const rows = await db
    .selectFrom('organization_contact as l')
    .innerJoin('contact as p', 'p.id', 'l.person_id')
    .select(['l.person_id', 'l.role', 'p.display_name', 'p.first_names', 'p.last_name', 'p.email'])
    .where('l.organization_id', '=', organizationId)
    .where('l.status', '=', 'confirmed')
    .where('p.status', '=', 'active')
    .where('p.pseudo_email', '=', 0)
    .where('p.email', 'is not', null)
    .orderBy('l.role') // 'administrative' < 'technical'
    .orderBy('p.sort_name')
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({
    personId: r.person_id,
    name: [r.first_names, r.last_name].filter(Boolean).join(' ') || r.display_name,
    email: r.email!,
    role: r.role as CorrespondenceRecipient['role'],
  }));
};
