// FerretDB v1 on PostgreSQL holds two pooled connections per update at the same moment; with as many
// updates in flight as its pool has connections it can wedge for good (FERRETDB_CLIENT_POOL says why).
// The app keeps its driver pool below half of FerretDB's, so a burst of autosaves can only queue. (A
// short burst does not reproduce the wedge: the driver opens connections two at a time, and it took the
// benchmark's sustained 60-connection load to fill FerretDB's pool; hence a check of the setting.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { openDatabase, type DatabaseHandle } from '../src/db/database';
import { FERRETDB_CLIENT_POOL, FERRETDB_POSTGRES_POOL } from '../src/db/embedded-database';

let handle: DatabaseHandle | undefined;
let dataDir = '';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-pool-'));
  handle = await openDatabase({ dataDir, searchPath: process.env.PATH ?? '', embeddedDb: process.env.TEST_EMBEDDED_DB === 'sqlite' ? 'sqlite' : 'postgresql', mongodbUri: undefined, mongodBin: undefined, ferretdbBin: undefined, postgresBinDir: undefined }, pino({ level: 'silent' }));
}, 60_000);

afterAll(async () => {
  await handle?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('when the app opens its embedded FerretDB, then its driver pool is under half of FerretDB\'s PostgreSQL pool', () => {
  expect(2 * FERRETDB_CLIENT_POOL).toBeLessThan(FERRETDB_POSTGRES_POOL);
  expect(mongoose.connection.getClient().options.maxPoolSize).toBe(FERRETDB_CLIENT_POOL);
});
