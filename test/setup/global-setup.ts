// One database server for the whole run: TEST_MONGODB_URI if given, else an embedded one in a temp folder.
// Each test file then works in its own database on it (test/helpers/database.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded-database';

declare global {
  // eslint-disable-next-line no-var
  var __testDatabase: { db: EmbeddedDatabase; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-test-db-'));
  const db = await startEmbeddedDatabase({
    dataDir,
    logger: pino({ level: 'silent' }),
    searchPath: process.env.PATH ?? '',
    mongodBin: process.env.MONGOD_BIN || undefined,
    // The suite runs on the product's default (FerretDB on PostgreSQL); TEST_EMBEDDED_DB=sqlite runs it on the fallback.
    backend: (process.env.TEST_EMBEDDED_DB as 'postgresql' | 'sqlite' | undefined) ?? 'postgresql',
  });
  process.env.TEST_MONGODB_URI = db.uri;
  globalThis.__testDatabase = { db, dataDir };
}
