import type { Kysely } from 'kysely';
import { inTransaction, lockResource, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { money, type Money } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { getSetting } from '../settings/index.ts';
import { authorOf, type ChangedBy, type LedgerDeps } from './deps.ts';
import { loadLedgerInvoices, postHeldInvoices, recordIssuedInvoices, recordVoidedInvoice } from './invoice-postings.ts';
import { inList } from './ledger-db.ts';

type Db = Kysely<DB>;

/** One row of the holding step: an issued invoice or credit note on its way to the ledger. */
export interface HoldingItem {
  invoiceId: string;
  kind: string;
  number: number | null;
  payerId: string;
  payerName: string | null;
  issueDate: string | null;
  total: Money;
  queuedAt: string;
  /** When the built-in ledger posted it (null: still waiting). */
  importedAt: string | null;
  entryId: string | null;
  /** When an external system said it took it (POST …/holding/export). */
  exportedAt: string | null;
}

export const HOLDING_STATUSES = ['waiting', 'imported', 'not_exported', 'exported', 'all'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

/** The holding step, oldest first. Default: what waits for the built-in ledger. */
export const listHolding = async (db: Db, q: { page: number; pageSize: number; status?: HoldingStatus }): Promise<{ items: HoldingItem[]; page: number; pageSize: number; total: number }> => {
  const currency = await getSetting(db, 'organization.currency');
  let base = db.selectFrom('ledger_holding as h').innerJoin('invoice as i', 'i.id', 'h.invoice_id');
  const status = q.status ?? 'waiting';
  if (status === 'waiting') base = base.where('h.imported_at', 'is', null);
  if (status === 'imported') base = base.where('h.imported_at', 'is not', null);
  if (status === 'not_exported') base = base.where('h.exported_at', 'is', null);
  if (status === 'exported') base = base.where('h.exported_at', 'is not', null);
  const count = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await base
    .select(['h.invoice_id', 'h.queued_at', 'h.imported_at', 'h.entry_id', 'h.exported_at', 'i.kind', 'i.number', 'i.payer_id', 'i.payer_name', 'i.issue_date', 'i.total_minor', 'i.currency'])
    .orderBy('h.queued_at')
    .orderBy('i.number')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return {
    items: rows.map((r) => ({
      invoiceId: r.invoice_id,
      kind: r.kind,
      number: r.number === null ? null : toNumber(r.number),
      payerId: r.payer_id,
      payerName: r.payer_name,
      issueDate: r.issue_date,
      total: money(toBigInt(r.total_minor), r.currency || currency),
      queuedAt: r.queued_at,
      importedAt: r.imported_at,
      entryId: r.entry_id,
      exportedAt: r.exported_at,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total: toNumber(count?.n),
  };
};

const IMPORT_BATCH = 1000;

/**
 * Imports what waits in the holding step into the built-in ledger, oldest first, a batch of
 * invoices per transaction (one audit row per batch). The scheduled task `ledger.import` runs it
 * every 10 minutes; `guildhall ledger import` and POST /api/v1/ledger/holding/import on demand.
 */
export const importHeld = async (deps: LedgerDeps, by: ChangedBy, opts: { limit?: number } = {}): Promise<{ imported: number; batches: number }> => {
  let imported = 0;
  let batches = 0;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  while (imported < limit) {
    const n = await inTransaction(deps.db, async (tx) => {
      // The ledger lock first: a void importing the same row, or a second importer, waits.
      await lockResource(tx, 'ledger');
      const rows = await tx
        .selectFrom('ledger_holding')
        .select('invoice_id')
        .where('imported_at', 'is', null)
        .orderBy('queued_at')
        .orderBy('invoice_id')
        .limit(Math.min(IMPORT_BATCH, limit - imported))
        .execute();
      if (!rows.length) return 0;
      const ids = rows.map((r) => r.invoice_id);
      const count = await postHeldInvoices(tx, deps, authorOf(by), ids);
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'ledger_holding', entityId: newId(deps.clock.now().getTime()), action: 'import', after: { invoices: count }, requestId: by.requestId });
      return rows.length;
    });
    if (!n) break;
    imported += n;
    batches++;
  }
  return { imported, batches };
};

/**
 * Puts invoices and credit notes issued before the ledger existed (no row in the holding step)
 * through it now, oldest first, a batch per transaction: posted at once or held, as the setting
 * says; a void one is posted together with its mirror. Run once after upgrading (`guildhall
 * ledger backfill`); afterwards it finds nothing.
 */
export const backfillHolding = async (deps: LedgerDeps, by: ChangedBy): Promise<{ invoices: number; voided: number }> => {
  let invoices = 0;
  let voided = 0;
  for (;;) {
    const n = await inTransaction(deps.db, async (tx) => {
      await lockResource(tx, 'ledger');
      const rows = await tx
        .selectFrom('invoice')
        .leftJoin('ledger_holding', 'ledger_holding.invoice_id', 'invoice.id')
        .select(['invoice.id', 'invoice.status'])
        .where('ledger_holding.invoice_id', 'is', null)
        .where('invoice.status', '<>', 'draft')
        .orderBy('invoice.number')
        .limit(IMPORT_BATCH)
        .execute();
      if (!rows.length) return 0;
      const live = rows.filter((r) => r.status !== 'void').map((r) => r.id);
      await recordIssuedInvoices(tx, deps, authorOf(by), await loadLedgerInvoices(tx, live));
      const voids = rows.filter((r) => r.status === 'void');
      for (const v of voids) await recordVoidedInvoice(tx, deps, authorOf(by), v.id);
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'ledger_holding', entityId: newId(deps.clock.now().getTime()), action: 'backfill', after: { invoices: live.length, voided: voids.length }, requestId: by.requestId });
      invoices += live.length;
      voided += voids.length;
      return rows.length;
    });
    if (!n) break;
  }
  return { invoices, voided };
};

/** An external accounting system says it took these invoices from the holding step. */
export const markExported = async (deps: LedgerDeps, by: ChangedBy, input: { invoiceIds: string[] }): Promise<{ exported: number; alreadyExported: number }> => {
  const ids = [...new Set(input.invoiceIds ?? [])];
  if (!ids.length) throw validation('Name at least one invoice id.', { field: 'invoiceIds' });
  if (ids.length > 10_000) throw validation('Mark at most 10,000 invoices at a time.', { field: 'invoiceIds' });
  return inTransaction(deps.db, async (tx) => {
    const rows = await tx.selectFrom('ledger_holding').select(['invoice_id', 'exported_at']).where(inList(tx, 'invoice_id', ids)).execute();
    const found = new Set(rows.map((r) => r.invoice_id));
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) {
      throw validation(`${unknown.length === 1 ? 'This invoice is' : `${unknown.length} invoices are`} not in the holding step (not issued, or not an invoice): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}.`, {
        field: 'invoiceIds',
        invoiceIds: unknown.slice(0, 100),
      });
    }
    const fresh = rows.filter((r) => r.exported_at === null).map((r) => r.invoice_id);
    if (fresh.length) {
      const now = deps.clock.now().toISOString();
      await tx.updateTable('ledger_holding').set({ exported_at: now }).where(inList(tx, 'invoice_id', fresh)).where('exported_at', 'is', null).execute();
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'ledger_holding', entityId: newId(deps.clock.now().getTime()), action: 'export', after: { invoices: fresh.length, invoiceIds: fresh.slice(0, 1000) }, requestId: by.requestId });
    }
    return { exported: fresh.length, alreadyExported: rows.length - fresh.length };
  });
};
