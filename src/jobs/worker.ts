import type { AppContext } from '../app.ts';
import type { JobRegistry } from './registry.ts';
import { claimDueJobs, newWorkerId, recoverStuckJobs, runClaimedJob, STUCK_AFTER_MS } from './run-jobs.ts';
import { tickScheduler } from './scheduler.ts';

/**
 * Calls `fn` now and then `intervalMs` after each call finishes (never overlapping).
 * `stop()` cancels the next call and resolves once the current one has finished.
 */
const repeat = (intervalMs: number, fn: () => Promise<void>) => {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    current = fn().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
};

export interface WorkerOptions {
  /** How long an idle worker waits before looking for due jobs again (real time). */
  pollMs?: number;
  /** Jobs run side by side in this process (1 or 2). */
  concurrency?: number;
  stuckAfterMs?: number;
}

/**
 * The in-process job worker: polls for due jobs and runs them. Several processes may each run
 * one against the same PostgreSQL database; claiming keeps each job to one of them.
 */
export class Worker {
  readonly id = newWorkerId();
  private loops: Array<{ stop(): Promise<void> }> = [];
  private stopping = false;
  private readonly ctx: AppContext;
  private readonly registry: JobRegistry;
  private readonly opts: Required<WorkerOptions>;

  constructor(ctx: AppContext, registry: JobRegistry, opts: WorkerOptions = {}) {
    this.ctx = ctx;
    this.registry = registry;
    this.opts = {
      pollMs: opts.pollMs ?? 1000,
      concurrency: Math.min(8, Math.max(1, opts.concurrency ?? 1)),
      stuckAfterMs: opts.stuckAfterMs ?? STUCK_AFTER_MS,
    };
  }

  start(): this {
    if (this.loops.length) return this;
    this.stopping = false;
    for (let i = 0; i < this.opts.concurrency; i++) this.loops.push(repeat(this.opts.pollMs, () => this.drain()));
    this.loops.push(repeat(60_000, () => this.guard(() => recoverStuckJobs(this.ctx, this.opts.stuckAfterMs))));
    return this;
  }

  /** Graceful shutdown: takes no new jobs and resolves when the ones running have finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    const loops = this.loops;
    this.loops = [];
    await Promise.all(loops.map((l) => l.stop()));
  }

  /** Runs due jobs one at a time until none is due or the worker is stopping. */
  private async drain(): Promise<void> {
    await this.guard(async () => {
      while (!this.stopping) {
        const [job] = await claimDueJobs(this.ctx, this.id, 1);
        if (!job) return;
        await runClaimedJob(this.ctx, this.registry, job, this.id);
      }
    });
  }

  /** A database hiccup must not kill the loop; it is logged and the next poll tries again. */
  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.ctx.log.error({ err: e }, 'job worker: polling failed');
    }
  }
}

/** Ticks the scheduler every `intervalMs` (real time) until stopped. */
export const startScheduler = (ctx: AppContext, registry: JobRegistry, opts: { intervalMs?: number } = {}) =>
  repeat(opts.intervalMs ?? 30_000, async () => {
    try {
      await tickScheduler(ctx, registry);
    } catch (e) {
      ctx.log.error({ err: e }, 'scheduler: tick failed');
    }
  });
