import type { AppContext } from '../app.ts';

/** What a handler learns about the job it runs. */
export interface RunningJob {
  id: string;
  type: string;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
  /** When this try fails, the job becomes 'failed' instead of being retried. */
  isLastAttempt: boolean;
}

export type JobHandler = (ctx: AppContext, payload: unknown, job: RunningJob) => Promise<void>;

/** A cron task in code; the scheduler keeps its row in `scheduled_task` and enqueues a job per slot. */
export interface ScheduledTaskDef {
  name: string;
  /** Five-part cron expression, read in the organization's time zone. */
  cron: string;
  handler: (ctx: AppContext, run: { scheduledAt: Date }) => Promise<void>;
  /** Tries per slot before the run is given up (default 3). */
  maxAttempts?: number;
}

/**
 * Job types and scheduled tasks known to this process. Built in code at start-up (see
 * job-modules.ts), passed in wherever jobs run, so tests can use their own.
 */
export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly taskDefs = new Map<string, ScheduledTaskDef>();

  handle(type: string, handler: JobHandler): this {
    if (this.handlers.has(type)) throw new Error(`Job type "${type}" is registered twice.`);
    this.handlers.set(type, handler);
    return this;
  }

  schedule(task: ScheduledTaskDef): this {
    if (this.taskDefs.has(task.name)) throw new Error(`Scheduled task "${task.name}" is registered twice.`);
    this.taskDefs.set(task.name, task);
    return this;
  }

  handler(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  task(name: string): ScheduledTaskDef | undefined {
    return this.taskDefs.get(name);
  }

  tasks(): ScheduledTaskDef[] {
    return [...this.taskDefs.values()];
  }
}
