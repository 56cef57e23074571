import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { AppError } from '../kernel/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { sha256 } from '../kernel/ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { key: string; actor: string; hash: string } | null;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POST: the first response is kept (per caller) and a retry with the same key
 * and body gets it again; the same key with another body is refused with 422.
 */
export const registerIdempotency = (app: FastifyInstance, deps: { db: Database; clock: Clock }) => {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY.test(key)) {
      throw new AppError('validation', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const actor = request.auth ? `${request.auth.actor.type}:${request.auth.actor.id ?? ''}` : `anon:${request.ip}`;
    const path = request.routeOptions.url ?? request.url;
    const hash = sha256(JSON.stringify([request.method, request.url, request.body ?? null]));
    const seen = await deps.db
      .selectFrom('idempotency_key')
      .selectAll()
      .where('key', '=', key)
      .where('actor', '=', actor)
      .executeTakeFirst();
    if (seen) {
      if (seen.request_hash !== hash || seen.path !== path) {
        throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
      }
      reply.header('idempotent-replayed', 'true');
      reply.status(Number(seen.status_code)).type('application/json').send(seen.response);
      return reply;
    }
    request.idempotency = { key, actor, hash };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    await deps.db
      .insertInto('idempotency_key')
      .values({
        key: idem.key,
        actor: idem.actor,
        method: request.method,
        path: request.routeOptions.url ?? request.url,
        request_hash: idem.hash,
        status_code: reply.statusCode,
        response: payload,
        created_at: deps.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return payload;
  });
};
