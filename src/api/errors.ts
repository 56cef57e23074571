import { z } from 'zod';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ERROR_CODES, type ErrorCode } from '../kernel/app-error.ts';

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const byStatus: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, status]) => [status, code as ErrorCode]),
);

const send = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) =>
  reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });

/** Maps every error to `{ error: { code, message, details } }`. Only real bugs become 500, and say nothing inside. */
export const errorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
  if (error instanceof AppError) {
    if (error.httpStatus >= 500) request.log.error({ err: error }, error.message);
    return send(reply, error.httpStatus, error.code, error.message, error.details);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: [error.validationContext, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.'),
      message: v.message,
    }));
    const first = issues[0];
    return send(reply, 400, 'validation', first ? `${first.path}: ${first.message}` : 'The request is not valid.', { issues });
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'response did not match its schema');
    return send(reply, 500, 'internal', 'Something went wrong on our side. It has been logged.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = byStatus[status] ?? 'validation';
    let message = error.message;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = 'The request body is too large.';
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = 'Send the body as application/json.';
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') message = 'The JSON body is empty.';
    return send(reply, status, code, message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, 500, 'internal', 'Something went wrong on our side. It has been logged.');
};
