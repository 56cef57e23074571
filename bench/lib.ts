/**
 * What every benchmark needs: a fresh database of either kind, timers, peak memory, percentiles,
 * a deterministic random source, and a results file with the machine it ran on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, migrateToLatest, type OpenedDatabase, type DbKind, type DatabaseTarget } from '../src/db/database.ts';

export interface BenchDatabase extends OpenedDatabase {
  describe: string;
  version: string;
  /** The connection string of the fresh PostgreSQL database (for a raw client: COPY); undefined on SQLite. */
  url?: string;
  /** Where the database is, for another connection (a worker thread's). */
  target: DatabaseTarget;
}

export const openBenchDatabase = async (kind: DbKind, pgUrl: string): Promise<BenchDatabase> => {
  let opened: OpenedDatabase;
  let describe: string;
  let cleanup: () => Promise<void>;
  let url: string | undefined;
  let target: DatabaseTarget;
  if (kind === 'postgres') {
    const name = `gh_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = '/' + name;
    url = u.toString();
    target = { kind: 'postgres', url: u.toString() };
    opened = openDatabase(target, { poolSize: 4 });
    describe = `PostgreSQL ${u.host}/${name}`;
    cleanup = async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-bench-'));
    target = { kind: 'sqlite', file: path.join(dir, 'bench.sqlite') };
    opened = openDatabase(target);
    describe = `SQLite ${dir}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  await migrateToLatest(opened.db);
  const version =
    kind === 'postgres'
      ? ((await sql<{ v: string }>`select current_setting('server_version') as v`.execute(opened.db)).rows[0]?.v ?? '?')
      : ((await sql<{ v: string }>`select sqlite_version() as v`.execute(opened.db)).rows[0]?.v ?? '?');
  return {
    ...opened,
    describe,
    url,
    target,
    version: `${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${version}`,
    close: async () => {
      await opened.close();
      await cleanup();
    },
  };
};

/** Peak resident memory of this process, sampled every 50 ms while a benchmark runs. */
export const memorySampler = () => {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  timer.unref();
  return {
    peakMiB: () => Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024),
    stop: () => clearInterval(timer),
  };
};

/**
 * How late this thread's timers ran while something went on (what a request arriving meanwhile
 * would have waited): a 10 ms interval, and the longest delay past its due time.
 */
export const stallMeter = () => {
  const every = 10;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - every);
    last = now;
  }, every);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(worst, performance.now() - last - every, 0);
    },
  };
};

export const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
};

export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
};

/** Median and p95 of a list of call times, as two result rows. */
export const latencyRows = (benchmark: string, database: string, size: number, ms: number[], note?: string): BenchRow[] => [
  { benchmark, database, size, figure: 'median', value: percentile(ms, 50), unit: 'ms' },
  { benchmark, database, size, figure: 'p95', value: percentile(ms, 95), unit: 'ms', ...(note ? { note } : {}) },
];

/** A small deterministic PRNG (mulberry32): the same size gives the same organization every run. */
export const prng = (seed: number) => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
};

export const parseSize = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`--size must look like 10k, 100k or 1m; got "${text}".`);
  const n = Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1_000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1);
  return Math.round(n);
};

export const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
});

export interface BenchRow {
  benchmark: string;
  database: string;
  size: number;
  figure: string;
  value: number;
  unit: string;
  floor?: number;
  ratio?: number;
  note?: string;
}

export const writeResults = (dir: string, rows: BenchRow[], meta: Record<string, unknown>) => {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `bench-${stamp}.json`);
  fs.writeFileSync(json, JSON.stringify({ meta, rows }, null, 2));
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));
  const md = [
    `Run ${meta.startedAt} on ${meta.cpus} CPU (${meta.cpuModel}), ${meta.memoryGiB} GiB, Node ${meta.node}; ${(meta.databases as string[]).join(', ')}.`,
    '',
    '| benchmark | database | size | figure | value | unit | floor | ratio |',
    '|---|---|---:|---|---:|---|---:|---:|',
    ...rows.map((r) => `| ${r.benchmark} | ${r.database} | ${r.size.toLocaleString('en')} | ${r.figure} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.floor)} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2) + '×'} |`),
    '',
    ...rows.filter((r) => r.note).map((r) => `- ${r.benchmark}, ${r.database}, ${r.figure}: ${r.note}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ meta, rows }, null, 2));
  return { json, md };
};
