import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'key',
  'cardNumber',
  '*.cardNumber',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export const createLogger = (level: string, destination?: pino.DestinationStream): Logger =>
  pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'guildhall' } }, destination);

const SECRET_PARAM = /([?&](?:token|key|password|secret|code)=)[^&#]*/gi;

/** Request URLs carry one-time tokens (setup and reset links): the log keeps the path, not the token. */
export const redactUrl = (url: string): string => url.replace(SECRET_PARAM, '$1[redacted]');

/** What a request line in the log says about the request; no headers, so no cookies or keys. */
export const requestSerializer = (req: { method: string; url: string; ip?: string; id?: string; headers?: Record<string, unknown> }) => ({
  method: req.method,
  url: redactUrl(req.url),
  remoteAddress: req.ip,
  userAgent: req.headers?.['user-agent'],
});
