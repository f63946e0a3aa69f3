// Helpers for the database servers we run as child processes: they never outlive us (the kernel's
// parent-death signal, set through `setpriv --pdeathsig` on Linux), their output goes to our log, and
// stopping waits for them to exit.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../lib/logger';

export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `bin args` run so that the kernel sends `signal` to it when this process dies, however it dies. */
export function withParentDeathSignal(bin: string, args: string[], searchPath: string, signal: NodeJS.Signals = 'SIGKILL'): [string, string[]] {
  const setpriv = process.platform === 'linux' ? findOnPath('setpriv', searchPath) : undefined;
  return setpriv ? [setpriv, ['--pdeathsig', signal, '--', bin, ...args]] : [bin, args];
}

/** Sends `signal`, waits for the exit, and kills outright after `graceMs`. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

/** Keeps the last lines of the child's output for error messages; forwards them to the log at debug. */
export function captureOutput(child: ChildProcess, logger: Logger): { tail(): string } {
  const lines: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 20) lines.shift();
      logger.debug(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { tail: () => lines.join('\n') };
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port; rejects if the child exits first. */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `process exited (${signal ?? `code ${code}`})`;
  };
  child.once('exit', onExit);
  child.once('error', (err) => {
    exited = err.message;
  });
  try {
    while (Date.now() < deadline) {
      if (exited) throw new Error(exited);
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
  } finally {
    child.removeListener('exit', onExit);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
