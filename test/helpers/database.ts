// Each test file gets a database of its own on the run's server, dropped when the file ends.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { ensureIndexes } from '../../src/bootstrap';
import { connectMongoose } from '../../src/db/database';
import { FERRETDB_CLIENT_POOL } from '../../src/db/embedded-database';

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (globalSetup sets it).');
  return uri;
}

export function uniqueDatabaseName(label: string): string {
  const base = label.replace(/\.test\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '_').slice(-40);
  return `t_${base}_${randomBytes(4).toString('hex')}`;
}

/**
 * Budget for a hook or test that loads the whole shipped bank (seedQuestionBank): about 10 s on an idle machine,
 * four times that on a loaded 2-core CI runner with the other Jest worker inserting too, and it grows with the bank.
 */
export const SEED_BANK_TIMEOUT = 180_000;

export interface TestDatabase {
  /** Connects again (for tests that take the connection away). */
  reconnect(): Promise<void>;
}

/** Connects mongoose to a fresh database for this file and drops it afterwards. */
export function useTestDatabase(): TestDatabase {
  let name = '';
  // Two Jest workers share the run's FerretDB: together they keep within one app's pool (FERRETDB_CLIENT_POOL).
  const connect = () => connectMongoose(testDatabaseUri().replace(/\/[^/]*$/, '/'), name, { maxPoolSize: FERRETDB_CLIENT_POOL / 2 });
  beforeAll(async () => {
    name = uniqueDatabaseName(path.basename(expect.getState().testPath ?? 'unknown'));
    await connect();
    await ensureIndexes();
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });
  return { reconnect: connect };
}
