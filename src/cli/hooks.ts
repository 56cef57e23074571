import type { AppContext } from '../app.ts';
import type { CliIo } from './cli.ts';

/**
 * Things `serve` starts after the server is built (setup link, job worker, scheduler).
 * Each may return a stop function that graceful shutdown awaits.
 */
export type ServeHook = (ctx: AppContext, io: CliIo) => Promise<(() => Promise<void>) | void>;

export const serveHooks: ServeHook[] = [];
