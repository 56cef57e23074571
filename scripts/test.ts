/**
 * Runs every *.test.ts under src/ and test/ (not the browser tests) with Node's test runner.
 * On PostgreSQL (TEST_DATABASE_URL set) it first migrates one template database, so each test
 * file's fresh database is a cheap copy of it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, migrateToLatest } from '../src/db/database.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'e2e' ? [] : walk(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });

let files = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'test'))].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}

const env = { ...process.env };
let template: string | null = null;
const url = process.env.TEST_DATABASE_URL;
if (url?.startsWith('postgres')) {
  template = `gh_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = '/' + template;
  const opened = openDatabase({ kind: 'postgres', url: u.toString() }, { poolSize: 1 });
  await migrateToLatest(opened.db);
  await opened.close();
  env.TEST_PG_TEMPLATE = template;
  console.log(`Testing on PostgreSQL (${u.host}); template database ${template}.`);
} else {
  console.log('Testing on SQLite.');
}

const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--disable-warning=ExperimentalWarning', ...files],
  { stdio: 'inherit', env, cwd: root },
);

if (template && url) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.end();
}
process.exit(result.status ?? 1);
