import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { fakeClock, type FakeClock } from '../../src/kernel/clock.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { buildServer, type Api } from '../../src/api/server.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestContext extends AppContext {
  clock: FakeClock;
  testDb: TestDatabase;
}

/** An application context on a fresh database with a fake clock and a silent logger. */
export const createTestContext = async (opts: { env?: Record<string, string>; start?: string } = {}): Promise<TestContext> => {
  const testDb = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-data-'));
  const config: Config = {
    ...loadConfig({ GUILDHALL_DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:8080', ...opts.env }),
    database: testDb.target,
    worker: false,
  };
  const ctx: TestContext = {
    config,
    db: testDb.db,
    dbKind: testDb.kind,
    clock: fakeClock(opts.start ?? '2026-01-15T10:00:00Z'),
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    metrics: new Metrics(),
    testDb,
    close: async () => {
      await testDb.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ctx;
};

/** A test context plus the HTTP server built on it (use `app.inject`, no port needed). */
export const createTestServer = async (opts: Parameters<typeof createTestContext>[0] = {}) => {
  const ctx = await createTestContext(opts);
  const app: Api = await buildServer(ctx);
  await app.ready();
  return {
    ctx,
    app,
    close: async () => {
      await app.close();
      await ctx.close();
    },
  };
};
