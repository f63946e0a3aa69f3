// Entry point: config -> database -> bootstrap -> listen, and the reverse on SIGTERM/SIGINT.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from './app';
import { adminBanner, bootstrapDatabase } from './bootstrap';
import { createTokenService, startSessionHousekeeping } from './components/accounts';
import { createCertificatesContext, repairMissingCertificates } from './components/certificates';
import { startAttemptSweeper } from './components/exams';
import { startExposureFlusher } from './components/questions';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { EmbeddedDatabaseUnavailableError } from './db/embedded-database';
import { ensureEqualityIndexes, equalityIndexSpecs } from './db/postgres-indexes';
import { createLogger, type Logger } from './lib/logger';
import { loadOrCreateSecret } from './lib/secret-file';

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly database: DatabaseHandle;
  /** Stops accepting, lets in-flight requests finish, closes the database (and the embedded server). */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const jwtSecret = config.jwtSecret ?? loadOrCreateSecret(path.join(config.dataDir, 'secrets', 'jwt-secret'));
  const database = await openDatabase(config, logger);
  let server: Server;
  try {
    const { admin } = await bootstrapDatabase(config, logger, { seed: config.seedOnStart });
    if (database.postgresSocketDir) {
      await ensureEqualityIndexes({ socketDir: database.postgresSocketDir, database: mongoose.connection.db!.databaseName, specs: equalityIndexSpecs(), logger });
    }
    const banner = adminBanner(admin, config.publicUrl);
    if (banner) process.stdout.write(banner + '\n');
    const certificates = createCertificatesContext(config.certificates, config.publicUrl, logger);
    const app = createApp({ config, logger, tokens: createTokenService(jwtSecret, config.jwtTtlSeconds), certificates, loginPolicy: { registrationsPerHour: config.registrationsPerHour } });
    const repaired = await repairMissingCertificates(certificates);
    if (repaired) logger.warn({ repaired }, 'issued certificates that a crash had left out');
    server = app.listen(config.port, config.host);
    await once(server, 'listening');
  } catch (err) {
    await database.close();
    throw err;
  }
  const sweeper = startAttemptSweeper(logger);
  const housekeeping = startSessionHousekeeping(logger);
  const exposure = startExposureFlusher(logger);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, backend: database.backend }, 'listening');

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    database,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(force);
        await Promise.all([sweeper.stop(), housekeeping.stop(), exposure.stop()]);
        await database.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  // Whoever reads our output may go away (`npm start | head`, a log shipper restarting): a closed stdout
  // or stderr must not stop the server.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    if (err instanceof EmbeddedDatabaseUnavailableError) {
      process.stderr.write(`\n${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  process.stdout.write(`\n  AI Trainer Exam is serving ${config.publicUrl} (database: ${running.database.backend}). Ctrl-C stops it.\n\n`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // A crash still stops the embedded database: `exit` handlers kill it, and the kernel's parent-death
  // signal covers the cases where no handler runs at all.
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
}

if (require.main === module) void main();
