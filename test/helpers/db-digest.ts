// A cheap fingerprint of every collection in the test database, so a test can prove that a request
// changed nothing: one sha256 per collection over its documents (sorted by _id) as BSON.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * Collections that may change even when a request is refused, by design:
 * - login_throttle: failed sign-ins count towards throttling, so a rejected login must be recorded.
 * - audit_log: the security audit log records failed sign-ins and refused actions.
 * Add a collection here only with a comment saying why a refusal has to write to it.
 */
export const MAY_CHANGE_ON_REJECTION: readonly string[] = ['login_throttle', 'audit_log'];

/** Collection name -> hash of its contents. */
export type DbDigest = ReadonlyMap<string, string>;

function db() {
  const handle = mongoose.connection.db;
  if (!handle) throw new Error('digestDatabase: mongoose is not connected (call useTestDatabase() first).');
  return handle;
}

export async function digestDatabase(): Promise<DbDigest> {
  const collections = await db().listCollections({}, { nameOnly: true }).toArray();
  const names = collections
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.') && !MAY_CHANGE_ON_REJECTION.includes(name))
    .sort();
  const entries = await Promise.all(
    names.map(async (name) => {
      const hash = createHash('sha256');
      // Raw BSON straight from the driver: no Mongoose hydration, and field order is part of the hash.
      for await (const doc of db().collection(name).find({}, { raw: true }).sort({ _id: 1 })) hash.update(doc as unknown as Uint8Array);
      return [name, hash.digest('hex')] as const;
    }),
  );
  return new Map(entries);
}

/** Names of the collections that differ (added, removed or changed) between two digests. */
export function changedCollections(before: DbDigest, after: DbDigest): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}
