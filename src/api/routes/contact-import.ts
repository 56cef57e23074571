import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import { AppError, validation } from '../../kernel/app-error.ts';
import {
  analyzeImport,
  continueImport,
  dryRunImport,
  exportContactsCsv,
  resolveContactFilter,
  getImportAnalysis,
  getImportStatus,
  listImports,
  MATCH_MODES,
  MAX_IMPORT_BYTES,
  startImport,
  type ChangedBy,
} from '../../modules/contacts/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, offsetOf, pagedOf } from '../lists.ts';
import type { Api } from '../server.ts';
import { contactListQuery } from './contacts.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const idParams = z.object({ id: z.string().min(1).max(64) });

const mapping = z
  .record(z.string().max(200), z.string().max(100).nullable())
  .describe('Column name → field key (see `fields` of the analysis), or null to leave the column out.');

const options = z.strictObject({
  importValidRows: z.boolean().default(false).describe('Import the rows without errors even when other rows have errors.'),
  pseudoEmailDomain: z.string().max(200).optional().describe('Rows without e-mail get name.membernumber@this-domain; defaults to the setting contacts.pseudo_email_domain ("" for none).'),
  matchOn: z.enum(MATCH_MODES).default('both').describe('Which rows update an existing contact instead of creating one.'),
});

const importRequest = z.strictObject({ mapping, options: options.default({ importValidRows: false, matchOn: 'both' }) });

const counts = z.object({ created: z.number(), updated: z.number(), skipped: z.number(), errors: z.number() });

const report = z.object({
  rows: z.array(
    z.object({
      line: z.number().describe('The line of the file the row starts on (the header is line 1).'),
      action: z.enum(['create', 'update', 'skip', 'error']),
      reason: z.string().optional(),
      contactId: z.string().optional(),
      memberNumber: z.number().optional(),
    }),
  ),
  counts,
  imported: z.boolean().describe('Whether the changes were kept: false for a dry run, and for a file with errors unless importValidRows.'),
  dryRun: z.boolean(),
  message: z.string().optional(),
});

const analysis = z.object({
  id: z.string(),
  filename: z.string(),
  encoding: z.string(),
  separator: z.string(),
  columns: z.array(z.string()),
  rowCount: z.number(),
  sample: z.array(z.array(z.string())),
  suggestedMapping: z.record(z.string(), z.string().nullable()),
  fields: z.array(z.object({ key: z.string(), label: z.string() })),
});

const status = z.object({
  id: z.string(),
  status: z.enum(['analyzed', 'running', 'done', 'failed']),
  filename: z.string(),
  progress: z.object({ processed: z.number(), total: z.number() }),
  counts,
  report: report.nullable(),
  message: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  canContinue: z.boolean().describe('The run stopped part-way and kept rows: POST …/continue runs it again with the same mapping, after them.'),
});

