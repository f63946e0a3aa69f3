// One error hierarchy for the whole app: callers and tests branch on `code`, never on message text.

export interface ErrorDetail {
  path?: string;
  message: string;
  code?: string;
  /** Values the message is built from, so it can be said again in the request's language. */
  params?: Record<string, unknown>;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = 'The request is not valid.') {
    super(400, 'validation_failed', message, details);
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in to continue.') {
    super(401, 'unauthenticated', message);
  }
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'The email or password is wrong.');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this.') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', code = 'not_found') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: string) {
    super(413, 'payload_too_large', `The request body is larger than ${limit}.`, { limit });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(415, 'unsupported_media_type', `The request body must be ${expected}.`, { expected });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_requests', 'Too many requests; try again later.', { retryAfterSeconds }, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'service_unavailable', message);
  }
}

/** The database did not answer in time: the client may retry; nothing was changed by this request. */
export class DatabaseUnavailableError extends AppError {
  constructor() {
    super(503, 'db_unavailable', 'The database is not reachable right now; try again in a few seconds.', null, { 'Retry-After': '5' });
  }
}

/** A state-changing request authenticated by the session cookie that did not come from our own pages. */
export class CrossSiteRequestError extends AppError {
  constructor() {
    super(403, 'cross_site_request', 'This request did not come from this site\'s own pages, so it was refused.');
  }
}

// What the MongoDB driver and Mongoose throw when the server is gone or cannot be selected in time.
const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoExpiredSessionError',
]);

/** True for driver errors that mean "the database is unreachable", not "the request was wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  if (typeof name === 'string' && UNAVAILABLE_ERRORS.has(name)) return true;
  // Mongoose's own wording when it gave up waiting for a connection.
  return name === 'MongooseError' && typeof message === 'string' && /buffering timed out|before initial connection|Connection was force closed|Client must be connected/i.test(message);
}

/** MongoDB's duplicate-key error (also what FerretDB returns), for unique-index invariants. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
