/**
 * `npm run bench -- [--size 10k|100k|1m] [--db sqlite|postgres|both] [--queries N]`
 * Prints each figure with its floor measured in the same run and writes bench/results/.
 * Benchmarks are not tests: nothing here fails on time.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchContacts } from './contacts.ts';
import { machine, memorySampler, openBenchDatabase, parseSize, writeResults, type BenchRow } from './lib.ts';
import type { DbKind } from '../src/db/database.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10k' },
    db: { type: 'string', default: 'both' },
    queries: { type: 'string', default: '200' },
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

const startedAt = new Date().toISOString();
const rows: BenchRow[] = [];
const databases: string[] = [];
for (const kind of kinds) {
  const bdb = await openBenchDatabase(kind, values['pg-url']);
  databases.push(bdb.version);
  console.error(`${bdb.version}: ${size.toLocaleString('en')} contacts`);
  const mem = memorySampler();
  try {
    rows.push(...(await benchContacts(bdb, size, { queries: Number(values.queries) })));
  } finally {
    mem.stop();
    await bdb.close();
  }
  rows.push({ benchmark: 'process', database: bdb.version, size, figure: 'peak memory (RSS)', value: mem.peakMiB(), unit: 'MiB' });
}

const meta = { startedAt, ...machine(), databases, size };
const { json } = writeResults(values.out, rows, meta);
for (const r of rows) {
  const extra = r.floor === undefined ? '' : `  (floor ${r.floor.toFixed(0)} ${r.unit}, ratio ${r.ratio?.toFixed(2)}×)`;
  console.log(`${r.benchmark.padEnd(22)} ${r.database.padEnd(18)} ${r.figure.padEnd(18)} ${r.value.toFixed(r.value >= 100 ? 0 : 2).padStart(10)} ${r.unit}${extra}`);
}
console.log(`\nResults: ${path.relative(process.cwd(), json)} and bench/results/latest.md`);
