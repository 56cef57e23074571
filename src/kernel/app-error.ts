/**
 * The one error type the application raises on purpose. The set of codes is closed;
 * `api/` maps each to an HTTP status and the CLI prints the message and exits non-zero.
 */
export const ERROR_CODES = {
  validation: 400, // input is malformed or breaks a rule the user can fix
  unauthenticated: 401, // no valid session or API key
  forbidden: 403, // authenticated, but the access group does not allow it
  not_found: 404,
  conflict: 409, // the record changed, already exists, or the action would break an invariant
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422, // the Idempotency-Key was used before with another body
  too_many_requests: 429, // throttled (logins, rate limits)
  unavailable: 503, // a dependency (database, SMTP) does not answer
  internal: 500, // a bug: never raised on purpose for user input
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const validation = (message: string, details?: unknown) => new AppError('validation', message, details);
export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
export const forbidden = (message = 'Your access group does not allow this.') => new AppError('forbidden', message);
