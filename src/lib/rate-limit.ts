// Per-client rate limiting for public endpoints (certificate verification), so numbers and names cannot
// be tried in bulk. A token bucket per client, in memory.
//
// Why in memory, per instance, and not in the database like the sign-in throttle: a verification is one
// indexed read, and a shared bucket would add a read and a write to every public look-up (tripling the
// database work of the busiest public route), while FerretDB v1 cannot make that increment atomic across
// instances anyway. With N instances behind a load balancer each allows the rate, so the effective limit is
// N x VERIFY_RATE_LIMIT: divide it by N, or limit at the proxy (README, "Running behind a proxy").
//
// Why not rate-limiter-flexible's memory limiter: its fixed window charges a refused request (so a client
// that waits for Retry-After can stay refused) and cannot say when a batch of a given cost will fit.
import { isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { BadRequestError, TooManyRequestsError } from './errors';

export interface RateLimiter {
  /** Charges one token. */
  middleware: RequestHandler;
  /**
   * Charges `cost` tokens in one step, or nothing: a refused request spends nothing, and its Retry-After
   * is the wait after which the same request fits. A cost above the bucket's size can never fit: 400.
   */
  take(req: Request, cost: number): void;
  /** Tokens a client can spend at once (the per-minute rate). */
  readonly capacity: number;
  /** For tests and admin tools: forget every client. */
  reset(): void;
}

/**
 * The bucket a request is charged to: the client address as Express resolves it (after TRUST_PROXY), with
 * IPv6 addresses cut to their /64, since one subscriber is handed a whole /64 and can pick any address in it.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** "2001:db8::1" -> ['2001', 'db8', '0', '0', '0', '0', '0', '1'] (zone ids dropped, embedded IPv4 kept as two groups). */
function expandIPv6(ip: string): string[] {
  let address = ip.split('%')[0]!.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    address = address.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}

export function createRateLimiter({
  perMinute,
  key = (req: Request) => clientKey(req.ip),
  now = Date.now,
}: {
  perMinute: number;
  key?: (req: Request) => string;
  /** The clock (tests move it instead of waiting). */
  now?: () => number;
}): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = perMinute / 60_000;
  let lastSweep = now();

  const take = (req: Request, cost: number) => {
    if (cost > perMinute) {
      throw new BadRequestError('over_rate_limit', `This request costs ${cost} of the ${perMinute} look-ups allowed per minute; send it in smaller parts.`, { cost, perMinute });
    }
    const at = now();
    // Drop full buckets now and then so memory stays bounded by active clients.
    if (at - lastSweep > 60_000) {
      for (const [k, b] of buckets) if (b.tokens + (at - b.at) * refillPerMs >= perMinute) buckets.delete(k);
      lastSweep = at;
    }
    const id = key(req);
    const bucket = buckets.get(id) ?? { tokens: perMinute, at };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * refillPerMs);
    bucket.at = at;
    buckets.set(id, bucket);
    // The epsilon absorbs floating-point dust: a client that waited exactly Retry-After is never a hair short.
    if (bucket.tokens + 1e-9 < cost) throw new TooManyRequestsError(Math.max(1, Math.ceil((cost - bucket.tokens) / refillPerMs / 1000)));
    bucket.tokens = Math.max(0, bucket.tokens - cost);
  };

  return {
    middleware(req, _res, next) {
      take(req, 1);
      next();
    },
    take,
    capacity: perMinute,
    reset: () => buckets.clear(),
  };
}
