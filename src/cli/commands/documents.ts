import fs from 'node:fs';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { toNumber } from '../../db/database.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { toDecimalString } from '../../kernel/money.ts';
import { cliActor } from '../../modules/audit/index.ts';
import {
  createPrintBatch,
  invoicesSentReport,
  listPrintBatches,
  loadOrganization,
  renderInvoicePdf,
  renderStatementPdf,
  sendInvoice,
  sendInvoices,
  sendStatements,
  writeStatementsZip,
  type DeliveryChannel,
  type InvoiceSelection,
} from '../../modules/documents/index.ts';
import { withApp, type CliIo } from '../cli.ts';

const by = () => ({ actor: cliActor() });

/** An invoice by number (digits) or id. */
const invoiceId = async (db: Kysely<DB>, ref: string): Promise<string> => {
  const q = db.selectFrom('invoice').select('id');
  const row = /^\d{1,15}$/.test(ref) ? await q.where('number', '=', Number(ref)).executeTakeFirst() : await q.where('id', '=', ref).executeTakeFirst();
  if (!row) throw notFound(`Invoice ${ref}`);
  return row.id;
};

/** A contact by member number (digits) or id. */
const contactId = async (db: Kysely<DB>, ref: string): Promise<string> => {
  const q = db.selectFrom('contact').select('id');
  const row = /^\d{1,15}$/.test(ref) ? await q.where('member_number', '=', Number(ref)).executeTakeFirst() : await q.where('id', '=', ref).executeTakeFirst();
  if (!row) throw notFound(`Contact ${ref}`);
  return row.id;
};

const channelOf = (text: string | undefined): DeliveryChannel | undefined => {
  if (text === undefined) return undefined;
  if (text !== 'email' && text !== 'print') throw validation(`--channel must be email or print; got "${text}".`);
  return text;
};

const date = (text: string | undefined, flag: string): string | undefined => {
  if (text !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(text)) throw validation(`${flag} must be a date written YYYY-MM-DD; got "${text}".`);
  return text;
};

const writeOut = (io: CliIo, file: string | undefined, bytes: Buffer, fallbackName: string) => {
  const target = file ?? fallbackName;
  if (target === '-') process.stdout.write(bytes);
  else {
    fs.writeFileSync(target, bytes);
    io.err(`Wrote ${target} (${bytes.length} bytes).`);
  }
};

const queuedNote = 'The server’s worker delivers it; without a running server, run `guildhall jobs run-due`.';

