import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { getMail, listMail, MAIL_SORTS } from '../../modules/mail/index.ts';
import { requireAccess } from '../access.ts';
import { listQuery, offsetOf, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';

const MAIL_STATUSES = ['queued', 'sent', 'stored', 'failed'] as const;

const mailItem = z.object({
  id: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  from: z.string(),
  subject: z.string(),
  status: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  relatedType: z.string().nullable(),
  relatedId: z.string().nullable(),
});

const mailDetail = mailItem.extend({
  textBody: z.string(),
  htmlBody: z.string().nullable(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number() })),
});

export const registerMailRoutes = (app: Api, ctx: AppContext) => {
  app.get(
    '/api/v1/mail',
    {
      schema: {
        tags: ['mail'],
        summary: 'The outbox: e-mail queued, sent, stored (no SMTP configured) or failed. `q` matches subject and recipients; sort by created_at, sent_at, subject or status (default -created_at).',
        querystring: listQuery.extend({
          status: z.enum(MAIL_STATUSES).optional(),
          relatedType: z.string().min(1).max(100).optional(),
          relatedId: z.string().min(1).max(100).optional(),
        }),
        response: { 200: pagedOf(mailItem) },
      },
      preHandler: requireAccess('communications', 'read'),
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, MAIL_SORTS, { column: 'created_at', direction: 'desc' });
      const { items, total } = await listMail(
        ctx.db,
        { status: q.status, q: q.q, relatedType: q.relatedType, relatedId: q.relatedId },
        { sort, offset: offsetOf(q), limit: q.pageSize },
      );
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.get(
    '/api/v1/mail/:id',
    {
      schema: {
        tags: ['mail'],
        summary: 'One message with its text and HTML bodies; attachments are listed by name, type and size',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: mailDetail },
      },
      preHandler: requireAccess('communications', 'read'),
    },
    async (request) => getMail(ctx.db, request.params.id),
  );
};
