// Periodically finalises attempts whose time ran out. Safe with several app instances on one
// database: finalisation claims each attempt atomically, so every attempt is graded exactly once.
import type { Logger } from '../../lib/logger';
import { startPeriodicTask, type PeriodicTask } from '../../lib/periodic-task';
import { sweepExpiredAttempts } from './attempt.service';

export type AttemptSweeper = PeriodicTask;

export function startAttemptSweeper(logger: Logger, intervalMs = 15_000): AttemptSweeper {
  return startPeriodicTask('attempt sweep', intervalMs, async () => {
    const n = await sweepExpiredAttempts();
    if (n) logger.info({ finalized: n }, 'finalised expired attempts');
  }, logger);
}
