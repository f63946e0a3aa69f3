// Per-client rate limiting for public endpoints (certificate verification), so numbers cannot be
// enumerated. A token bucket per client address, in memory: each instance limits on its own.
import type { Request, RequestHandler } from 'express';
import { TooManyRequestsError } from './errors';

export interface RateLimiter {
  middleware: RequestHandler;
  /** Takes `cost` more tokens from this client (batch requests cost more); throws 429 when short. */
  consume(req: Request, cost: number): void;
  /** For tests and admin tools: forget every client. */
  reset(): void;
}

export function createRateLimiter({ perMinute, key = (req: Request) => req.ip ?? 'unknown' }: { perMinute: number; key?: (req: Request) => string }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = perMinute / 60_000;
  let lastSweep = Date.now();

  const take = (req: Request, cost: number) => {
    const now = Date.now();
    // Drop idle buckets now and then so memory stays bounded by active clients.
    if (now - lastSweep > 60_000) {
      for (const [k, b] of buckets) if (b.tokens + (now - b.at) * refillPerMs >= perMinute) buckets.delete(k);
      lastSweep = now;
    }
    const id = key(req);
    const bucket = buckets.get(id) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    buckets.set(id, bucket);
    if (bucket.tokens < cost) throw new TooManyRequestsError(Math.max(1, Math.ceil((cost - bucket.tokens) / refillPerMs / 1000)));
    bucket.tokens -= cost;
  };

  return {
    middleware(req, _res, next) {
      take(req, 1);
      next();
    },
    consume: take,
    reset: () => buckets.clear(),
  };
}
