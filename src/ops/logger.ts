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
