// Periodically finalises attempts whose time ran out. Safe with several app instances on one
// database: finalisation claims each attempt atomically, so every attempt is graded exactly once.
import type { Logger } from '../../lib/logger';
import { sweepExpiredAttempts } from './attempt.service';

export interface AttemptSweeper {
  stop(): Promise<void>;
}

export function startAttemptSweeper(logger: Logger, intervalMs = 15_000): AttemptSweeper {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= sweepExpiredAttempts()
      .then((n) => {
        if (n) logger.info({ finalized: n }, 'finalised expired attempts');
      })
      .catch((err: unknown) => logger.error({ err }, 'attempt sweep failed'))
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
