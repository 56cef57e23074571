import type { JobRegistry, ScheduledTaskDef } from '../../jobs/registry.ts';
import { systemActor } from '../audit/index.ts';
import { importHeld } from './holding.ts';
import { startLedgerCheck } from './ledger-checks.ts';

/**
 * Every 10 minutes the built-in ledger imports what waits in the holding step (setting
 * ledger.invoice_posting = held; with 'immediate' nothing waits and the run reads one empty page).
 */
export const ledgerImportTask: ScheduledTaskDef = {
  name: 'ledger.import',
  cron: '*/10 * * * *',
  handler: async (ctx) => {
    const result = await importHeld(ctx, { actor: systemActor });
    if (result.imported) ctx.log.info({ imported: result.imported }, 'ledger: imported held invoices');
  },
};

/**
 * Every night the books are checked (chain walk and invariants, off the request thread) and the
 * result stored, so the ledger pages show a recent check without running one; a check that finds
 * something is logged as an error.
 */
export const ledgerCheckTask: ScheduledTaskDef = {
  name: 'ledger.check',
  cron: '40 3 * * *',
  handler: async (ctx) => {
    const { done } = await startLedgerCheck({ db: ctx.db, clock: ctx.clock, target: ctx.config.database, log: ctx.log }, { actor: systemActor });
    const check = await done;
    if (check.status === 'failed') throw new Error(check.error ?? 'The ledger check failed.');
    if (!check.ok) ctx.log.error({ checkId: check.id, violations: check.violations?.slice(0, 5) }, 'ledger check: the books do not check out');
  },
};

export const registerLedgerJobs = (registry: JobRegistry) => {
  registry.schedule(ledgerImportTask);
  registry.schedule(ledgerCheckTask);
};
