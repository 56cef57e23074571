import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase, migrateToLatest } from '../../db/database.ts';
import type { CliIo } from '../cli.ts';

export const registerMigrate = (program: Command, io: CliIo) => {
  program
    .command('migrate')
    .description('Apply database migrations that have not run yet (serve does this too).')
    .action(async () => {
      const config = loadConfig();
      const opened = openDatabase(config.database);
      try {
        const applied = await migrateToLatest(opened.db);
        if (io.json()) io.out(JSON.stringify({ applied }));
        else io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await opened.close();
      }
    });
};
