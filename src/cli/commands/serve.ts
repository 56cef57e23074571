import type { Command } from 'commander';
import { createAppContext } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { acquireDataDirLock } from '../../db/database.ts';
import { buildServer } from '../../api/server.ts';
import { serveHooks } from '../hooks.ts';
import type { CliIo } from '../cli.ts';

export const registerServe = (program: Command, io: CliIo) => {
  program
    .command('serve')
    .description('Start the web server, API, job worker and scheduler (migrates the database first).')
    .action(async () => {
      const config = loadConfig();
      const release = config.database.kind === 'sqlite' ? acquireDataDirLock(config.dataDir) : () => {};
      let ctx;
      try {
        ctx = await createAppContext({ config });
      } catch (e) {
        release();
        throw e;
      }
      const app = await buildServer(ctx);
      const stops: Array<() => Promise<void>> = [];
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        ctx.log.info({ signal }, 'shutting down: finishing running jobs');
        await app.close();
        // Stop the worker last-in first-out; each waits for the job it is running.
        for (const stop of stops.reverse()) await stop();
        await ctx.close();
        release();
        process.exit(0);
      };
      // Listen for signals before anything starts working, so a stop request always shuts down cleanly.
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
      for (const hook of serveHooks) {
        const stop = await hook(ctx, io);
        if (stop) stops.push(stop);
      }
      let address: string;
      try {
        address = await app.listen({ port: config.port, host: config.host });
      } catch (e) {
        await ctx.close();
        release();
        throw e;
      }
      io.err(
        `Guildhall is running at ${config.publicUrl} (listening on ${address}; database: ${ctx.dbKind}${ctx.dbKind === 'sqlite' ? ' in ' + config.dataDir : ''}).`,
      );
      await new Promise(() => {});
    });
};
