import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
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
  type TypeFrequency,
} from './catalog.ts';
import { firstPrice, getMembershipType, insertPrice, nextPosition, typeSnapshot } from './catalog-store.ts';

export interface MembershipTypeInput {
  code: string;
  name: string;
  description?: string;
  frequency: TypeFrequency;
  trialDays?: number;
  convertsToId?: string | null;
  signupAllowed?: boolean;
  specialPrice?: boolean;
  invoiced?: boolean;
  /** NNNNN-NNNN; null or left out: the miscellaneous sales account setting applies. */
  glAccount?: string | null;
  /** Decimal percent, "25" or "0" (the default). */
  vatRate?: string;
  /** The type a household secondary follows (FM2 follows FM1); null for none. */
  followsId?: string | null;
  position?: number;
  /** The first price, in major units of the organization currency ("450.00"). */
  price: string;
  /** When the first price takes effect; today when left out. */
  priceEffectiveFrom?: string;
}

/**
 * The type a trial or discount converts to must exist, be in use, and not lead back to the type
 * itself (a loop would convert members for ever).
 */
export const assertConversion = async (tx: Kysely<DB>, selfId: string | null, convertsToId: string | null, trialDays: number): Promise<void> => {
  if (trialDays > 0 && !convertsToId) {
    throw validation('A type with trial days needs a type to convert to when the trial ends (convertsToId), such as NUL.', { field: 'convertsToId' });
  }
  if (!convertsToId) return;
  let next: string | null = convertsToId;
  for (let hops = 0; next; hops++) {
    if (next === selfId) throw validation('A type cannot convert to itself, directly or through other types.', { field: 'convertsToId' });
    const row: { code: string; archived: number; converts_to_id: string | null } | undefined = await tx
      .selectFrom('membership_type')
      .select(['code', 'archived', 'converts_to_id'])
      .where('id', '=', next)
      .executeTakeFirst();
    if (!row) throw validation(`There is no membership type with id "${next}" to convert to.`, { field: 'convertsToId' });
    if (hops === 0 && Number(row.archived) === 1) throw validation(`The type ${row.code} is archived; restore it or choose another type to convert to.`, { field: 'convertsToId' });
    if (hops > 50) break;
    next = row.converts_to_id;
  }
};

/**
 * A household secondary type follows another type: it must exist, be in use, not be the type
 * itself, and the chain of "follows" must not lead back to it.
 */
export const assertFollows = async (tx: Kysely<DB>, selfId: string | null, followsId: string | null): Promise<void> => {
  if (!followsId) return;
  let next: string | null = followsId;
  for (let hops = 0; next; hops++) {
    if (next === selfId) throw validation('A type cannot follow itself, directly or through other types.', { field: 'followsId' });
    const row: { code: string; archived: number; follows_id: string | null } | undefined = await tx
      .selectFrom('membership_type')
      .select(['code', 'archived', 'follows_id'])
      .where('id', '=', next)
      .executeTakeFirst();
    if (!row) throw validation(`There is no membership type with id "${next}" to follow.`, { field: 'followsId' });
    if (hops === 0 && Number(row.archived) === 1) throw validation(`The type ${row.code} is archived; restore it or choose another type to follow.`, { field: 'followsId' });
    if (hops > 50) break;
    next = row.follows_id;
  }
};

export const assertTypeCodeFree = async (tx: Kysely<DB>, code: string, selfId: string | null) => {
  let q = tx.selectFrom('membership_type').select('id').where('code', '=', code);
  if (selfId) q = q.where('id', '!=', selfId);
  if (await q.executeTakeFirst()) throw conflict(`A membership type with the code ${code} already exists (perhaps archived); choose another code.`, { field: 'code' });
};

export const createMembershipType = async (deps: CatalogDeps, by: ChangedBy, input: MembershipTypeInput): Promise<MembershipType> => {
  const code = normalizeTypeCode(input.code);
  const name = assertName(input.name);
  const description = assertDescription(input.description);
  const frequency = assertTypeFrequency(input.frequency);
  const trialDays = input.trialDays ?? 0;
  assertTrialDays(trialDays);
  const glAccount = assertGlAccount(input.glAccount ?? null);
  const vatRate = normalizeVatRate(input.vatRate ?? '0');
  return inTransaction(deps.db, async (tx) => {
    const { currency, amount, effectiveFrom } = await firstPrice(tx, deps.clock, input);
    await assertTypeCodeFree(tx, code, null);
    await assertConversion(tx, null, input.convertsToId ?? null, trialDays);
    await assertFollows(tx, null, input.followsId ?? null);
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('membership_type')
      .values({
        id,
        code,
        name,
        description,
        frequency,
        trial_days: trialDays,
        converts_to_id: input.convertsToId ?? null,
        signup_allowed: (input.signupAllowed ?? true) ? 1 : 0,
        special_price: input.specialPrice ? 1 : 0,
        invoiced: (input.invoiced ?? true) ? 1 : 0,
        gl_account: glAccount,
        vat_rate: vatRate,
        follows_id: input.followsId ?? null,
        archived: 0,
        position: input.position ?? (await nextPosition(tx, 'membership_type')),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertPrice(tx, deps.clock, 'membership_type', id, { minor: amount.minor, currency, effectiveFrom });
    const created = await getMembershipType(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'membership_type', entityId: id, action: 'create', after: typeSnapshot(created), requestId: by.requestId });
    return created;
  });
};
