// Which request an audit entry comes from (client IP, request id, signed-in user), without threading
// the request through every service signature: the middleware runs the rest of the request inside an
// AsyncLocalStorage, and recordAudit reads it. Outside a request (start-up, the attempt sweeper, CLIs)
// there is no store and entries carry no IP or request id.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, RequestHandler } from 'express';

const storage = new AsyncLocalStorage<Request>();

/**
 * Mount after the body parsers: they finish reading in stream callbacks, which do not carry the
 * store, so a store opened earlier would be lost by the time the route runs.
 */
export const auditRequestContext: RequestHandler = (req, _res, next) => {
  storage.run(req, next);
};

export function currentRequest(): Request | undefined {
  return storage.getStore();
}
