import { inTransaction } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import {
  assertDescription,
  assertGlAccount,
  assertName,
  assertTrialDays,
  assertTypeFrequency,
  normalizeTypeCode,
  normalizeVatRate,
  type CatalogDeps,
  type ChangedBy,
  type MembershipType,
} from './catalog.ts';
import { auditCatalogUpdate, getMembershipType, typeSnapshot } from './catalog-store.ts';
import { assertConversion, assertFollows, assertTypeCodeFree, type MembershipTypeInput } from './create-membership-type.ts';

export type MembershipTypePatch = Partial<Omit<MembershipTypeInput, 'price' | 'priceEffectiveFrom'>> & { archived?: boolean };

/** Changes a membership type (prices change through addPriceVersion). archived: true archives it, false restores it. */
export const updateMembershipType = async (deps: CatalogDeps, by: ChangedBy, id: string, patch: MembershipTypePatch): Promise<MembershipType> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getMembershipType(tx, id);
    const code = patch.code !== undefined ? normalizeTypeCode(patch.code) : before.code;
    if (code !== before.code) await assertTypeCodeFree(tx, code, id);
    const trialDays = patch.trialDays ?? before.trialDays;
    assertTrialDays(trialDays);
    const convertsToId = patch.convertsToId !== undefined ? patch.convertsToId : before.convertsToId;
    if (patch.convertsToId !== undefined || patch.trialDays !== undefined) await assertConversion(tx, id, convertsToId, trialDays);
    const followsId = patch.followsId !== undefined ? patch.followsId : before.followsId;
    if (patch.followsId !== undefined) await assertFollows(tx, id, followsId);
    const archived = patch.archived ?? before.archived;
    if (archived && !before.archived) {
      // Members of a trial must still have somewhere to go when it ends.
      const from = await tx.selectFrom('membership_type').select('code').where('converts_to_id', '=', id).where('archived', '=', 0).execute();
      if (from.length) throw conflict(`${from.map((r) => r.code).join(', ')} convert${from.length === 1 ? 's' : ''} to ${before.code}; change that first.`, { field: 'archived' });
      // Household secondaries of a type in use must still have their primary's type.
      const followers = await tx.selectFrom('membership_type').select('code').where('follows_id', '=', id).where('archived', '=', 0).execute();
      if (followers.length) throw conflict(`${followers.map((r) => r.code).join(', ')} follow${followers.length === 1 ? 's' : ''} ${before.code}; change that first.`, { field: 'archived' });
    }
    await tx
      .updateTable('membership_type')
      .set({
        code,
        name: patch.name !== undefined ? assertName(patch.name) : before.name,
        description: patch.description !== undefined ? assertDescription(patch.description) : before.description,
        frequency: patch.frequency !== undefined ? assertTypeFrequency(patch.frequency) : before.frequency,
        trial_days: trialDays,
        converts_to_id: convertsToId,
        signup_allowed: (patch.signupAllowed ?? before.signupAllowed) ? 1 : 0,
        special_price: (patch.specialPrice ?? before.specialPrice) ? 1 : 0,
        invoiced: (patch.invoiced ?? before.invoiced) ? 1 : 0,
        gl_account: patch.glAccount !== undefined ? assertGlAccount(patch.glAccount) : before.glAccount,
        vat_rate: patch.vatRate !== undefined ? normalizeVatRate(patch.vatRate) : before.vatRate,
        follows_id: followsId,
        archived: archived ? 1 : 0,
        position: patch.position ?? before.position,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getMembershipType(tx, id);
    await auditCatalogUpdate(tx, deps.clock, by, { entityType: 'membership_type', entityId: id }, { before, after, snapshot: typeSnapshot });
    return after;
  });

export const archiveMembershipType = (deps: CatalogDeps, by: ChangedBy, id: string) => updateMembershipType(deps, by, id, { archived: true });
