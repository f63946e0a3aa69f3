// Makes FerretDB's PostgreSQL tables answer equality look-ups from an index.
//
// FerretDB v1.24 turns a top-level equality into `WHERE _jsonb->'field' @> '"value"'` (containment), while
// the indexes it creates for createIndexes are btree indexes on `(_jsonb->'field')`, which containment
// cannot use: every filtered query, `_id` included, is a sequential scan (measured here: 17 ms per `_id`
// look-up at 100,000 documents, against 1 ms at 1,000). A GIN index on the same expression does serve
// containment (0.9 ms at 100,000), so for each collection of ours we add one per field that starts one of
// its Mongoose indexes, plus `_id`. The cluster is private to this app, the indexes are ordinary
// PostgreSQL indexes that FerretDB never sees, and they are re-created idempotently at every start
// (a dropped collection takes its table and indexes with it).
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import pg from 'pg';
import type { Logger } from '../lib/logger';

/** Part of every index name: a change in how the indexes are made gives them new names (old ones go). */
const INDEX_VERSION = 2;

export interface IndexSpec {
  collection: string;
  field: string;
}

/** `_id` and the leading field of every index Mongoose declares, per collection of our models. */
export function equalityIndexSpecs(): IndexSpec[] {
  const specs = new Map<string, IndexSpec>();
  for (const model of Object.values(mongoose.models)) {
    const collection = model.collection.collectionName;
    const fields = ['_id', ...model.schema.indexes().map(([keys]) => Object.keys(keys)[0]!)];
    // Dotted paths are queried with FerretDB's #> operator, not ->: only top-level fields match.
    for (const field of fields.filter((f) => !f.includes('.'))) specs.set(`${collection}.${field}`, { collection, field });
  }
  return [...specs.values()];
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Creates the missing GIN indexes; returns how many it created. */
export async function ensureEqualityIndexes(opts: { socketDir: string; database: string; specs: IndexSpec[]; logger: Logger }): Promise<number> {
  const client = new pg.Client({ host: opts.socketDir, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    // FerretDB keeps a schema per database and a table per collection, named in its metadata table.
    const schema = opts.database;
    const exists = await client.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, '_ferretdb_database_metadata']);
    if (!exists.rowCount) return 0;
    const tables = await client.query<{ collection: string; table: string }>(`SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${quoteIdent(schema)}._ferretdb_database_metadata`);
    const tableOf = new Map(tables.rows.map((r) => [r.collection, r.table]));
    const existing = new Set((await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'ate\\_eq\\_%'`, [schema])).rows.map((r) => r.indexname));
    const wanted = new Set<string>();
    let created = 0;
    for (const spec of opts.specs) {
      const table = tableOf.get(spec.collection);
      if (!table) continue;
      const name = `ate_eq_${createHash('sha256').update(`${INDEX_VERSION}:${table}.${spec.field}`).digest('hex').slice(0, 16)}`;
      wanted.add(name);
      if (existing.has(name)) continue;
      // fastupdate off: with GIN's pending list, every few thousand inserts one of them pays for merging
      // the list, a stall of hundreds of milliseconds for whichever candidate's autosave it was.
      await client.query(`CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(schema)}.${quoteIdent(table)} USING gin ((_jsonb -> ${quoteLiteral(spec.field)})) WITH (fastupdate = off)`);
      created++;
    }
    // Indexes of ours that an earlier version made differently, or for a field no longer indexed.
    for (const name of existing) if (!wanted.has(name)) await client.query(`DROP INDEX IF EXISTS ${quoteIdent(schema)}.${quoteIdent(name)}`);
    if (created) opts.logger.info({ created }, 'added equality indexes to the embedded PostgreSQL tables');
    return created;
  } finally {
    await client.end();
  }
}
