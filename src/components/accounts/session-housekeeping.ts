// Now and then drops what no longer matters: sign-out records of tokens that have expired anyway, and
// throttle counters whose window is over. Both are ignored when stale, so this only bounds their size.
import type { Logger } from '../../lib/logger';
import { startPeriodicTask, type PeriodicTask } from '../../lib/periodic-task';
import { forgetExpiredThrottles } from '../../lib/throttle-store';
import { forgetExpiredRevocations } from './session.repository';

export function startSessionHousekeeping(logger: Logger, intervalMs = 10 * 60_000): PeriodicTask {
  return startPeriodicTask('session housekeeping', intervalMs, async () => {
    await Promise.all([forgetExpiredRevocations(), forgetExpiredThrottles()]);
  }, logger);
}
