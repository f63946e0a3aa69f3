// Cross-cutting HTTP pieces: request ids and logging, body policy, the 404 catch-all and the one error handler.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import {
  AppError,
  BadRequestError,
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './errors';
import { errorDetails, errorMessage } from './error-text';
import { negotiateLocale } from './i18n';
import type { Logger } from './logger';

export const JSON_BODY_LIMIT = '1mb';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Request id on every request (reusing a sane incoming X-Request-Id) and on every log line. */
export function requestContext(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
  });
}

/** API bodies are JSON; anything else with a body is refused before it is parsed. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody(req) && !req.is('application/json')) {
    throw new UnsupportedMediaTypeError('application/json');
  }
  next();
};

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export function isApiRequest(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/api' || req.path === '/healthz' || !req.accepts('html');
}

export const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`No route for ${req.method} ${req.path}.`);
};

/** Body-parser failures carry `type`; map them onto our error codes. */
function fromBodyParser(err: { type?: string; status?: number }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(JSON_BODY_LIMIT);
    case 'entity.parse.failed':
      return new BadRequestError('invalid_json', 'The request body is not valid JSON.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('UTF-8 encoded');
    case 'parameters.too.many':
      return new PayloadTooLargeError('the parameter limit');
    case 'request.aborted':
      return new BadRequestError('request_aborted', 'The request ended before its body was complete.');
    case 'request.size.invalid':
      return new BadRequestError('invalid_body', 'The request body does not match its declared length.');
    default:
      return undefined;
  }
}

/**
 * Other client errors raised by Express's own parts (http-errors with a 4xx status): a path parameter
 * that is not valid percent-encoding, a static file request with a malformed path, a bad range.
 */
function fromHttpError(err: { status?: unknown; statusCode?: unknown; expose?: unknown }, req: Request): AppError | undefined {
  const status = typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (status === 400 && err instanceof URIError) return new BadRequestError('invalid_path', 'The address contains invalid percent-encoding.');
  if (status === 404) return new NotFoundError(`No route for ${req.method} ${req.path}.`);
  if (status === 413) return new PayloadTooLargeError('the limit');
  if (status === 415) return new UnsupportedMediaTypeError('a supported type');
  return new AppError(status, status === 416 ? 'range_not_satisfiable' : 'bad_request', 'The request is not valid.');
}

/** Any thrown value as the AppError the client will see; undefined for our own bugs (a 500). */
export function toClientError(err: unknown, req: Request): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError();
  if (typeof err !== 'object' || err === null) return undefined;
  return fromBodyParser(err) ?? fromHttpError(err, req);
}

export interface ErrorPageRenderer {
  (req: Parameters<ErrorRequestHandler>[1], res: Parameters<ErrorRequestHandler>[2], error: AppError): void;
}

/** Registered last. API callers get {"error":{code,message,details}}; browsers get the error page. */
export function errorHandler(renderErrorPage: ErrorPageRenderer): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for an error response: end this one so the client is not left waiting.
      req.log.warn({ err }, 'error after the response had started');
      res.destroy();
      return;
    }
    let error = toClientError(err, req);
    if (!error) {
      req.log.error({ err }, 'unhandled error');
      error = new AppError(500, 'internal', 'An unexpected error occurred.', { requestId: req.id });
    } else if (error.status >= 500) {
      req.log.warn({ err, code: error.code }, 'request failed');
    }
    if (error.headers) res.set(error.headers);
    res.status(error.status);
    if (isApiRequest(req)) {
      const locale = req.locale ?? negotiateLocale({ acceptLanguage: req.get('accept-language') });
      res.json({ error: { code: error.code, message: errorMessage(locale, error), details: errorDetails(locale, error) } });
    } else {
      renderErrorPage(req, res, error);
    }
  };
}
