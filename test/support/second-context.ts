import type { AppContext } from '../../src/app.ts';
import { openDatabase } from '../../src/db/database.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import type { TestContext } from './context.ts';

/**
 * A second application context on the same test database with its own connection (pool), as a
 * second server process would have. It shares the fake clock. Close it before the first.
 */
export const openSecondContext = (ctx: TestContext): AppContext => {
  const opened = openDatabase(ctx.testDb.target, { poolSize: 5 });
  return { ...ctx, db: opened.db, metrics: new Metrics(), close: () => opened.close() };
};
