import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Command } from 'commander';
import { AppError, validation } from '../../kernel/app-error.ts';
import { cliActor } from '../../modules/audit/index.ts';
import {
  analyzeImport,
  dryRunImport,
  exportContactsCsv,
  filteredContacts,
  MATCH_MODES,
  resolveContactFilter,
  resumeRequest,
  runImport,
  type ImportMapping,
  type ImportReport,
  type MatchMode,
  type RawContactFilter,
} from '../../modules/contacts/index.ts';
import { withApp, type CliIo } from '../cli.ts';

interface ImportFlags {
  dryRun?: boolean;
  mapping?: string;
  validOnly?: boolean;
  pseudoEmailDomain?: string;
  match: string;
  resume?: string;
}

interface ExportFlags {
  out?: string;
  q?: string;
  kind?: string;
  tag?: string;
  hasEmail?: string;
  householdRole?: string;
  consent?: string;
  status?: string;
  field: string[];
}

const readFile = (file: string): Buffer => {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw validation(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
};

/** A mapping file: { "<column>": "<field>" | null }, laid over the suggested mapping. */
const readMapping = (file: string): ImportMapping => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFile(file).toString('utf8'));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw validation(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => v !== null && typeof v !== 'string')) {
    throw validation(`${file} must hold an object of column name → field key (or null), like {"Etternavn": "lastName", "Notat": null}.`);
  }
  return parsed as ImportMapping;
};

const ACTION_TEXT = { create: 'create', update: 'update', skip: 'skip  ', error: 'ERROR ' } as const;

const printReport = (io: CliIo, report: ImportReport) => {
  for (const r of report.rows) {
    const who = r.memberNumber !== undefined ? ` member ${r.memberNumber}` : '';
    io.out(`line ${String(r.line).padStart(5)}  ${ACTION_TEXT[r.action]}${who}${r.reason ? `  ${r.reason}` : ''}`);
  }
  const c = report.counts;
  if (report.imported) io.out(`Imported: ${c.created} created, ${c.updated} updated, ${c.skipped} skipped, ${c.errors} with errors (left out).`);
  else io.out(`${report.dryRun ? 'Dry run, nothing kept' : 'Nothing imported'}: ${c.created} to create, ${c.updated} to update, ${c.skipped} to skip, ${c.errors} with errors.`);
  if (report.message) io.out(report.message);
};

