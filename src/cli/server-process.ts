// The app's entry point (dist/server.js) as a child process, for the benchmark and for tests that crash,
// restart or duplicate it: started with a given environment, "up" when its listening log line appears.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// From src/cli (tests under ts-jest) and dist/cli (the benchmark) alike: the built entry point.
const SERVER_JS = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything it printed so far (JSON log lines at LOG_LEVEL=info). */
  output(): string;
  /** Resolves when the process has exited. */
  exited(): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** How long a start may take on a loaded 2-core machine before giving up (a budget, not a sleep). */
export const START_BUDGET_MS = 90_000;

/** Starts dist/server.js with `env` (over a quiet local default) and waits for its "listening" line. */
export async function startServerProcess(env: NodeJS.ProcessEnv, budgetMs = START_BUDGET_MS, logFile?: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, SERVER_JS], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SEED_ON_START: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d: Buffer) => {
      output += d.toString();
      log?.write(d);
    });
  }
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${budgetMs} ms:\n${output.slice(-3000)}`)), budgetMs);
    const onData = () => {
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output.slice(-3000)}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited: () => exit,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
