import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Money } from '../../kernel/money.ts';
import { applyCampaign, assertDay, priceInForce, type CampaignCheck, type CampaignCode } from './catalog.ts';
import { findCampaignCode, getMembershipType } from './catalog-store.ts';

/**
 * What a campaign code would give a new member of type `typeId` signing up on `date`, without
 * using it. An unknown code is "not valid", not an error: members type these.
 */
export const checkCampaignCode = async (
  db: Kysely<DB>,
  input: { code: string; membershipTypeId: string; date: string },
): Promise<CampaignCheck & { campaign: CampaignCode | null }> => {
  assertDay(input.date, 'date', 'The date');
  const type = await getMembershipType(db, input.membershipTypeId);
  const price: Money | null = priceInForce(type.prices, input.date)?.amount ?? null;
  const campaign = await findCampaignCode(db, input.code);
  if (!campaign) return { valid: false, reason: `There is no campaign code ${input.code.trim().toUpperCase()}.`, regularPrice: price, campaign: null };
  return { ...applyCampaign(campaign, { id: type.id, code: type.code, price }, input.date), campaign };
};
