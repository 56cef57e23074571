import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { hashToken } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ContactDeps } from './contact.ts';
import { CONFIRM_LINK_VALID_MS } from './organization-contact.ts';

const invalidLink = () =>
  new AppError('not_found', 'This confirmation link is not valid: it has expired, was replaced by a newer one, or was already used. Ask the organization to send a new one.');

const findPending = async (db: Kysely<DB>, clock: Clock, token: string) => {
  if (!token || token.length > 200) throw invalidLink();
  const row = await db
    .selectFrom('organization_contact as l')
    .innerJoin('contact as o', 'o.id', 'l.organization_id')
    .innerJoin('contact as p', 'p.id', 'l.person_id')
    .select(['l.id', 'l.organization_id', 'l.person_id', 'l.role', 'l.status', 'l.invited_at', 'o.display_name as organization', 'p.display_name as person', 'p.first_names', 'p.last_name'])
    .where('l.confirm_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.status !== 'pending') throw invalidLink();
  if (Date.parse(row.invited_at) + CONFIRM_LINK_VALID_MS < clock.now().getTime()) throw invalidLink();
  return row;
};

/** What the public confirmation page shows before the person confirms. */
export const getContactConfirmation = async (deps: ContactDeps, token: string): Promise<{ organization: string; person: string; role: string }> => {
  const row = await findPending(deps.db, deps.clock, token);
  const person = [row.first_names, row.last_name].filter(Boolean).join(' ') || row.person;
  return { organization: row.organization, person, role: row.role };
};

/** The person confirms through the link: the link becomes confirmed and the token stops working. */
export const confirmContact = async (deps: ContactDeps, token: string): Promise<{ confirmed: true }> =>
  inTransaction(deps.db, async (tx) => {
    const row = await findPending(tx, deps.clock, token);
    const now = deps.clock.now().toISOString();
    await tx.updateTable('organization_contact').set({ status: 'confirmed', confirmed_at: now, confirm_token_hash: null }).where('id', '=', row.id).execute();
    await recordAudit(tx, deps.clock, { type: 'member', id: row.person_id, name: row.person }, {
      entityType: 'contact',
      entityId: row.organization_id,
      action: 'organization_contact.confirm',
      after: { linkId: row.id, personId: row.person_id, role: row.role, status: 'confirmed' },
    });
    return { confirmed: true as const };
  });