export const registerDocuments = (program: Command, io: CliIo) => {
  const docs = program.command('documents').description('Invoice PDFs, sending and re-sending, print batches and statements.');

  docs
    .command('pdf <invoice>')
    .description('Write an invoice or credit note (by number or id) as PDF.')
    .option('--out <file>', 'where to write it (- for standard output; default: the document’s file name)')
    .action(async (ref: string, flags: { out?: string }) => {
      const pdf = await withApp(async (ctx) => renderInvoicePdf(ctx, await invoiceId(ctx.db, ref)));
      writeOut(io, flags.out, pdf.bytes, pdf.filename);
    });

  docs
    .command('send <invoice>')
    .description('Send or re-send one invoice or credit note (by number or id), by the payer’s preference unless told otherwise.')
    .option('--channel <channel>', 'email or print')
    .option('--to <addresses>', 'comma-separated e-mail addresses to send to instead')
    .action(async (ref: string, flags: { channel?: string; to?: string }) => {
      const r = await withApp(async (ctx) =>
        sendInvoice(ctx, by(), await invoiceId(ctx.db, ref), { channel: channelOf(flags.channel), to: flags.to ? flags.to.split(',').map((s) => s.trim()) : undefined }),
      );
      if (io.json()) return io.out(JSON.stringify(r));
      io.out(`Sending ${r.sending} of invoice ${ref} queued: ${r.channel === 'email' ? `e-mail to ${r.recipients.join(', ')}` : 'print'}${r.note ? ` (${r.note})` : ''}. ${queuedNote}`);
    });

  docs
    .command('send-all')
    .description('Mass send or re-send: every issued invoice the filters take gets one more sending.')
    .option('--billing-run <id>', 'invoices of one billing run')
    .option('--from <date>', 'issued on or after')
    .option('--to <date>', 'issued on or before')
    .option('--open', 'only invoices with something still to pay')
    .option('--overdue', 'only open invoices past their due date')
    .option('--times-sent <n>', 'only invoices sent exactly n times so far (0: never)')
    .option('--kind <kind>', 'invoice or credit_note')
    .option('--channel <channel>', 'email or print, overriding every payer’s preference')
    .option('--dry-run', 'only count')
    .action(async (flags: { billingRun?: string; from?: string; to?: string; open?: boolean; overdue?: boolean; timesSent?: string; kind?: string; channel?: string; dryRun?: boolean }) => {
      if (flags.timesSent !== undefined && !/^\d+$/.test(flags.timesSent)) throw validation(`--times-sent must be a whole number; got "${flags.timesSent}".`);
      if (flags.kind !== undefined && flags.kind !== 'invoice' && flags.kind !== 'credit_note') throw validation(`--kind must be invoice or credit_note; got "${flags.kind}".`);
      const selection: InvoiceSelection = {
        billingRunId: flags.billingRun,
        issueDateFrom: date(flags.from, '--from'),
        issueDateTo: date(flags.to, '--to'),
        open: flags.open || undefined,
        overdue: flags.overdue || undefined,
        timesSent: flags.timesSent === undefined ? undefined : Number(flags.timesSent),
        kind: flags.kind as InvoiceSelection['kind'],
      };
      const r = await withApp((ctx) => sendInvoices(ctx, by(), { selection, channel: channelOf(flags.channel), dryRun: flags.dryRun }));
      if (io.json()) return io.out(JSON.stringify(r));
      io.out(r.dryRun ? `${r.count} invoices would be sent (dry run, nothing queued).` : `${r.count} invoices queued for sending. ${queuedNote}`);
    });

  docs
    .command('print')
    .description('Gather everything waiting for print into one PDF (cover sheet first) under the data directory, and mark it printed.')
    .option('--limit <n>', 'at most this many documents (default 1000)')
    .option('--out <file>', 'also copy the PDF here')
    .action(async (flags: { limit?: string; out?: string }) => {
      if (flags.limit !== undefined && !/^\d+$/.test(flags.limit)) throw validation(`--limit must be a whole number; got "${flags.limit}".`);
      const r = await withApp(async (ctx) => {
        const batch = await createPrintBatch(ctx, by(), { limit: flags.limit === undefined ? undefined : Number(flags.limit) });
        return { batch, path: `${ctx.config.dataDir}/${batch.file}` };
      });
      if (flags.out) fs.copyFileSync(r.path, flags.out);
      if (io.json()) return io.out(JSON.stringify({ ...r.batch, path: r.path }));
      io.out(`Print batch ${r.batch.id}: ${r.batch.documentCount} documents, ${r.batch.pageCount} pages (plus the cover sheet).`);
      for (const it of r.batch.items) io.out(`  ${String(it.number ?? '').padEnd(8)} ${it.payerName}  pages ${it.firstPage}–${it.lastPage}`);
      io.out(r.path);
    });

  docs
    .command('print-batches')
    .description('List print batches, newest first.')
    .action(async () => {
      const page = await withApp((ctx) => listPrintBatches(ctx.db, { page: 1, pageSize: 100 }));
      if (io.json()) return io.out(JSON.stringify(page));
      for (const b of page.items) io.out(`${b.createdAt}  ${b.id}  ${String(b.documentCount).padStart(5)} documents  ${String(b.pageCount).padStart(5)} pages  ${b.file}`);
      if (!page.items.length) io.out('No print batches yet.');
    });

  docs
    .command('statement <contact>')
    .description('Write one contact’s statement (by member number or id) as PDF.')
    .option('--as-of <date>', 'statement date (default today)')
    .option('--out <file>', 'where to write it (- for standard output)')
    .action(async (ref: string, flags: { asOf?: string; out?: string }) => {
      const pdf = await withApp(async (ctx) => renderStatementPdf(ctx, await contactId(ctx.db, ref), { asOf: date(flags.asOf, '--as-of') }));
      if (io.json()) {
        io.out(JSON.stringify({ filename: pdf.filename, balance: toDecimalString(pdf.statement.balance), amountDue: toDecimalString(pdf.statement.amountDue), entries: pdf.statement.entries.length }));
        if (flags.out) writeOut(io, flags.out, pdf.bytes, pdf.filename);
        return;
      }
      writeOut(io, flags.out, pdf.bytes, pdf.filename);
    });

  docs
    .command('statements')
    .description('Statements for every active contact with invoices or payments: as a zip of PDFs (--zip FILE) or by e-mail (--email).')
    .option('--zip <file>', 'write a zip of PDFs')
    .option('--email', 'e-mail each contact its statement (contacts without an address are listed)')
    .option('--only-with-balance', 'only contacts who owe something')
    .option('--as-of <date>', 'statement date (default today)')
    .option('--dry-run', 'with --email: only count')
    .action(async (flags: { zip?: string; email?: boolean; onlyWithBalance?: boolean; asOf?: string; dryRun?: boolean }) => {
      if (!flags.zip === !flags.email) throw validation('Give either --zip FILE or --email.');
      const asOf = date(flags.asOf, '--as-of');
      if (flags.zip) {
        const out = fs.createWriteStream(flags.zip);
        const n = await withApp((ctx) => writeStatementsZip(ctx, { onlyWithBalance: flags.onlyWithBalance, asOf }, out));
        if (io.json()) return io.out(JSON.stringify({ file: flags.zip, statements: n }));
        return io.out(`Wrote ${n} statements to ${flags.zip}.`);
      }
      const r = await withApp((ctx) => sendStatements(ctx, by(), { onlyWithBalance: flags.onlyWithBalance, asOf, dryRun: flags.dryRun }));
      if (io.json()) return io.out(JSON.stringify(r));
      io.out(`${r.count} statements ${r.dryRun ? 'would be' : 'queued to be'} e-mailed; ${r.withoutEmail} contacts have no e-mail address${r.withoutEmail ? ' (make a zip for them)' : ''}.`);
    });

  docs
    .command('sent-report')
    .description('Contacts with unpaid invoices sent once, twice, or three or more times (seed 001).')
    .requiredOption('--count <n>', '1, 2 or 3 (three or more)')
    .action(async (flags: { count: string }) => {
      if (!['1', '2', '3'].includes(flags.count)) throw validation(`--count must be 1, 2 or 3; got "${flags.count}".`);
      const page = await withApp(async (ctx) => {
        const org = await loadOrganization(ctx.db);
        return invoicesSentReport(ctx.db, { count: Number(flags.count) as 1 | 2 | 3, page: 1, pageSize: 100_000 }, org.currency);
      });
      if (io.json()) return io.out(JSON.stringify({ ...page, items: page.items.map((i) => ({ ...i, open: toDecimalString(i.open) })) }));
      for (const i of page.items) {
        io.out(`${i.name.padEnd(32)} ${String(toNumber(i.openInvoices)).padStart(3)} open  ${toDecimalString(i.open).padStart(12)} ${i.open.currency}  sent ${i.timesSent}×  oldest due ${i.oldestDueDate ?? '–'}`);
      }
      io.out(`${page.total} contacts.`);
    });
};