const summary = z.object({
  id: z.string(),
  status: z.enum(['analyzed', 'running', 'done', 'failed']),
  filename: z.string(),
  rows: z.number().describe('Data rows in the file.'),
  processed: z.number().nullable().describe('While it runs: rows processed so far (null when not running, or running in another process).'),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** CSV import of contacts (upload and analyze, dry run, run in the background, poll) and CSV export (area contacts). */
export const registerContactImportRoutes = (app: Api, ctx: AppContext) => {
  const update = requireAccess('contacts', 'update');
  // Browsers on Windows label .csv files with Excel's type; take them as raw bytes like text/csv.
  if (!app.hasContentTypeParser('application/vnd.ms-excel')) {
    app.addContentTypeParser('application/vnd.ms-excel', { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));
  }

  app.get(
    '/api/v1/contacts/export.csv',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'The contacts matching the list query (same filters as GET /contacts; page and sort are ignored) as CSV: UTF-8 with BOM, "," separated, ' +
          'in member number order, with the import\'s column names; cells starting with = + - @ are prefixed with \' against formula injection.',
        querystring: contactListQuery,
      },
      preHandler: requireAccess('contacts', 'read'),
    },
    async (request, reply) => {
      const filter = await resolveContactFilter(ctx.db, request.query as Record<string, string>, { ignore: ['page', 'pageSize', 'sort'] });
      const day = ctx.clock.today().toString();
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="contacts-${day}.csv"`)
        .send(Readable.from(exportContactsCsv(ctx.db, filter)));
    },
  );

  app.get(
    '/api/v1/contacts/imports',
    {
      schema: {
        tags: ['contacts'],
        summary: 'The imports, newest first (paged): status, file, rows, what was kept, who and when. Open one with GET /contacts/imports/{id}.',
        querystring: listQuery.pick({ page: true, pageSize: true }),
        response: { 200: pagedOf(summary) },
      },
      preHandler: requireAccess('contacts', 'read'),
    },
    async (request) => {
      const q = request.query;
      const { items, total } = await listImports(ctx.db, { offset: offsetOf(q), limit: q.pageSize });
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    '/api/v1/contacts/imports/:id/analysis',
    {
      schema: {
        tags: ['contacts'],
        summary: 'The analysis of an uploaded file again (as the upload answered it), with the mapping and options it was last checked or run with: for picking up an import where it was left.',
        params: idParams,
        response: {
          200: analysis.extend({
            options: z.object({ importValidRows: z.boolean().optional(), matchOn: z.enum(MATCH_MODES).optional(), pseudoEmailDomain: z.string().optional() }),
          }),
        },
      },
      preHandler: update,
    },
    async (request) => getImportAnalysis(ctx.db, request.params.id),
  );

  app.post(
    '/api/v1/contacts/imports/:id/continue',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Run an import that stopped part-way (failed after keeping some batches) again in the background, with the mapping and options it ran with: it continues after the rows it kept. 409 when there is nothing to continue.',
        params: idParams,
        response: { 202: z.object({ id: z.string(), status: z.literal('running') }) },
      },
      preHandler: update,
    },
    async (request, reply) => {
      await continueImport({ ...ctx, log: request.log }, changedBy(request), request.params.id);
      return reply.status(202).send({ id: request.params.id, status: 'running' as const });
    },
  );

  app.post(
    '/api/v1/contacts/imports',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Upload a CSV file (the raw bytes, Content-Type text/csv or application/octet-stream, up to 50 MB). UTF-8 or Windows-1252, "," or ";". ' +
          'Answers what is in it and a suggested mapping of its columns.',
        querystring: z.object({ filename: z.string().max(200).optional() }),
        response: { 201: analysis },
      },
      preHandler: update,
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError('unsupported_media_type', 'Send the file itself as the body, with Content-Type text/csv (or application/octet-stream).');
      }
      if (request.body.length === 0) throw validation('The upload is empty; choose a CSV file.');
      const result = await analyzeImport(ctx, changedBy(request), { filename: request.query.filename ?? 'import.csv', bytes: request.body });
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/v1/contacts/imports/:id/dry-run',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Try the import without keeping anything: every row\'s fate (create, update, skip or error, with the reason and the line).',
        params: idParams,
        body: importRequest,
        response: { 200: report },
      },
      preHandler: update,
    },
    async (request) => dryRunImport(ctx, changedBy(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/contacts/imports/:id/run',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Start the import in the background; poll GET /contacts/imports/:id. A file with errors imports nothing unless options.importValidRows. Rows are written in batches, each in one transaction: ' +
          'if a batch fails, the batches before it stay imported (the import is failed, its report lists them) and running the import again with the same mapping continues after them.',
        params: idParams,
        body: importRequest,
        response: { 202: z.object({ id: z.string(), status: z.literal('running') }) },
      },
      preHandler: update,
    },
    async (request, reply) => {
      await startImport({ ...ctx, log: request.log }, changedBy(request), request.params.id, request.body);
      return reply.status(202).send({ id: request.params.id, status: 'running' as const });
    },
  );

  app.get(
    '/api/v1/contacts/imports/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'An import\'s status, progress (rows processed of total) and, when finished, its report.',
        params: idParams,
        response: { 200: status },
      },
      preHandler: requireAccess('contacts', 'read'),
    },
    async (request) => getImportStatus(ctx.db, request.params.id),
  );
};
