import path from 'node:path';
import { parseDate, type PlainDate } from './kernel/dates.ts';

/** Everything Guildhall reads from its environment, checked once at start-up. */
export interface Config {
  dataDir: string;
  /** `sqlite:<file>` is implied when DATABASE_URL is unset. */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  port: number;
  host: string;
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string | null;
  today: PlainDate | null;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  logLevel: string;
  /** Run the in-process job worker and scheduler (off for one-shot CLI commands). */
  worker: boolean;
  /** Jobs one process runs at the same time. */
  jobConcurrency: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return Number(raw);
};

const url = (name: string, raw: string, protocols: string[]): URL => {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name}="${raw}" is not a URL.`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}; got "${u.protocol}//".`);
  }
  return u;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const dataDir = path.resolve(env.GUILDHALL_DATA_DIR || 'data');
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';

  let database: Config['database'] = { kind: 'sqlite', file: path.join(dataDir, 'guildhall.sqlite') };
  const dbUrl = env.DATABASE_URL;
  if (dbUrl) {
    if (dbUrl.startsWith('postgres://') || dbUrl.startsWith('postgresql://')) {
      url('DATABASE_URL', dbUrl, ['postgres:', 'postgresql:']);
      database = { kind: 'postgres', url: dbUrl };
    } else if (dbUrl.startsWith('sqlite:')) {
      const file = dbUrl.slice('sqlite:'.length).replace(/^\/\//, '');
      if (!file) throw new ConfigError('DATABASE_URL="sqlite:" needs a file name, e.g. sqlite:./data/guildhall.sqlite.');
      database = { kind: 'sqlite', file: path.resolve(file) };
    } else {
      throw new ConfigError(`DATABASE_URL must be a postgres:// URL (or sqlite:FILE); got "${dbUrl.replace(/:[^:@/]*@/, ':***@')}".`);
    }
  }

  const publicUrlRaw = env.PUBLIC_URL || `http://localhost:${port}`;
  const publicUrl = url('PUBLIC_URL', publicUrlRaw, ['http:', 'https:']).toString().replace(/\/$/, '');

  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl) url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);

  let today: PlainDate | null = null;
  if (env.GUILDHALL_TODAY) {
    try {
      today = parseDate(env.GUILDHALL_TODAY);
    } catch {
      throw new ConfigError(`GUILDHALL_TODAY="${env.GUILDHALL_TODAY}" must be a date written YYYY-MM-DD.`);
    }
  }

  const mailFrom = env.MAIL_FROM || null;
  if (mailFrom && !/^[^@\s]+@[^@\s]+$/.test(mailFrom.replace(/^.*<(.*)>$/, '$1'))) {
    throw new ConfigError(`MAIL_FROM="${mailFrom}" is not an e-mail address.`);
  }

  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL="${logLevel}" must be one of fatal, error, warn, info, debug, trace, silent.`);
  }

  return {
    dataDir,
    database,
    port,
    host,
    publicUrl,
    smtpUrl,
    mailFrom,
    today,
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: int(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    logLevel,
    worker: true,
    jobConcurrency: int(env, 'JOB_CONCURRENCY', 1, 1, 8),
  };
};
