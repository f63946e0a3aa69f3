// A background job that runs every `intervalMs`, never twice at once, and that stop() waits for.
import type { Logger } from './logger';

export interface PeriodicTask {
  stop(): Promise<void>;
}

export function startPeriodicTask(name: string, intervalMs: number, task: () => Promise<void>, logger: Logger): PeriodicTask {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= task()
      .catch((err: unknown) => logger.error({ err, task: name }, `${name} failed`))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  // A background chore never keeps the process alive on its own.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
