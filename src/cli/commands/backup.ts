import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { createAppContext } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../kernel/app-error.ts';
import type { CliIo } from '../cli.ts';

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export const registerBackup = (program: Command, io: CliIo) => {
  program
    .command('backup')
    .description('Write a consistent copy of the SQLite database (safe while the server runs). On PostgreSQL, use pg_dump.')
    .option('--out <file>', 'where to write it (default: <data dir>/backups/guildhall-<time>.sqlite)')
    .action(async (opts: { out?: string }) => {
      const config = loadConfig();
      if (config.database.kind === 'postgres') {
        throw new AppError(
          'validation',
          'This database is PostgreSQL: back it up with pg_dump, e.g. `pg_dump --format=custom --file=guildhall.dump "$DATABASE_URL"`.',
        );
      }
      if (!fs.existsSync(config.database.file)) throw new AppError('not_found', `There is no database at ${config.database.file} to back up.`);
      // No migration: a backup copies the database as it is (say, before an upgrade).
      const ctx = await createAppContext({ config: { ...config, worker: false }, migrate: false });
      try {
        const out = path.resolve(opts.out ?? path.join(config.dataDir, 'backups', `guildhall-${stamp(ctx.clock.now())}.sqlite`));
        if (fs.existsSync(out)) throw new AppError('conflict', `${out} already exists; choose another file with --out.`);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        // VACUUM INTO copies one read transaction's snapshot (WAL included), so writers may carry on.
        await sql`vacuum into ${out}`.execute(ctx.db);
        // The copy holds password hashes and API key hashes: readable by the owner only.
        fs.chmodSync(out, 0o600);
        const bytes = fs.statSync(out).size;
        io.out(io.json() ? JSON.stringify({ path: out, bytes }) : out);
      } finally {
        await ctx.close();
      }
    });
};
