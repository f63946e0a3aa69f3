// Guessing passwords gets slower, then stops: per account, a few free mistakes, then a growing wait
// between tries, then a temporary lock; per client address, a cap on failures across all accounts
// (password spraying); per address, a cap on new accounts. Unknown emails are counted exactly like known
// ones, so the answers never tell which accounts exist. Decisions are rate-limiter-flexible's; the
// counters live in the database (lib/throttle-store.ts), so every app instance sees the same ones.
import { TooManyRequestsError } from '../../lib/errors';
import { withKeyLock } from '../../lib/keyed-lock';
import { DocumentThrottle } from '../../lib/throttle-store';

export interface LoginPolicy {
  /** Failures per account before any wait is imposed. */
  freeFailures: number;
  /** The first wait, in seconds; it doubles with each further failure (0 = no waits). */
  firstWaitSeconds: number;
  /** Failures per account (within `windowSeconds`) that lock it. */
  lockAfter: number;
  lockSeconds: number;
  /** Failures from one client address, over all accounts, before the address is locked. */
  perAddress: number;
  windowSeconds: number;
  /** New accounts per client address per hour. */
  registrationsPerHour: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = {
  freeFailures: 4,
  firstWaitSeconds: 1,
  lockAfter: 10,
  lockSeconds: 15 * 60,
  perAddress: 50,
  windowSeconds: 15 * 60,
  registrationsPerHour: 20,
};

export interface FailureOutcome {
  failures: number;
  /** This failure locked the account. */
  locked: boolean;
  /** This failure locked the client address. */
  addressLocked: boolean;
}

export interface LoginThrottle {
  readonly policy: LoginPolicy;
  /**
   * Runs one sign-in attempt for `email` from `address`: refuses with 429 (and an honest Retry-After)
   * while either must wait, else runs `attempt`. Attempts on one account run one at a time here, so
   * parallel guesses are each counted.
   */
  guard<T>(email: string, address: string, attempt: () => Promise<T>): Promise<T>;
  recordFailure(email: string, address: string): Promise<FailureOutcome>;
  recordSuccess(email: string): Promise<void>;
  /** Counts one registration from `address`; 429 once the hourly cap is reached. */
  registration(address: string): Promise<void>;
}

/** IPv6 clients usually own a whole /64, so one client is one /64; IPv4 addresses stand alone. */
export function clientKey(address: string | undefined): string {
  const ip = (address ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function createLoginThrottle(overrides: Partial<LoginPolicy> = {}): LoginThrottle {
  const policy = { ...DEFAULT_LOGIN_POLICY, ...overrides };
  const failures = new DocumentThrottle({ keyPrefix: 'login-account', points: policy.lockAfter, duration: policy.windowSeconds });
  const waits = new DocumentThrottle({ keyPrefix: 'login-wait', points: 1, duration: 1 });
  const addresses = new DocumentThrottle({ keyPrefix: 'login-address', points: policy.perAddress, duration: policy.windowSeconds });
  const registrations = new DocumentThrottle({ keyPrefix: 'register-address', points: policy.registrationsPerHour, duration: 3600 });

  /** Milliseconds this account or address must still wait, or 0. */
  const waitFor = async (email: string, address: string): Promise<number> => {
    const [account, wait, client] = await Promise.all([failures.get(email), waits.get(email), addresses.get(address)]);
    const ms: number[] = [0];
    if (account && account.consumedPoints > policy.lockAfter) ms.push(account.msBeforeNext);
    if (wait && wait.consumedPoints > 1) ms.push(wait.msBeforeNext);
    if (client && client.consumedPoints > policy.perAddress) ms.push(client.msBeforeNext);
    return Math.max(...ms);
  };

  return {
    policy,
    guard(email, address, attempt) {
      return withKeyLock(`login:${email}`, async () => {
        const ms = await waitFor(email, address);
        if (ms > 0) throw new TooManyRequestsError(retryAfter(ms));
        return attempt();
      });
    },
    async recordFailure(email, address) {
      const [account, client] = await Promise.all([failures.penalty(email, 1), addresses.penalty(address, 1)]);
      const addressLocked = client.consumedPoints === policy.perAddress;
      if (client.consumedPoints >= policy.perAddress) await addresses.block(address, policy.lockSeconds);
      const count = account.consumedPoints;
      if (count >= policy.lockAfter) {
        // Blocking stores more points than the limit, which is what waitFor reads as "locked".
        await failures.block(email, policy.lockSeconds);
        return { failures: count, locked: true, addressLocked };
      }
      if (count >= policy.freeFailures && policy.firstWaitSeconds > 0) {
        await waits.block(email, policy.firstWaitSeconds * 2 ** (count - policy.freeFailures));
      }
      return { failures: count, locked: false, addressLocked };
    },
    async recordSuccess(email) {
      await Promise.all([failures.delete(email), waits.delete(email)]);
    },
    async registration(address) {
      const res = await registrations.penalty(address, 1);
      if (res.consumedPoints > policy.registrationsPerHour) throw new TooManyRequestsError(retryAfter(res.msBeforeNext));
    },
  };
}
