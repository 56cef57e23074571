import { loadConfig, type Config } from './config.ts';
import { openDatabase, migrateToLatest, type Database, type DbKind } from './db/database.ts';
import { systemClock, frozenDayClock, type Clock } from './kernel/clock.ts';
import { createLogger, type Logger } from './ops/logger.ts';
import { Metrics } from './ops/metrics.ts';

/**
 * The composition root: everything a use case, route, job or command needs, built once from
 * configuration and passed in (never imported as a global).
 */
export interface AppContext {
  config: Config;
  db: Database;
  dbKind: DbKind;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  config?: Config;
  clock?: Clock;
  log?: Logger;
  /** Run migrations on open (true for `serve`; tests migrate their fresh database themselves). */
  migrate?: boolean;
}

export const createAppContext = async (opts: CreateAppOptions = {}): Promise<AppContext> => {
  const config = opts.config ?? loadConfig();
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? (config.today ? frozenDayClock(config.today) : systemClock());
  const opened = openDatabase(config.database);
  try {
    if (opts.migrate !== false) await migrateToLatest(opened.db);
  } catch (e) {
    await opened.close();
    throw e;
  }
  return {
    config,
    db: opened.db,
    dbKind: opened.kind,
    clock,
    log,
    metrics: new Metrics(),
    close: () => opened.close(),
  };
};
