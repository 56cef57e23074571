import { Command } from 'commander';
import { createAppContext, type AppContext } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError } from '../kernel/app-error.ts';
import { createLogger } from '../ops/logger.ts';

/** What each command file gets: a way to open the application and to print results. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  json: () => boolean;
}

export const defaultIo = (program: Command): CliIo => ({
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  json: () => Boolean(program.opts().json),
});

/** Opens the app for a one-shot command (no worker, quiet logs), runs `fn`, and closes it. */
export const withApp = async <T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> => {
  const config = { ...loadConfig(), worker: false };
  const ctx = await createAppContext({ config, log: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
};

/** Turns an error into one line a person can act on, and the exit code. Bugs print their stack only with DEBUG=1. */
export const reportError = (e: unknown, io: Pick<CliIo, 'err'>): number => {
  if (e instanceof ConfigError) {
    io.err(`guildhall: configuration error: ${e.message}`);
    return 2;
  }
  if (e instanceof AppError) {
    io.err(`guildhall: ${e.message}`);
    return e.code === 'validation' ? 2 : 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ENOTFOUND' || err?.code === '3D000' || err?.code === '28P01') {
    io.err(`guildhall: cannot reach the database: ${err.message}`);
    return 1;
  }
  if (err?.code === 'EADDRINUSE') {
    io.err(`guildhall: the port is already in use (${err.message}). Set PORT to another port.`);
    return 1;
  }
  if (err?.code === 'commander.helpDisplayed' || err?.code === 'commander.version') return 0;
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) return 2;
  io.err(`guildhall: unexpected error: ${err?.message ?? String(e)}`);
  if (process.env.DEBUG) io.err(String(err?.stack));
  return 1;
};
