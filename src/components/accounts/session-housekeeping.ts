// Now and then drops what no longer matters: sign-out records of tokens that have expired anyway, and
// throttle counters whose window is over. Both are ignored when stale, so this only bounds their size.
import type { Logger } from '../../lib/logger';
import { forgetExpiredThrottles } from '../../lib/throttle-store';
import { forgetExpiredRevocations } from './session.repository';

export interface Housekeeping {
  stop(): Promise<void>;
}

export function startSessionHousekeeping(logger: Logger, intervalMs = 10 * 60_000): Housekeeping {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= Promise.all([forgetExpiredRevocations(), forgetExpiredThrottles()])
      .then(() => undefined)
      .catch((err: unknown) => logger.warn({ err }, 'session housekeeping failed'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
