// Opens the app's database: the configured MONGODB_URI, or an embedded server started for us.
import mongoose from 'mongoose';
import type { Config } from '../config';
import { isDatabaseUnavailable } from '../lib/errors';
import { redactUri, type Logger } from '../lib/logger';
import { FERRETDB_CLIENT_POOL, startEmbeddedDatabase, type EmbeddedKind } from './embedded-database';

export const DEFAULT_DB_NAME = 'ai_trainer_exam';

export interface DatabaseHandle {
  readonly backend: EmbeddedKind | 'external';
  /** Every database process we started ourselves (empty for MONGODB_URI). */
  readonly embeddedPids: readonly number[];
  /** The embedded PostgreSQL cluster's socket folder, when FerretDB runs on it. */
  readonly postgresSocketDir?: string;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'mongodBin' | 'ferretdbBin' | 'searchPath' | 'embeddedDb' | 'postgresBinDir'>,
  logger: Logger,
): Promise<DatabaseHandle> {
  if (config.mongodbUri) {
    await connectMongoose(config.mongodbUri);
    logger.info({ uri: redactUri(config.mongodbUri) }, 'connected to MongoDB');
    return { backend: 'external', embeddedPids: [], close: () => mongoose.disconnect() };
  }
  const embedded = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    logger,
    mongodBin: config.mongodBin,
    ferretdbBin: config.ferretdbBin,
    backend: config.embeddedDb,
    postgresBinDir: config.postgresBinDir,
    searchPath: config.searchPath,
  });
  try {
    await connectMongoose(embedded.uri, DEFAULT_DB_NAME, embedded.kind === 'mongod' ? {} : { maxPoolSize: FERRETDB_CLIENT_POOL });
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return {
    backend: embedded.kind,
    embeddedPids: embedded.pids,
    ...(embedded.postgresSocketDir ? { postgresSocketDir: embedded.postgresSocketDir } : {}),
    async close() {
      await mongoose.disconnect();
      await embedded.stop();
    },
  };
}

/**
 * How long one operation waits for a reachable database before failing with db_unavailable. Short on
 * purpose: a candidate's autosave should fail fast (and be retried from the page's journal) rather than
 * hang while the database is away; the driver reconnects by itself when it returns.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 1_500;
/** The first connection may wait longer: an embedded server can still be opening its files. */
const INITIAL_CONNECT_BUDGET_MS = 30_000;

/** A database name in the URI wins over `dbName`, so MONGODB_URI=…/mydb does what it says. */
export async function connectMongoose(uri: string, dbName?: string, { maxPoolSize }: { maxPoolSize?: number } = {}): Promise<void> {
  const hasDbInUri = /^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/.test(uri);
  const deadline = Date.now() + INITIAL_CONNECT_BUDGET_MS;
  // While disconnected, Mongoose queues commands only this long (default 10 s), so a request gets its
  // 503 within the same bound instead of hanging.
  mongoose.set('bufferTimeoutMS', SERVER_SELECTION_TIMEOUT_MS);
  for (;;) {
    try {
      await mongoose.connect(uri, {
        dbName: hasDbInUri ? undefined : (dbName ?? DEFAULT_DB_NAME),
        serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        // Indexes back invariants (unique email, one active attempt…), so build them at start-up.
        autoIndex: true,
        // Command events, for the tests that count what a hot path sends (no cost without a listener).
        monitorCommands: true,
        // Embedded FerretDB: see FERRETDB_CLIENT_POOL. Otherwise the driver's default (or the URI's).
        ...(maxPoolSize ? { maxPoolSize } : {}),
      });
      return;
    } catch (err) {
      if (Date.now() > deadline || !isDatabaseUnavailable(err)) throw err;
      await mongoose.disconnect().catch(() => undefined);
    }
  }
}

/** For /healthz: answers within `timeoutMs` whether the database responds. */
export async function pingDatabase(timeoutMs = 2_000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([db.admin().ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
