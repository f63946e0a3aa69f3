// Starts a real MongoDB-compatible server as a child process when no MONGODB_URI is configured:
// `mongod` when one is available (MONGOD_BIN or PATH), otherwise FerretDB v1 on SQLite built into
// tools/bin by `npm install`. The child never outlives us: on Linux it is started through
// `setpriv --pdeathsig`, so the kernel stops it even if this process is killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../lib/logger';

export type EmbeddedKind = 'ferretdb' | 'mongod';

export interface EmbeddedDatabase {
  readonly kind: EmbeddedKind;
  /** Connection string without a database name. */
  readonly uri: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  logger: Logger;
  mongodBin?: string | undefined;
  ferretdbBin?: string | undefined;
  /** PATH, for finding `mongod` and `setpriv` (from config). */
  searchPath: string;
  startTimeoutMs?: number;
  /** Listen here instead of on a free port (to bring a stopped server back where clients expect it). */
  fixedPort?: number;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLED_FERRETDB = path.join(PROJECT_ROOT, 'tools', 'bin', 'ferretdb');

export class EmbeddedDatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `${reason}\n\nThe app needs MongoDB or a MongoDB-compatible server. Either install Go and run ` +
        '`npm install` again (it builds the embedded FerretDB into tools/bin), put a `mongod` binary on PATH ' +
        '(or set MONGOD_BIN to its path), or point the app at an existing server by setting MONGODB_URI, e.g. ' +
        '`MONGODB_URI=mongodb://127.0.0.1:27017/ai_trainer_exam npm start` (MongoDB 6 or newer; replica sets ' +
        'and Atlas connection strings work too).',
    );
    this.name = 'EmbeddedDatabaseUnavailableError';
  }
}

interface Launch {
  kind: EmbeddedKind;
  bin: string;
  args(port: number, dir: string): string[];
}

export function chooseLaunch(opts: Pick<EmbeddedOptions, 'mongodBin' | 'ferretdbBin' | 'searchPath'>): Launch {
  const mongod = opts.mongodBin ?? findOnPath('mongod', opts.searchPath);
  if (mongod) {
    if (!isExecutable(mongod)) throw new EmbeddedDatabaseUnavailableError(`MONGOD_BIN=${mongod} is not an executable file.`);
    return {
      kind: 'mongod',
      bin: mongod,
      args: (port, dir) => ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
    };
  }
  const ferretdb = opts.ferretdbBin ?? BUNDLED_FERRETDB;
  if (!isExecutable(ferretdb)) {
    throw new EmbeddedDatabaseUnavailableError(
      `No embedded database is available: ${ferretdb} does not exist and no mongod was found.`,
    );
  }
  return {
    kind: 'ferretdb',
    bin: ferretdb,
    args: (port, dir) => [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=warn',
      '--log-format=json',
    ],
  };
}

export async function startEmbeddedDatabase(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const launch = chooseLaunch(opts);
  const dir = path.join(opts.dataDir, launch.kind);
  fs.mkdirSync(dir, { recursive: true });
  const port = opts.fixedPort ?? (await freeLoopbackPort());
  const [command, args] = withParentDeathSignal(launch.bin, launch.args(port, dir), opts.searchPath);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child, opts.logger.child({ component: launch.kind }));
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);

  try {
    await waitForPort(port, child, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    process.removeListener('exit', stopOnExit);
    child.kill('SIGKILL');
    throw new EmbeddedDatabaseUnavailableError(
      `The embedded database (${launch.kind}) did not start: ${(err as Error).message}\n${output.tail()}`,
    );
  }
  opts.logger.info({ kind: launch.kind, port, dataDir: dir, pid: child.pid }, 'embedded database started');

  let stopping: Promise<void> | undefined;
  return {
    kind: launch.kind,
    uri: `mongodb://127.0.0.1:${port}/`,
    pid: child.pid!,
    stop() {
      stopping ??= stopChild(child).finally(() => process.removeListener('exit', stopOnExit));
      return stopping;
    },
  };
}

function withParentDeathSignal(bin: string, args: string[], searchPath: string): [string, string[]] {
  const setpriv = process.platform === 'linux' ? findOnPath('setpriv', searchPath) : undefined;
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', bin, ...args]] : [bin, args];
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Keeps the last lines of the child's output for error messages; forwards them to the log at debug. */
function captureOutput(child: ChildProcess, logger: Logger): { tail(): string } {
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

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
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
      await new Promise((r) => setTimeout(r, 100));
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

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
