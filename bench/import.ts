/**
 * Contact CSV import at size: min(N, 100,000) rows written as a club's spreadsheet would be
 * (";"-separated, Norwegian headers, UTF-8) and imported the way `guildhall contacts import` does it:
 * `analyzeImport` (decode, detect, parse, suggest a mapping, store the file) then `runImport` (every
 * row checked first, then matched and written in batches of IMPORT_BATCH_ROWS, each one
 * transaction, with member numbers, search text and audit rows).
 * First into an empty registry (every row created), then the same file again with changed
 * addresses (every row matched on member number and updated). The floor is the same contact rows
 * inserted into a bare table with multi-row INSERTs in one transaction. A second figure compares
 * the import with the same rows inserted into the contact table itself (its indexes, and the
 * trigram search index: a GIN index on PostgreSQL, the FTS5 table its trigger fills on SQLite),
 * which is the part of the work the import cannot do without.
 */
import { sql } from 'kysely';
import { systemClock } from '../src/kernel/clock.ts';
import { cliActor } from '../src/modules/audit/index.ts';
import { analyzeImport, runImport, type ImportReport } from '../src/modules/contacts/index.ts';
import { contactAt } from './contacts.ts';
import { time, type BenchDatabase, type BenchRow } from './lib.ts';

export const MAX_IMPORT_ROWS = 100_000;

const HEADER = ['Medlemsnummer', 'Fornavn', 'Etternavn', 'Organisasjon', 'Adresse', 'Postnummer', 'Poststed', 'Land', 'Mobil', 'E-post', 'Fakturalevering'];

const csvField = (v: string | null | undefined) => {
  const t = v ?? '';
  return /[;"\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/**
 * The file: contact i as contactAt(i) has it (print delivery when it has no e-mail, as the import
 * requires); `moved` changes every address (for the update pass).
 */
const csvOf = (count: number, moved = false) => {
  const lines = [HEADER.join(';')];
  for (let i = 0; i < count; i++) {
    const c = contactAt(i).row;
    lines.push(
      [String(c.member_number), c.first_names, c.last_name, c.org_name, moved ? `${c.address_lines} B` : c.address_lines, c.postcode, c.place, c.country, c.phone_mobile, c.email, c.email ? c.invoice_delivery : 'print'].map(csvField).join(';'),
    );
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
};

export const benchImport = async (bdb: BenchDatabase, size: number): Promise<BenchRow[]> => {
  const { db, kind } = bdb;
  const database = bdb.version;
  const count = Math.min(size, MAX_IMPORT_ROWS);
  const deps = { db, clock: systemClock() };
  const by = { actor: cliActor('bench') };

  // Floor: the same contact rows into a bare table, 500 per INSERT, one transaction.
  if (kind === 'postgres') await sql`create table bench_floor (like contact)`.execute(db);
  else await sql`create table bench_floor as select * from contact where 0`.execute(db);
  const floorRows = Array.from({ length: count }, (_, i) => contactAt(i).row);
  const floor = await time(() =>
    db.transaction().execute(async (tx) => {
      for (let i = 0; i < floorRows.length; i += 500) await tx.insertInto('bench_floor' as 'contact').values(floorRows.slice(i, i + 500) as never).execute();
    }),
  );
  await sql`drop table bench_floor`.execute(db);

  const pass = async (label: string, bytes: Buffer) => {
    const analyze = await time(() => analyzeImport(deps, by, { filename: `${label}.csv`, bytes }));
    const a = analyze.value;
    const unmapped = a.columns.filter((c) => !a.suggestedMapping[c]);
    if (unmapped.length) throw new Error(`bench import: columns not mapped by their headers: ${unmapped.join(', ')}`);
    const run = await time(() => runImport(deps, by, a.id, { mapping: a.suggestedMapping, options: { importValidRows: false, matchOn: 'memberNumber' } }));
    const report: ImportReport = run.value;
    if (!report.imported) {
      const bad = report.rows.filter((r) => r.action === 'error').slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`);
      throw new Error(`bench import (${label}) imported nothing: ${report.message ?? ''} ${bad.join('; ')}`);
    }
    return { analyzeMs: analyze.ms, runMs: run.ms, counts: report.counts, bytes: bytes.length };
  };
  const created = await pass('contacts-new', csvOf(count));
  console.error(`  import: ${created.counts.created.toLocaleString('en')} created in ${((created.analyzeMs + created.runMs) / 1000).toFixed(1)} s`);
  const updated = await pass('contacts-update', csvOf(count, true));
  console.error(`  import: ${updated.counts.updated.toLocaleString('en')} updated in ${((updated.analyzeMs + updated.runMs) / 1000).toFixed(1)} s`);

  // Indexed floor: the same rows (other ids and member numbers) into the contact table itself, 500 per INSERT, one transaction.
  const indexedRows = floorRows.map((r, i) => ({ ...r, id: `benchfloor${String(i).padStart(10, '0')}`, member_number: 10_000_000 + i }));
  const indexed = await time(() =>
    db.transaction().execute(async (tx) => {
      for (let i = 0; i < indexedRows.length; i += 500) await tx.insertInto('contact').values(indexedRows.slice(i, i + 500) as never).execute();
    }),
  );

  const rate = (ms: number) => (count / ms) * 1000;
  const floorRate = rate(floor.ms);
  const describe = (p: typeof created) =>
    `${(p.bytes / 1024 / 1024).toFixed(1)} MiB file; analyze ${(p.analyzeMs / 1000).toFixed(2)} s + run ${(p.runMs / 1000).toFixed(2)} s; ${p.counts.created} created, ${p.counts.updated} updated, ${p.counts.skipped} skipped, ${p.counts.errors} errors`;
  return [
    {
      benchmark: 'contact import',
      database,
      size: count,
      figure: 'new rows per second',
      value: rate(created.analyzeMs + created.runMs),
      unit: 'rows/s',
      floor: floorRate,
      ratio: (created.analyzeMs + created.runMs) / floor.ms,
      note: `${describe(created)}; floor: the same contact rows into a bare table, multi-row INSERT, one transaction`,
    },
    {
      benchmark: 'contact import',
      database,
      size: count,
      figure: 'new rows per second vs indexed floor',
      value: rate(created.analyzeMs + created.runMs),
      unit: 'rows/s',
      floor: rate(indexed.ms),
      ratio: (created.analyzeMs + created.runMs) / indexed.ms,
      note: 'indexed floor: the same rows into the contact table itself (its indexes and trigram search index), multi-row INSERT, one transaction',
    },
    {
      benchmark: 'contact import',
      database,
      size: count,
      figure: 'updated rows per second',
      value: rate(updated.analyzeMs + updated.runMs),
      unit: 'rows/s',
      note: `the same file with every address changed, matched on member number; ${describe(updated)}`,
    },
  ];
};
