import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app.ts';
import { ping } from '../db/database.ts';
import { AppError } from '../kernel/app-error.ts';
import { newId } from '../kernel/ids.ts';
import { requestSerializer } from '../ops/logger.ts';
import { errorHandler } from './errors.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerAuthentication } from './authenticate.ts';
import { routeModules } from './routes.ts';

export type Api = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON bodies must be valid UTF-8 and must not try prototype pollution. */
const parseJson = (body: Buffer): unknown => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new AppError('validation', 'The body is not valid UTF-8 text.');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (k, v) => {
      // PostgreSQL cannot store NUL in text; refuse it for every endpoint, the same on both databases.
      if ((typeof v === 'string' && v.includes('\u0000')) || k.includes('\u0000')) {
        throw new AppError('validation', 'The body contains a NUL character (\\u0000), which no field accepts.');
      }
      if (k === '__proto__' || (k === 'constructor' && v && typeof v === 'object' && 'prototype' in v)) {
        throw new AppError('validation', 'The body contains a forbidden key.');
      }
      return v;
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('validation', `The body is not valid JSON: ${(e as Error).message}`);
  }
};

export const buildServer = async (ctx: AppContext): Promise<Api> => {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger at run time; the cast only widens the generic.
    loggerInstance: ctx.log.child({}, { serializers: { req: requestSerializer } }) as unknown as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    genReqId: () => newId(ctx.clock.now().getTime()),
    requestIdHeader: 'x-request-id',
    trustProxy: process.env.TRUST_PROXY === '1',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // Uploads (CSV, bank files) arrive as raw bytes; their modules decode and validate them.
  app.addContentTypeParser(['text/csv', 'text/plain', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // A NUL in the path or query (%00) is never meaningful, and PostgreSQL text cannot hold it.
    if (/%00/.test(request.url)) throw new AppError('validation', 'The address contains a NUL character (%00).');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.inc('guildhall_http_requests_total', 'HTTP requests by route, method and status.', {
      method: request.method,
      route,
      status: String(reply.statusCode),
    });
    ctx.metrics.observe('guildhall_http_request_duration_seconds', 'HTTP request durations.', { route }, reply.elapsedTime / 1000);
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // 'self': the invoice page shows the invoice PDF in a frame; other sites may not frame us.
        frameAncestors: ["'self'"],
      },
    },
    hsts: ctx.config.publicUrl.startsWith('https:'),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Guildhall API',
        version: '1',
        description:
          'Membership, billing and accounts receivable. Authenticate with `Authorization: Bearer <API key>` ' +
          '(create one with `guildhall apikey create`) or a staff session cookie plus `X-CSRF-Token`. ' +
          'Errors are `{ "error": { "code", "message", "details" } }`. Lists take `page`, `pageSize`, `sort` (`-field` descends) and `q`. ' +
          'POSTs that create accept `Idempotency-Key`.',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Whether the server and its database answer',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable'), database: z.literal('unreachable') }) },
      },
    },
    async (_req, reply) =>
      (await ping(ctx.db))
        ? { status: 'ok' as const, database: 'ok' as const }
        : reply.status(503).send({ status: 'unavailable' as const, database: 'unreachable' as const }),
  );

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(await ctx.metrics.render()),
  );

  registerAuthentication(app, ctx);
  registerIdempotency(app, ctx);
  for (const register of routeModules) await register(app, ctx);

  // The React app: static assets, and index.html for every other non-API path (client-side routes).
  const hasWeb = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: false });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET') {
      return reply.status(404).send({ error: { code: 'not_found', message: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` } });
    }
    if (!hasWeb) return reply.status(404).type('text/plain').send('The web app is not built. Run `npm run build:web` (npm start does it).');
    return reply.type('text/html').sendFile('index.html');
  });

  return app;
};
