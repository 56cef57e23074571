import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import {
  defaultJobRegistry,
  getJob,
  JOB_SORTS,
  JOB_STATUSES,
  listJobs,
  listScheduledTasks,
  registerJobMetrics,
  retryJob,
} from '../../jobs/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, offsetOf, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';

const jobItem = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(JOB_STATUSES),
  attempts: z.number(),
  maxAttempts: z.number(),
  runAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

const scheduledTask = z.object({
  name: z.string(),
  cron: z.string(),
  enabled: z.boolean(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastStatus: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  lastError: z.string().nullable(),
});

export const registerJobRoutes = (app: Api, ctx: AppContext) => {
  // /metrics shows queue depth wherever the API runs, worker or not.
  registerJobMetrics(ctx);
  const registry = defaultJobRegistry();

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs (e-mail, scheduled tasks, …). Filter by status or type; sort by created_at, updated_at, run_at, type or status (default -created_at).',
        querystring: listQuery.extend({
          status: z.enum(JOB_STATUSES).optional(),
          type: z.string().min(1).max(100).optional(),
        }),
        response: { 200: pagedOf(jobItem) },
      },
      preHandler: requireAccess('settings', 'read'),
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, JOB_SORTS, { column: 'created_at', direction: 'desc' });
      const { items, total } = await listJobs(ctx.db, { status: q.status, type: q.type, q: q.q }, { sort, offset: offsetOf(q), limit: q.pageSize });
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One background job',
        params: z.object({ id: z.string().min(1).max(300) }),
        response: { 200: jobItem },
      },
      preHandler: requireAccess('settings', 'read'),
    },
    async (request) => getJob(ctx.db, request.params.id),
  );

  app.post(
    '/api/v1/jobs/:id/retry',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Puts a failed job back in the queue to run now, with a fresh set of attempts',
        params: z.object({ id: z.string().min(1).max(300) }),
        response: { 200: jobItem },
      },
      preHandler: requireAccess('settings', 'update'),
    },
    async (request) => retryJob(ctx, actorOf(request), request.params.id, { requestId: request.id }),
  );

  app.get(
    '/api/v1/scheduled-tasks',
    {
      schema: {
        tags: ['jobs'],
        summary: "Scheduled tasks (cron expressions in the organization's time zone) and how their last run went",
        response: { 200: z.object({ items: z.array(scheduledTask) }) },
      },
      preHandler: requireAccess('settings', 'read'),
    },
    async () => ({ items: await listScheduledTasks(ctx, registry) }),
  );
};
