import { inTransaction } from '../../db/database.ts';
import { isAppError, validation } from '../../kernel/app-error.ts';
import { readCsvFile } from '../../kernel/csv.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import type { ChangedBy, Subscription, SubscriptionDeps, SubscriptionItem } from './subscription.ts';
import { findSubscription, loadSubscriptionItem, toSubscription } from './subscription-store.ts';
import { checkUsage, insertUsage } from './usage.ts';

/** Column names the usage file may use (case and spaces ignored). */
const COLUMNS = {
  subscription: ['subscription', 'subscription_id', 'subscriptionid'],
  memberNumber: ['member_number', 'membernumber', 'member'],
  accountType: ['account_type', 'accounttype', 'type'],
  attribute: ['attribute', 'attribute_code', 'attributecode'],
  date: ['date', 'used_on', 'usedon'],
  quantity: ['quantity', 'qty'],
  ref: ['ref', 'external_ref', 'externalref', 'reference'],
} as const;
export const MAX_USAGE_IMPORT_BYTES = 5_000_000;

export interface UsageImportReport {
  dryRun: boolean;
  rows: number;
  /** Rows stored (0 on a dry run or when any row has an error). */
  created: number;
  /** Rows whose reference was already stored (or repeated in the file): skipped. */
  duplicates: number;
  errors: Array<{ line: number; message: string }>;
}

/**
 * Imports usage from CSV: columns subscription (id) or member_number + account_type (code),
 * attribute, date, quantity, ref (optional). All or nothing: with any error nothing is stored and
 * every error is reported with its line number (a 400 whose details.report lists them). A dry run
 * checks without storing and answers the same report.
 */
export const importUsage = (deps: SubscriptionDeps, by: ChangedBy, input: { csv: string | Uint8Array; dryRun: boolean }): Promise<UsageImportReport> => {
  const bytes = typeof input.csv === 'string' ? new TextEncoder().encode(input.csv) : input.csv;
  if (bytes.length > MAX_USAGE_IMPORT_BYTES) throw validation(`The file is larger than ${MAX_USAGE_IMPORT_BYTES / 1_000_000} MB; split it into smaller files.`, { field: 'csv' });
  const file = readCsvFile(bytes);
  const norm = file.header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const col = (names: readonly string[]) => norm.findIndex((h) => names.includes(h));
  const idx = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, col(names)])) as Record<keyof typeof COLUMNS, number>;
  const missing: string[] = [];
  if (idx.subscription < 0 && (idx.memberNumber < 0 || idx.accountType < 0)) missing.push('subscription (or member_number and account_type)');
  for (const k of ['attribute', 'date', 'quantity'] as const) if (idx[k] < 0) missing.push(k);
  if (missing.length) throw validation(`The file's first line must name the columns; missing: ${missing.join(', ')}. Found: ${file.header.join(', ')}.`, { field: 'csv' });

  return inTransaction(deps.db, async (tx) => {
    const today = await orgToday(tx, deps.clock);
    const subs = new Map<string, Subscription | null>();
    const items = new Map<string, SubscriptionItem>();
    const errors: UsageImportReport['errors'] = [];
    const toInsert: Parameters<typeof insertUsage>[2] = [];
    const seenRefs = new Set<string>();
    let duplicates = 0;
    const cell = (fields: string[], i: number) => (i < 0 ? '' : (fields[i] ?? '').trim());

    for (const rec of file.rows) {
      try {
        let sub: Subscription | null = null;
        const subId = cell(rec.fields, idx.subscription);
        if (subId) {
          if (!subs.has(subId)) subs.set(subId, await findSubscription(tx, subId));
          sub = subs.get(subId)!;
          if (!sub) throw validation(`No subscription has the id ${subId}.`);
        } else {
          const member = cell(rec.fields, idx.memberNumber);
          const typeCode = cell(rec.fields, idx.accountType).toUpperCase();
          if (!/^\d{1,15}$/.test(member) || !typeCode) throw validation('Give the subscription id, or the member number and the account type code.');
          const key = `${member}|${typeCode}`;
          if (!subs.has(key)) {
            const rows = await tx
              .selectFrom('subscription')
              .innerJoin('contact', 'contact.id', 'subscription.contact_id')
              .innerJoin('account_type', 'account_type.id', 'subscription.item_id')
              .selectAll('subscription')
              .where('subscription.item_type', '=', 'account_type')
              .where('contact.member_number', '=', Number(member))
              .where('account_type.code', '=', typeCode)
              .where('subscription.status', '!=', 'ended')
              .execute();
            if (rows.length > 1) throw validation(`Member ${member} has ${rows.length} ${typeCode} subscriptions; give the subscription id instead.`);
            subs.set(key, rows[0] ? toSubscription(rows[0]) : null);
          }
          sub = subs.get(key)!;
          if (!sub) throw validation(`Member ${member} has no ${typeCode} subscription that has not ended.`);
        }
        const itemKey = `${sub.itemType}:${sub.itemId}`;
        if (!items.has(itemKey)) items.set(itemKey, await loadSubscriptionItem(tx, sub.itemType, sub.itemId));
        const checked = checkUsage(sub, items.get(itemKey)!, { attributeCode: cell(rec.fields, idx.attribute), usedOn: cell(rec.fields, idx.date), quantity: cell(rec.fields, idx.quantity), externalRef: cell(rec.fields, idx.ref) }, today);
        if (checked.externalRef !== null) {
          const refKey = `${sub.id}|${checked.externalRef}`;
          const stored = await tx.selectFrom('usage_record').select('id').where('subscription_id', '=', sub.id).where('external_ref', '=', checked.externalRef).executeTakeFirst();
          if (stored || seenRefs.has(refKey)) {
            duplicates++;
            continue;
          }
          seenRefs.add(refKey);
        }
        toInsert.push({ subscriptionId: sub.id, ...checked, source: 'csv' });
      } catch (e) {
        if (!isAppError(e)) throw e;
        errors.push({ line: rec.line, message: e.message });
      }
    }
    const report: UsageImportReport = { dryRun: input.dryRun, rows: file.rows.length, created: 0, duplicates, errors };
    if (!input.dryRun && errors.length) {
      throw validation(`Nothing was imported: ${errors.length} ${errors.length === 1 ? 'line has an error' : 'lines have errors'} (first: line ${errors[0]!.line}: ${errors[0]!.message}). Correct the file and import it again.`, { field: 'csv', report });
    }
    if (input.dryRun || !toInsert.length) return report;
    await insertUsage(tx, deps.clock, toInsert);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'usage_record',
      entityId: 'import',
      action: 'import',
      after: { rows: file.rows.length, created: toInsert.length, duplicates, subscriptions: [...new Set(toInsert.map((r) => r.subscriptionId))].length },
      requestId: by.requestId,
    });
    return { ...report, created: toInsert.length };
  });
};
