import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { areaOfEntity, databaseIdentity, listAudit, readAnchor, verifyAudit } from '../../modules/audit/index.ts';
import { AppError } from '../../kernel/app-error.ts';
import { allows, requireAccess, requireSignedIn } from '../access.ts';
import { listQuery, offsetOf, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';

const auditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});

const verification = z.object({
  ok: z.boolean(),
  count: z.number(),
  head: z.object({ seq: z.number(), hash: z.string(), at: z.string() }).nullable(),
  firstBad: z.object({ seq: z.number(), problem: z.enum(['altered', 'missing', 'broken_link']), message: z.string() }).optional(),
});

const filter = z.string().min(1).max(200).optional();

export const registerAuditRoutes = (app: Api, ctx: AppContext) => {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail: who changed what, when, with values before and after. Sort by seq or at (default -seq, newest first).',
        querystring: listQuery.extend({ entityType: filter, entityId: filter, actorId: filter, action: filter }),
        response: { 200: pagedOf(auditEntry) },
      },
      preHandler: requireAccess('staff', 'read'),
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, ['seq', 'at'] as const, { column: 'seq', direction: 'desc' });
      const { items, total } = await listAudit(
        ctx.db,
        { entityType: q.entityType, entityId: q.entityId, actorId: q.actorId, action: q.action, q: q.q },
        { sort, limit: q.pageSize, offset: offsetOf(q) },
      );
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.get(
    '/api/v1/audit/history/:entityType/:entityId',
    {
      schema: {
        tags: ['audit'],
        summary: "One record's history (newest first). Needs read access to the area the record belongs to, e.g. settings for a setting.",
        params: z.object({ entityType: z.string().min(1).max(64), entityId: z.string().min(1).max(200) }),
        querystring: listQuery,
        response: { 200: pagedOf(auditEntry) },
      },
      preHandler: requireSignedIn,
    },
    async (request) => {
      const { entityType, entityId } = request.params;
      const area = areaOfEntity(entityType);
      if (!area) throw new AppError('not_found', `There is no kind of record called "${entityType}".`);
      if (!allows(request.auth!.permissions, area, 'read') && !allows(request.auth!.permissions, 'staff', 'read')) {
        throw new AppError('forbidden', `Your access does not include viewing ${area}.`);
      }
      const q = request.query;
      const sort = parseSort(q.sort, ['seq', 'at'] as const, { column: 'seq', direction: 'desc' });
      const { items, total } = await listAudit(ctx.db, { entityType, entityId }, { sort, limit: q.pageSize, offset: offsetOf(q) });
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Checks the hash chain of the audit trail and names the first row that was altered or removed',
        response: { 200: verification },
      },
      preHandler: requireAccess('staff', 'read'),
    },
    async () => {
      // The head saved by `guildhall audit verify` (if any) also catches rows removed from the end.
      const anchor = readAnchor(ctx.config.dataDir, databaseIdentity(ctx.config.database)) ?? undefined;
      return verifyAudit(ctx.db, { anchor });
    },
  );
};
