import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, migrateToLatest, type DatabaseTarget, type OpenedDatabase } from '../../src/db/database.ts';

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or — when
 * TEST_DATABASE_URL is a postgres:// URL — a new PostgreSQL database that is dropped afterwards.
 */
export interface TestDatabase extends OpenedDatabase {
  target: DatabaseTarget;
}

const randomName = () => `gh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

export const testDatabaseKind = (): 'sqlite' | 'postgres' =>
  process.env.TEST_DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';

export const createTestDatabase = async (opts: { migrate?: boolean } = {}): Promise<TestDatabase> => {
  const url = process.env.TEST_DATABASE_URL;
  if (url?.startsWith('postgres')) {
    const name = randomName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const template = process.env.TEST_PG_TEMPLATE;
      await admin.query(`create database ${name}${template && opts.migrate !== false ? ` template ${template}` : ''}`);
    } finally {
      await admin.end();
    }
    const u = new URL(url);
    u.pathname = '/' + name;
    const target: DatabaseTarget = { kind: 'postgres', url: u.toString() };
    const opened = openDatabase(target, { poolSize: 5 });
    if (opts.migrate !== false) await migrateToLatest(opened.db);
    return {
      ...opened,
      target,
      close: async () => {
        await opened.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          await c.query(`drop database if exists ${name} with (force)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-test-'));
  const target: DatabaseTarget = { kind: 'sqlite', file: path.join(dir, 'test.sqlite') };
  const opened = openDatabase(target);
  if (opts.migrate !== false) await migrateToLatest(opened.db);
  return {
    ...opened,
    target,
    close: async () => {
      await opened.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
