import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestContext } from './context.ts';

const main = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

/**
 * Runs `guildhall <args>` as a child process against the test context's database and data
 * directory, the way an admin or cron would. Returns its exit code and output.
 */
export const runCli = (ctx: TestContext, args: string[], env: Record<string, string> = {}, opts: { input?: string; timeoutMs?: number } = {}) => {
  const target = ctx.testDb.target;
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', main, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      USER: 'cli-tester',
      GUILDHALL_DATA_DIR: ctx.config.dataDir,
      DATABASE_URL: target.kind === 'sqlite' ? `sqlite:${target.file}` : target.url,
      LOG_LEVEL: 'warn',
      ...env,
    },
    cwd: path.dirname(ctx.config.dataDir),
    encoding: 'utf8',
    // Long enough for the demo's year of billing on a busy CI machine; a hang still ends.
    timeout: opts.timeoutMs ?? 30_000,
    input: opts.input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
