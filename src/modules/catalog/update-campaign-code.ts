import { inTransaction } from '../../db/database.ts';
import { parseMoney } from '../../kernel/money.ts';
import { assertCampaignFields, assertCampaignKind, assertDescription, normalizeCampaignCode, normalizePercent, type CampaignCode, type CatalogDeps, type ChangedBy } from './catalog.ts';
import { auditCatalogUpdate, campaignSnapshot, getCampaignCode, orgCurrency } from './catalog-store.ts';
import { assertCampaignCodeFree, checkAppliesTo, type CampaignCodeInput } from './create-campaign-code.ts';

export type CampaignCodePatch = Partial<CampaignCodeInput> & { archived?: boolean };

/** Changes a campaign code. Its use count is kept; the limit cannot go below it. */
export const updateCampaignCode = async (deps: CatalogDeps, by: ChangedBy, id: string, patch: CampaignCodePatch): Promise<CampaignCode> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getCampaignCode(tx, id);
    const code = patch.code !== undefined ? normalizeCampaignCode(patch.code) : before.code;
    if (code !== before.code) await assertCampaignCodeFree(tx, code, id);
    const kind = patch.kind !== undefined ? assertCampaignKind(patch.kind) : before.kind;
    // Switching kind drops the other kind's value unless it is given again.
    const percent =
      patch.percent !== undefined ? (patch.percent === null ? null : normalizePercent(patch.percent, 'percent', 'The percent off', { zero: false })) : kind === 'percent' ? before.percent : null;
    const amount = patch.amount !== undefined ? (patch.amount === null ? null : parseMoney(patch.amount, await orgCurrency(tx))) : kind === 'fixed_price' ? before.amount : null;
    const merged = {
      kind,
      percent,
      amount,
      validFrom: patch.validFrom ?? before.validFrom,
      validTo: patch.validTo ?? before.validTo,
      maxUses: patch.maxUses !== undefined ? patch.maxUses : before.maxUses,
      uses: before.uses,
    };
    assertCampaignFields(merged);
    const appliesTo = patch.appliesTo !== undefined ? await checkAppliesTo(tx, patch.appliesTo) : before.appliesTo;
    await tx
      .updateTable('campaign_code')
      .set({
        code,
        description: patch.description !== undefined ? assertDescription(patch.description) : before.description,
        kind,
        percent,
        amount_minor: amount ? amount.minor.toString() : null,
        currency: amount ? amount.currency : null,
        valid_from: merged.validFrom,
        valid_to: merged.validTo,
        max_uses: merged.maxUses,
        applies_to: appliesTo ? JSON.stringify(appliesTo) : null,
        archived: (patch.archived ?? before.archived) ? 1 : 0,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getCampaignCode(tx, id);
    await auditCatalogUpdate(tx, deps.clock, by, { entityType: 'campaign_code', entityId: id }, { before, after, snapshot: campaignSnapshot });
    return after;
  });

export const archiveCampaignCode = (deps: CatalogDeps, by: ChangedBy, id: string) => updateCampaignCode(deps, by, id, { archived: true });
