/**
 * `npm run bench -- [--size 10k|100k|1m] [--db sqlite|postgres|both] [--only contacts,billing,payments,reports,import,pdf]
 *   [--queries N] [--batch N] [--plan-ahead on|off] [--payments N] [--calls N] [--pdfs N] [--out DIR]`
 * Prints each figure (with its floor where one is measured in the same run) and writes bench/results/.
 * Each benchmark gets a fresh database of each kind.
 * Benchmarks are not tests: nothing here fails on time.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchBilling } from './billing.ts';
import { benchContacts } from './contacts.ts';
import { benchImport, MAX_IMPORT_ROWS } from './import.ts';
import { benchPayments } from './payments.ts';
import { benchPdf } from './pdf.ts';
import { benchReports } from './reports.ts';
import { machine, memorySampler, openBenchDatabase, parseSize, writeResults, type BenchRow } from './lib.ts';
import type { DbKind } from '../src/db/database.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10k' },
    db: { type: 'string', default: 'both' },
    queries: { type: 'string', default: '200' },
    only: { type: 'string', default: 'contacts,billing,payments,reports,import,pdf' },
    batch: { type: 'string', default: '500' },
    'plan-ahead': { type: 'string', default: 'on' },
    payments: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '20' },
    pdfs: { type: 'string', default: '2000' },
    'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
  },
});

const size = parseSize(values.size);
const kinds: DbKind[] = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db as DbKind];
if (!kinds.every((k) => k === 'sqlite' || k === 'postgres')) {
  console.error('--db must be sqlite, postgres or both.');
  process.exit(2);
}

if (!['on', 'off'].includes(values['plan-ahead'])) {
  console.error('--plan-ahead must be on or off.');
  process.exit(2);
}

const BENCHMARKS = ['contacts', 'billing', 'payments', 'reports', 'import', 'pdf'] as const;
const only = values.only.split(',').map((s) => s.trim());
if (!only.every((b) => (BENCHMARKS as readonly string[]).includes(b))) {
  console.error(`--only takes a comma-separated list of: ${BENCHMARKS.join(', ')}.`);
  process.exit(2);
}

const startedAt = new Date().toISOString();
const rows: BenchRow[] = [];
const databases: string[] = [];
for (const kind of kinds) {
  const mem = memorySampler();
  let version = '';
  for (const name of only) {
    const bdb = await openBenchDatabase(kind, values['pg-url']);
    version = bdb.version;
    if (!databases.includes(version)) databases.push(version);
    const what =
      name === 'contacts' ? `${size.toLocaleString('en')} contacts`
      : name === 'import' ? `${Math.min(size, MAX_IMPORT_ROWS).toLocaleString('en')} CSV rows`
      : name === 'pdf' ? `${Math.min(size, Number(values.pdfs)).toLocaleString('en')} invoices`
      : `${size.toLocaleString('en')} members`;
    console.error(`${bdb.version}: ${name}, ${what}`);
    const batchSize = Number(values.batch);
    try {
      if (name === 'contacts') rows.push(...(await benchContacts(bdb, size, { queries: Number(values.queries) })));
      else if (name === 'billing') rows.push(...(await benchBilling(bdb, size, { batchSize, planAhead: values['plan-ahead'] === 'on' })));
      else if (name === 'payments') rows.push(...(await benchPayments(bdb, size, { batchSize, count: Number(values.payments) })));
      else if (name === 'reports') rows.push(...(await benchReports(bdb, size, { batchSize, calls: Number(values.calls) })));
      else if (name === 'import') rows.push(...(await benchImport(bdb, size)));
      else rows.push(...(await benchPdf(bdb, size, { count: Number(values.pdfs) })));
    } finally {
      await bdb.close();
    }
  }
  mem.stop();
  rows.push({ benchmark: 'process', database: version, size, figure: 'peak memory (RSS)', value: mem.peakMiB(), unit: 'MiB' });
}

const meta = { startedAt, ...machine(), databases, size };
const { json } = writeResults(values.out, rows, meta);
for (const r of rows) {
  const n = (v: number) => v.toFixed(v >= 100 ? 0 : 2);
  const extra = r.floor === undefined ? '' : `  (floor ${n(r.floor)} ${r.unit}${r.ratio === undefined ? '' : `, ratio ${r.ratio.toFixed(2)}×`})`;
  console.log(`${r.benchmark.padEnd(22)} ${r.database.padEnd(18)} ${r.figure.padEnd(20)} ${n(r.value).padStart(10)} ${r.unit}${extra}`);
}
console.log(`\nResults: ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), path.join(values.out, 'latest.md'))}`);
