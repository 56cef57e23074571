import type { Command } from 'commander';
import { validation } from '../../kernel/app-error.ts';
import { parseDate } from '../../kernel/dates.ts';
import { cliActor } from '../../modules/audit/index.ts';
import { checkAsOf, openBillingCycle, runBilling, type RunResult } from '../../modules/billing/index.ts';
import { withApp, type CliIo } from '../cli.ts';
import { orgToday } from '../../modules/settings/index.ts';

interface RunFlags {
  asOf?: string;
  dryRun?: boolean;
  limit: string;
  batchSize?: string;
}

const positive = (text: string | undefined, flag: string, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw validation(`${flag} must be a whole number of at least 1; got "${text}".`);
  return Number(text);
};

/** Progress on standard error, at most every 2 seconds, so a long run shows it is alive. */
const progress = (io: CliIo) => {
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 2000 && done < total) return;
    last = now;
    io.err(`billing: ${done}/${total} payers`);
  };
};

const printResult = (io: CliIo, r: RunResult & { periodStart?: string; periodEnd?: string }) => {
  if (r.preview) {
    for (const p of r.preview) {
      io.out(`${p.payerName} (${p.payerId})  ${p.total.amount} ${p.total.currency}`);
      for (const l of p.lines) {
        // Periods are [start, end); people read the last day covered.
        const period = l.periodStart ? `  ${l.periodStart}${l.periodEnd ? ` – ${parseDate(l.periodEnd).subtract({ days: 1 }).toString()}` : ' –'}` : '';
        io.out(`    ${l.description}  ${l.quantity} × ${l.unitPrice.amount} = ${l.amount.amount}${period}`);
      }
    }
    if (r.preview.length < r.invoices) io.out(`… and ${r.invoices - r.preview.length} more payers (--limit to show more).`);
  }
  const what = r.kind === 'cycle' ? `Cycle ${r.periodStart} – ${r.periodEnd}` : `Billing run for ${r.asOf}`;
  io.out(`${what}${r.dryRun ? ' (dry run, nothing written)' : ''}: ${r.invoices} invoices, ${r.lines} lines, total ${r.total.amount} ${r.total.currency} net.`);
  for (const [source, s] of Object.entries(r.bySource)) io.out(`  ${source.padEnd(13)} ${String(s.lines).padStart(8)} lines  ${s.amount.amount}`);
  for (const b of r.byItem) io.out(`  ${b.code.padEnd(13)} ${String(b.lines).padStart(8)} lines  ${b.amount.amount}  ${b.name}`);
  if (r.conversions || r.endings) io.out(`  ${r.conversions} conversions, ${r.endings} subscriptions ended.`);
  if (r.runId) io.out(`Run ${r.runId}.`);
};

export const registerBilling = (program: Command, io: CliIo) => {
  const billing = program.command('billing').description('The billing run and the annual cycle.');

  billing
    .command('run')
    .description(
      'Bill everything due on a day (default today): term fees in advance, usage at period end, recurring and queued charges, trial and year-end conversions, ' +
        'renewals a month ahead; one invoice per payer. Safe to run again: nothing is billed twice, and missed days are caught up.',
    )
    .option('--as-of <date>', 'the day to bill, YYYY-MM-DD (default: today in the organization time zone)')
    .option('--dry-run', 'show what would be billed, per payer, without writing anything')
    .option('--limit <n>', 'payers to show in detail in a dry run', '50')
    .option('--batch-size <n>', 'payers per transaction (default 500)')
    .action(async (flags: RunFlags) => {
      const limit = positive(flags.limit, '--limit', 50);
      const batchSize = positive(flags.batchSize, '--batch-size', 500);
      const result = await withApp(async (ctx) => {
        const asOf = flags.asOf ?? (await orgToday(ctx.db, ctx.clock));
        checkAsOf(asOf);
        if (!flags.dryRun && asOf > (await orgToday(ctx.db, ctx.clock))) throw validation(`--as-of ${asOf} is in the future; only a dry run can look ahead.`);
        return runBilling(ctx, cliActor(), { asOf, dryRun: flags.dryRun, previewLimit: limit, batchSize, onProgress: io.json() ? undefined : progress(io) });
      });
      if (io.json()) io.out(JSON.stringify(result));
      else printResult(io, result);
    });

  billing
    .command('cycle')
    .description(
      'Open the annual cycle (seed 002 geninvoices): invoice every yearly membership and service whose next term starts before the cycle ends. ' +
        'Refuses a cycle ending more than 16 months from today, and a cycle that was opened before.',
    )
    .option('--start <date>', 'first day of the cycle, YYYY-MM-DD (default: 1 January next year)')
    .option('--dry-run', 'show what would be billed without writing anything')
    .option('--limit <n>', 'payers to show in detail in a dry run', '50')
    .action(async (flags: { start?: string; dryRun?: boolean; limit: string }) => {
      const limit = positive(flags.limit, '--limit', 50);
      const result = await withApp((ctx) =>
        openBillingCycle(ctx, cliActor(), { periodStart: flags.start, dryRun: flags.dryRun, previewLimit: limit, onProgress: io.json() ? undefined : progress(io) }),
      );
      if (io.json()) io.out(JSON.stringify(result));
      else printResult(io, result);
    });
};
