import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { conflict } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Money } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy } from './catalog.ts';
import { checkCampaignCode } from './check-campaign-code.ts';

/**
 * Uses a campaign code once for a new membership of type `typeId` starting on `date`, inside the
 * caller's transaction (the signup or order that uses it), and gives the first-period price.
 * The use count goes up with a conditional update, so with many signups at once exactly
 * `max_uses` succeed: on PostgreSQL a second updater waits for the first and re-checks the row.
 */
export const redeemCampaignCode = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  input: { code: string; membershipTypeId: string; date: string },
): Promise<{ campaignId: string; price: Money; regularPrice: Money }> => {
  const check = await checkCampaignCode(tx, input);
  if (!check.valid || !check.campaign) throw conflict(check.valid ? 'The campaign code was not found.' : check.reason, { field: 'code' });
  const campaign = check.campaign;
  const updated = await tx
    .updateTable('campaign_code')
    .set({ uses: sql`uses + 1` })
    .where('id', '=', campaign.id)
    .where('archived', '=', 0)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returning('uses')
    .executeTakeFirst();
  if (!updated) throw conflict(`The campaign code ${campaign.code} has been used the most times allowed (${campaign.maxUses}).`, { field: 'code' });
  const uses = Number(updated.uses);
  await recordAudit(tx, clock, by.actor, {
    entityType: 'campaign_code',
    entityId: campaign.id,
    action: 'redeem',
    before: { uses: uses - 1 },
    after: { uses, membershipTypeId: input.membershipTypeId, date: input.date },
    requestId: by.requestId,
  });
  return { campaignId: campaign.id, price: check.price, regularPrice: check.regularPrice };
};
