import type { JobRegistry, ScheduledTaskDef } from '../../jobs/registry.ts';
import { systemActor } from '../audit/index.ts';
import { importHeld } from './holding.ts';

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

export const registerLedgerJobs = (registry: JobRegistry) => registry.schedule(ledgerImportTask);
