import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertGlAccount, normalizeVatRate, orgCurrency, orgToday } from '../catalog/index.ts';
import { CHARGE_FREQUENCIES, assertAnchorDay, assertDate, assertDescriptionText, assertEndAfterStart, lowerNextDue, type ChangedBy, type ChargeFrequency, type SubscriptionDeps } from './subscription.ts';
import { parseMoneyField } from './create-subscription.ts';
import { activeContact, diff, resolvePayer } from './subscription-store.ts';
import { getRecurringCharge, recurringSnapshot, type RecurringCharge } from './charge-store.ts';

/** A fixed amount billed every month, quarter or year (seed 004: recurring charges), net of VAT. */
export interface RecurringChargeInput {
  contactId: string;
  payerId?: string | null;
  description: string;
  /** Decimal in the organization currency, like "150.00". */
  amount: string;
  frequency: ChargeFrequency;
  startDate?: string;
  anchorDay?: number;
  endDate?: string | null;
  glAccount?: string | null;
  vatRate?: string;
}
export type RecurringChargePatch = Partial<Omit<RecurringChargeInput, 'contactId'>> & { archived?: boolean };

const frequencyOf = (f: string): ChargeFrequency => {
  if (!(CHARGE_FREQUENCIES as readonly string[]).includes(f)) throw validation(`The frequency must be one of: ${CHARGE_FREQUENCIES.join(', ')}; got "${f}".`, { field: 'frequency' });
  return f as ChargeFrequency;
};
const amountOf = (text: string, currency: string): bigint => {
  const minor = parseMoneyField(text, currency, 'amount');
  if (minor < 0n) throw validation('The amount cannot be negative; credit the payer with a credit note instead.', { field: 'amount' });
  return minor;
};

export const createRecurringCharge = (deps: SubscriptionDeps, by: ChangedBy, input: RecurringChargeInput): Promise<RecurringCharge> =>
  inTransaction(deps.db, async (tx) => {
    const today = await orgToday(tx, deps.clock);
    const contact = await activeContact(tx, input.contactId);
    const payerId = await resolvePayer(tx, contact, input.payerId);
    const currency = await orgCurrency(tx);
    const startDate = assertDate(input.startDate ?? today, 'startDate', 'The start date');
    const endDate = input.endDate ? assertDate(input.endDate, 'endDate', 'The end date') : null;
    assertEndAfterStart(startDate, endDate);
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('recurring_charge')
      .values({
        id,
        contact_id: contact.id,
        payer_id: payerId,
        description: assertDescriptionText(input.description),
        amount_minor: amountOf(input.amount, currency).toString(),
        currency,
        frequency: frequencyOf(input.frequency),
        start_date: startDate,
        anchor_day: assertAnchorDay(input.anchorDay ?? Number(startDate.slice(8, 10))),
        end_date: endDate,
        gl_account: assertGlAccount(input.glAccount ?? null),
        vat_rate: normalizeVatRate(input.vatRate ?? '0'),
        cursor: null,
        next_due: startDate,
        archived: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const created = await getRecurringCharge(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'recurring_charge', entityId: id, action: 'create', after: recurringSnapshot(created), requestId: by.requestId });
    return created;
  });

/** Changes a recurring charge; the schedule (start, anchor, frequency) is fixed once a period is billed. archived: true stops it. */
export const updateRecurringCharge = (deps: SubscriptionDeps, by: ChangedBy, id: string, patch: RecurringChargePatch): Promise<RecurringCharge> =>
  inTransaction(deps.db, (tx) => updateRecurringChargeInTx(tx, deps, by, id, patch));

const updateRecurringChargeInTx = async (tx: Kysely<DB>, deps: SubscriptionDeps, by: ChangedBy, id: string, patch: RecurringChargePatch): Promise<RecurringCharge> => {
  const before = await getRecurringCharge(tx, id);
  const today = await orgToday(tx, deps.clock);
  const startDate = patch.startDate !== undefined ? assertDate(patch.startDate, 'startDate', 'The start date') : before.startDate;
  const anchorDay = patch.anchorDay !== undefined ? assertAnchorDay(patch.anchorDay) : before.anchorDay;
  const frequency = patch.frequency !== undefined ? frequencyOf(patch.frequency) : before.frequency;
  if (before.cursor !== null && (startDate !== before.startDate || anchorDay !== before.anchorDay || frequency !== before.frequency)) {
    throw conflict(`The start, anniversary day and frequency cannot change once a period is billed (billed from ${before.cursor}). End this charge and create a new one.`, { field: 'frequency' });
  }
  const endDate = patch.endDate !== undefined ? (patch.endDate ? assertDate(patch.endDate, 'endDate', 'The end date') : null) : before.endDate;
  assertEndAfterStart(startDate, endDate);
  const amountMinor = patch.amount !== undefined ? amountOf(patch.amount, before.currency) : before.amountMinor;
  const payerId = patch.payerId !== undefined ? await resolvePayer(tx, await activeContact(tx, before.contactId), patch.payerId) : before.payerId;
  const archived = patch.archived ?? before.archived;
  const scheduleChanged = startDate !== before.startDate || anchorDay !== before.anchorDay || frequency !== before.frequency || endDate !== before.endDate || amountMinor !== before.amountMinor || archived !== before.archived;
  await tx
    .updateTable('recurring_charge')
    .set({
      payer_id: payerId,
      description: patch.description !== undefined ? assertDescriptionText(patch.description) : before.description,
      amount_minor: amountMinor.toString(),
      frequency,
      start_date: startDate,
      anchor_day: anchorDay,
      end_date: endDate,
      gl_account: patch.glAccount !== undefined ? assertGlAccount(patch.glAccount) : before.glAccount,
      vat_rate: patch.vatRate !== undefined ? normalizeVatRate(patch.vatRate) : before.vatRate,
      archived: archived ? 1 : 0,
      next_due: scheduleChanged
        ? lowerNextDue(before.cursor === null && before.nextDue !== null && startDate < before.nextDue ? startDate : before.nextDue, today, archived)
        : before.nextDue,
      updated_at: deps.clock.now().toISOString(),
    })
    .where('id', '=', id)
    .execute();
  const after = await getRecurringCharge(tx, id);
  const changes = diff(recurringSnapshot(before), recurringSnapshot(after));
  if (changes) {
    const action = before.archived !== after.archived ? (after.archived ? 'archive' : 'restore') : 'update';
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'recurring_charge', entityId: id, action, ...changes, requestId: by.requestId });
  }
  return after;
};
