import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { parseMoney } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import {
  assertCampaignFields,
  assertCampaignKind,
  assertDescription,
  normalizeCampaignCode,
  normalizePercent,
  type CampaignCode,
  type CampaignKind,
  type CatalogDeps,
  type ChangedBy,
} from './catalog.ts';
import { campaignSnapshot, getCampaignCode, orgCurrency } from './catalog-store.ts';

export interface CampaignCodeInput {
  code: string;
  description?: string;
  kind: CampaignKind;
  /** Percent off the first period ("50"), for kind percent. */
  percent?: string | null;
  /** First-period price in major units ("100.00"), for kind fixed_price. */
  amount?: string | null;
  validFrom: string;
  validTo: string;
  maxUses?: number | null;
  /** Membership type ids; null or left out: every type. */
  appliesTo?: string[] | null;
}

/** The listed types must exist; the list is stored without duplicates. */
export const checkAppliesTo = async (tx: Kysely<DB>, ids: string[] | null): Promise<string[] | null> => {
  if (ids === null) return null;
  const unique = [...new Set(ids)];
  if (!unique.length) throw validation('List at least one membership type, or leave appliesTo empty (null) for every type.', { field: 'appliesTo' });
  const found = new Set((await tx.selectFrom('membership_type').select('id').where('id', 'in', unique).execute()).map((r) => r.id));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw validation(`There is no membership type with id ${missing.map((m) => `"${m}"`).join(', ')}.`, { field: 'appliesTo' });
  return unique;
};

export const assertCampaignCodeFree = async (tx: Kysely<DB>, code: string, selfId: string | null) => {
  let q = tx.selectFrom('campaign_code').select('id').where('code', '=', code);
  if (selfId) q = q.where('id', '!=', selfId);
  if (await q.executeTakeFirst()) throw conflict(`The campaign code ${code} already exists (perhaps archived); choose another.`, { field: 'code' });
};

export const createCampaignCode = async (deps: CatalogDeps, by: ChangedBy, input: CampaignCodeInput): Promise<CampaignCode> => {
  const code = normalizeCampaignCode(input.code);
  const kind = assertCampaignKind(input.kind);
  const description = assertDescription(input.description);
  const percent = input.percent == null ? null : normalizePercent(input.percent, 'percent', 'The percent off', { zero: false });
  return inTransaction(deps.db, async (tx) => {
    const currency = await orgCurrency(tx);
    const amount = input.amount == null ? null : parseMoney(input.amount, currency);
    const maxUses = input.maxUses ?? null;
    assertCampaignFields({ kind, percent, amount, validFrom: input.validFrom, validTo: input.validTo, maxUses, uses: 0 });
    const appliesTo = await checkAppliesTo(tx, input.appliesTo ?? null);
    await assertCampaignCodeFree(tx, code, null);
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('campaign_code')
      .values({
        id,
        code,
        description,
        kind,
        percent,
        amount_minor: amount ? amount.minor.toString() : null,
        currency: amount ? currency : null,
        valid_from: input.validFrom,
        valid_to: input.validTo,
        max_uses: maxUses,
        uses: 0,
        applies_to: appliesTo ? JSON.stringify(appliesTo) : null,
        archived: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const created = await getCampaignCode(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'campaign_code', entityId: id, action: 'create', after: campaignSnapshot(created), requestId: by.requestId });
    return created;
  });
};