export const registerContacts = (program: Command, io: CliIo) => {
  const contacts = program.command('contacts').description('The member registry: import contacts from CSV, export them to CSV.');

  contacts
    .command('import')
    .description(
      'Import contacts from a CSV file (UTF-8 or Windows-1252, "," or ";"). Columns are mapped from their headers (English or Norwegian); ' +
        'every row is reported with its line. A file with errors imports nothing (exit 2) unless --valid-only.',
    )
    .argument('[file]', 'the CSV file; the first line names the columns')
    .option('--dry-run', 'report what would happen, keep nothing')
    .option('--resume <import-id>', 'continue an import that stopped part-way (a database failure): after the rows it kept, with the mapping and options it ran with; give no file')
    .option('--mapping <file.json>', 'JSON object of column → field key (or null to skip a column), laid over the suggested mapping')
    .option('--valid-only', 'import the rows without errors even when other rows have errors')
    .option('--pseudo-email-domain <domain>', 'give rows without e-mail a made-up address name.number@domain (default: setting contacts.pseudo_email_domain)')
    .option('--match <on>', `update existing contacts matched on ${MATCH_MODES.join(', ')}`, 'both')
    .action(async (file: string | undefined, flags: ImportFlags) => {
      if (flags.resume !== undefined) {
        if (file !== undefined || flags.dryRun || flags.mapping || flags.validOnly || flags.pseudoEmailDomain !== undefined) {
          throw validation('--resume continues an import as it ran: give it no file, mapping or other options.');
        }
        const importId = flags.resume;
        const report = await withApp(async (ctx) => runImport(ctx, { actor: cliActor() }, importId, await resumeRequest(ctx.db, importId)));
        if (io.json()) io.out(JSON.stringify({ importId, report }));
        else printReport(io, report);
        return;
      }
      if (file === undefined) throw validation('Give the CSV file to import (or --resume IMPORT-ID to continue an import that stopped part-way).');
      if (!(MATCH_MODES as readonly string[]).includes(flags.match)) throw validation(`--match must be one of ${MATCH_MODES.join(', ')}; got "${flags.match}".`);
      const bytes = readFile(file);
      const override = flags.mapping ? readMapping(flags.mapping) : {};
      const outcome = await withApp(async (ctx) => {
        const by = { actor: cliActor() };
        const analysis = await analyzeImport(ctx, by, { filename: path.basename(file), bytes });
        const mapping = { ...analysis.suggestedMapping, ...override };
        const request = {
          mapping,
          options: {
            importValidRows: Boolean(flags.validOnly),
            matchOn: flags.match as MatchMode,
            ...(flags.pseudoEmailDomain !== undefined ? { pseudoEmailDomain: flags.pseudoEmailDomain } : {}),
          },
        };
        if (flags.dryRun) return { analysis, mapping, report: await dryRunImport(ctx, by, analysis.id, request) };
        try {
          return { analysis, mapping, report: await runImport(ctx, by, analysis.id, request) };
        } catch (e) {
          // Batches kept before a failure stay; say how to continue after them instead of importing the file again.
          if (e instanceof AppError && Number((e.details as { kept?: number } | undefined)?.kept) > 0) throw new AppError(e.code, `${e.message} Continue with: guildhall contacts import --resume ${analysis.id}`, e.details);
          throw e;
        }
      });
      const { analysis, mapping, report } = outcome;
      if (io.json()) {
        io.out(JSON.stringify({ importId: analysis.id, encoding: analysis.encoding, separator: analysis.separator, rowCount: analysis.rowCount, mapping, report }));
      } else {
        io.out(`${analysis.filename}: ${analysis.rowCount} rows, ${analysis.encoding}, separated by "${analysis.separator === '\t' ? 'tab' : analysis.separator}".`);
        for (const column of analysis.columns) io.out(`  ${column} → ${mapping[column] ?? '(not imported)'}`);
        printReport(io, report);
      }
      // Exit 2 when the file has errors and nothing was imported (a dry run never imports).
      if (report.counts.errors > 0 && !report.imported) process.exitCode = 2;
    });

  contacts
    .command('export')
    .description('Export contacts to CSV (UTF-8 with BOM, ","), optionally filtered like the contacts list.')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--q <text>', 'search names, e-mail, phone, member number')
    .option('--kind <kind>', 'person or organization')
    .option('--tag <tags>', 'comma-separated tags; contacts must have all')
    .option('--has-email <bool>', 'true or false')
    .option('--household-role <role>', 'primary, secondary or none')
    .option('--consent <kind:state>', 'e.g. info_email:granted')
    .option('--status <status>', 'active (default) or erased')
    .option('--field <key=value>', 'a custom field equals a value (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (flags: ExportFlags) => {
      const raw: RawContactFilter = { q: flags.q, kind: flags.kind, tag: flags.tag, hasEmail: flags.hasEmail, householdRole: flags.householdRole, consent: flags.consent, status: flags.status };
      for (const f of flags.field) {
        const eq = f.indexOf('=');
        if (eq < 1) throw validation(`--field must look like key=value; got "${f}".`);
        raw[`field.${f.slice(0, eq)}`] = f.slice(eq + 1);
      }
      const count = await withApp(async (ctx) => {
        const filter = await resolveContactFilter(ctx.db, raw);
        const out = flags.out ? fs.createWriteStream(flags.out) : process.stdout;
        for await (const chunk of exportContactsCsv(ctx.db, filter)) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
        if (flags.out) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
        const n = await filteredContacts(ctx.db, filter).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        return Number(n.n);
      });
      if (flags.out) {
        if (io.json()) io.out(JSON.stringify({ file: flags.out, contacts: count }));
        else io.out(`Wrote ${count} contact(s) to ${flags.out}.`);
      }
    });
};
