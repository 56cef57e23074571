import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { toDecimalString } from '../../kernel/money.ts';
import { cliActor } from '../../modules/audit/index.ts';
import { orgToday } from '../../modules/catalog/index.ts';
import { backfillHolding, checkInvariants, EXPORT_FORMATS, exportLedger, importHeld, journalize, parseAnchor, trialBalance, verifyLedger, type ExportFormat } from '../../modules/ledger/index.ts';
import { withApp, type CliIo } from '../cli.ts';

const date = (text: string | undefined, flag: string): string | undefined => {
  if (text === undefined) return undefined;
  if (!isIsoDate(text)) throw validation(`${flag} must be a date written YYYY-MM-DD, like 2026-03-31; got "${text}".`);
  return text;
};

export const registerLedger = (program: Command, io: CliIo) => {
  const ledger = program.command('ledger').description('The general ledger: the holding step, journals, proofs, reports and export.');

  ledger
    .command('import')
    .description('Import the invoices and credit notes waiting in the holding step into the ledger (the ledger.import task does it every 10 minutes).')
    .action(async () => {
      const r = await withApp((ctx) => importHeld(ctx, { actor: cliActor() }));
      if (io.json()) io.out(JSON.stringify(r));
      else io.out(r.imported ? `Imported ${r.imported} invoice${r.imported === 1 ? '' : 's'} and credit notes into the ledger.` : 'Nothing waits in the holding step.');
    });

  ledger
    .command('backfill')
    .description('Put invoices and credit notes issued before the ledger existed through the holding step (once, after upgrading); void ones are posted with their mirror.')
    .action(async () => {
      const r = await withApp((ctx) => backfillHolding(ctx, { actor: cliActor() }));
      if (io.json()) io.out(JSON.stringify(r));
      else io.out(r.invoices || r.voided ? `Put ${r.invoices} invoices and credit notes (and ${r.voided} void invoices) through the holding step.` : 'Every issued invoice is already in the ledger or the holding step.');
    });

  ledger
    .command('verify')
    .description(
      'Walk the hash chain of ledger entries and the closed journals. Exits 0 when intact, 1 naming the first entry or journal that was altered. Keep the head it prints (SEQ:HASH) outside the database; --anchor SEQ:HASH later proves the chain still has that entry unchanged (a rewritten chain or entries cut off the end show).',
    )
    .option('--anchor <seq:hash...>', 'an entry and its hash recorded earlier, as printed: 1234:9f86d0… (repeatable)')
    .action(async (flags: { anchor?: string[] }) => {
      const anchors = (flags.anchor ?? []).map(parseAnchor);
      const r = await withApp((ctx) => verifyLedger(ctx.db, { anchors }));
      if (io.json()) io.out(JSON.stringify(r));
      else if (r.ok) {
        io.out(
          r.head
            ? `The ledger is intact: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'} and ${r.journals} closed journal${r.journals === 1 ? '' : 's'}; head entry ${r.head.seq} (${r.head.date}), hash ${r.head.hash}.${r.anchored.length ? ` It still has the recorded entr${r.anchored.length === 1 ? 'y' : 'ies'} ${r.anchored.join(', ')}.` : ''} Anchor for later: ${r.head.seq}:${r.head.hash}`
            : 'The ledger is empty.',
        );
      } else {
        io.out(`The ledger is NOT intact (${r.entries} entries and ${r.journals} journals verified before the problem).`);
        io.out(r.firstBad!.message);
      }
      if (!r.ok) process.exitCode = 1;
    });

  ledger
    .command('check')
    .description('Check the books: every entry balances, the chain and journals verify, A/R matches the open invoices and customer credit the receipts. Exits 1 listing what is wrong.')
    .action(async () => {
      const violations = await withApp((ctx) => checkInvariants(ctx.db));
      if (io.json()) io.out(JSON.stringify({ ok: !violations.length, violations }));
      else if (!violations.length) io.out('The books balance: every invariant holds.');
      else for (const v of violations) io.out(v);
      if (violations.length) process.exitCode = 1;
    });

  ledger
    .command('journalize')
    .description('Close every entry dated on or before --up-to that no journal holds into the next journal (a closed journal never changes).')
    .requiredOption('--up-to <date>', 'the last day to include, YYYY-MM-DD (usually the last day of the previous month)')
    .action(async (flags: { upTo: string }) => {
      const upTo = date(flags.upTo, '--up-to')!;
      const j = await withApp((ctx) => journalize(ctx, { actor: cliActor() }, { upTo }));
      if (io.json()) io.out(JSON.stringify({ ...j, debit: toDecimalString(j.debit), credit: toDecimalString(j.credit) }));
      else {
        io.out(`Journal ${j.seq} closed: ${j.entryCount} entries up to ${j.upTo} (seq ${j.firstSeq}–${j.lastSeq}), debit ${toDecimalString(j.debit)} = credit ${toDecimalString(j.credit)} ${j.debit.currency}; hash ${j.hash}.`);
        for (const k of j.summary.byKind) io.out(`  ${k.kind.padEnd(15)} ${String(k.entries).padStart(8)}  ${toDecimalString(k.debit).padStart(16)}`);
      }
    });

  ledger
    .command('trial-balance')
    .description('The trial balance at the end of a day: debits, credits and balance per account; the totals are equal.')
    .option('--at <date>', 'the day, YYYY-MM-DD (default: today)')
    .action(async (flags: { at?: string }) => {
      const at = date(flags.at, '--at');
      const tb = await withApp(async (ctx) => trialBalance(ctx.db, { at: at ?? (await orgToday(ctx.db, ctx.clock)) }));
      if (io.json()) {
        io.out(JSON.stringify({ at: tb.at, currency: tb.currency, accounts: tb.accounts.map((a) => ({ code: a.code, name: a.name, type: a.type, debit: toDecimalString(a.debit), credit: toDecimalString(a.credit), balance: toDecimalString(a.balance) })) }));
        return;
      }
      io.out(`Trial balance at ${tb.at} (${tb.currency})`);
      io.out(`${'account'.padEnd(11)} ${'name'.padEnd(32)} ${'debit'.padStart(16)} ${'credit'.padStart(16)} ${'balance'.padStart(16)}`);
      for (const a of tb.accounts) io.out(`${a.code} ${a.name.slice(0, 32).padEnd(32)} ${toDecimalString(a.debit).padStart(16)} ${toDecimalString(a.credit).padStart(16)} ${toDecimalString(a.balance).padStart(16)}`);
      io.out(`${'total'.padEnd(44)} ${toDecimalString(tb.totals.debit).padStart(16)} ${toDecimalString(tb.totals.credit).padStart(16)}`);
    });

  ledger
    .command('export')
    .description('Write the ledger as an hledger journal (balance assertions at the end; `hledger -f FILE check` accepts it) or as CSV (one row per line).')
    .option('--format <format>', `${EXPORT_FORMATS.join(' or ')}`, 'hledger')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--to <date>', 'entries dated up to this day, YYYY-MM-DD (default: all)')
    .action(async (flags: { format: string; out?: string; to?: string }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) throw validation(`--format must be ${EXPORT_FORMATS.join(' or ')}; got "${flags.format}".`);
      const to = date(flags.to, '--to');
      await withApp(async (ctx) => {
        const out = flags.out ? fs.createWriteStream(flags.out) : process.stdout;
        for await (const chunk of exportLedger(ctx.db, { format: flags.format as ExportFormat, to })) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
        if (flags.out) {
          (out as fs.WriteStream).end();
          await once(out, 'finish');
          io.err(`Wrote ${flags.out}.`);
        }
      });
    });
};
