// Cross-cutting HTTP pieces: request ids and logging, body policy, the 404 catch-all and the one error handler.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import {
  AppError,
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './errors';
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
    default:
      return undefined;
  }
}

export interface ErrorPageRenderer {
  (req: Parameters<ErrorRequestHandler>[1], res: Parameters<ErrorRequestHandler>[2], error: AppError): void;
}

/** Registered last. API callers get {"error":{code,message,details}}; browsers get the error page. */
export function errorHandler(renderErrorPage: ErrorPageRenderer): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    let error: AppError;
    if (err instanceof AppError) error = err;
    else {
      const mapped = typeof err === 'object' && err !== null ? fromBodyParser(err) : undefined;
      if (mapped) error = mapped;
      else {
        req.log.error({ err }, 'unhandled error');
        error = new AppError(500, 'internal', 'An unexpected error occurred.', { requestId: req.id });
      }
    }
    if (error.headers) res.set(error.headers);
    res.status(error.status);
    if (isApiRequest(req)) {
      res.json({ error: { code: error.code, message: error.message, details: error.details ?? null } });
    } else {
      renderErrorPage(req, res, error);
    }
  };
}
