import type { Request } from 'express';
import { AppError } from './errors';
import { clientKey, createRateLimiter } from './rate-limit';

const from = (ip: string) => ({ ip }) as Request;

function refusal(run: () => void): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('the verification rate limiter', () => {
  it('when a batch is refused, then it spends nothing, and after exactly Retry-After the same batch fits', () => {
    let clock = 1_000_000;
    const limiter = createRateLimiter({ perMinute: 60, now: () => clock });
    const client = from('203.0.113.7');
    limiter.take(client, 50);
    const refused = refusal(() => limiter.take(client, 50));
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers?.['Retry-After']);
    // 10 tokens left, 40 short, one a second: 40 s, and the refused try took none of the 10.
    expect(wait).toBe(40);
    clock += (wait - 1) * 1000;
    expect(refusal(() => limiter.take(client, 50)).status).toBe(429);
    clock += 1000;
    expect(() => limiter.take(client, 50)).not.toThrow();
  });

  it('when a request costs more than the bucket holds, then 400 over_rate_limit instead of 429 forever', () => {
    const limiter = createRateLimiter({ perMinute: 10, now: () => 0 });
    const refused = refusal(() => limiter.take(from('198.51.100.1'), 11));
    expect([refused.status, refused.code]).toEqual([400, 'over_rate_limit']);
    expect(() => limiter.take(from('198.51.100.1'), 10)).not.toThrow();
  });

  it('when addresses of one IPv6 /64 ask, then they share a bucket; other /64s and IPv4 clients do not', () => {
    const limiter = createRateLimiter({ perMinute: 2, now: () => 0 });
    limiter.take(from('2001:db8:1:2::1'), 1);
    limiter.take(from('2001:db8:1:2:ffff:ffff:ffff:fffe'), 1);
    expect(refusal(() => limiter.take(from('2001:0db8:0001:0002:abcd::9'), 1)).status).toBe(429);
    expect(() => limiter.take(from('2001:db8:1:3::1'), 1)).not.toThrow();
    expect(() => limiter.take(from('192.0.2.1'), 2)).not.toThrow();
    expect(() => limiter.take(from('192.0.2.2'), 2)).not.toThrow();
  });

  it('when keys are formed, then IPv6 is cut to its /64 in one spelling and IPv4-mapped addresses count as IPv4', () => {
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:DB8:0:0:1::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::ffff:192.0.2.9')).toBe('192.0.2.9');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
