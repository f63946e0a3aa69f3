// A storage back end for rate-limiter-flexible on our database. The library decides (points, windows,
// blocks, Retry-After); this class only reads and writes one document per key.
// Why not the library's RateLimiterMongo: its filters (`{key, $or: [{expire…}]}`) are scans on FerretDB
// and it relies on a TTL index, which FerretDB v1 lacks. Here every operation addresses the document by
// `_id` (a primary-key lookup on every backend), expired entries are swept by `forgetExpired`, and writes
// to one key are serialised inside this process, because FerretDB v1 does not isolate a read-modify-write
// ($inc) between concurrent requests: without the lock, parallel guesses would each count once.
import { model, Schema, type Model } from 'mongoose';
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstractType } from 'rate-limiter-flexible';
import { isDuplicateKeyError } from './errors';
import { withKeyLock } from './keyed-lock';

// The base class is part of the library (its README documents custom stores) but index.js does not
// re-export it; the package is pinned to an exact version so this path cannot move under us.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RateLimiterStoreAbstract = require('rate-limiter-flexible/lib/RateLimiterStoreAbstract') as typeof StoreAbstractType;

export interface ThrottleEntry {
  _id: string;
  points: number;
  expire: Date | null;
}

const throttleSchema = new Schema<ThrottleEntry>({ _id: { type: String, required: true }, points: { type: Number, required: true }, expire: { type: Date, default: null } }, { versionKey: false });

export const ThrottleModel: Model<ThrottleEntry> = model<ThrottleEntry>('Throttle', throttleSchema, 'login_throttle');

interface StoreResult {
  points: number;
  expire: Date | null;
}

export interface ThrottleOptions {
  keyPrefix: string;
  /** Points per window. */
  points: number;
  /** Window, in seconds. */
  duration: number;
  /** Once over the points, blocked this long (seconds); 0 = until the window ends. */
  blockDuration?: number;
}

export class DocumentThrottle extends RateLimiterStoreAbstract {
  constructor(options: ThrottleOptions) {
    super({ ...options, storeClient: ThrottleModel });
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: StoreResult): RateLimiterRes {
    const msBeforeNext = result.expire ? Math.max(result.expire.getTime() - Date.now(), 0) : -1;
    return new RateLimiterRes(Math.max(this.points - result.points, 0), msBeforeNext, result.points, result.points === changedPoints);
  }

  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<StoreResult> {
    return withKeyLock(`throttle:${rlKey}`, async () => {
      const now = Date.now();
      const fresh = { points, expire: msDuration > 0 ? new Date(now + msDuration) : null };
      const current = forceExpire ? null : await ThrottleModel.findById(rlKey).lean<ThrottleEntry>();
      if (!current || (current.expire && current.expire.getTime() <= now)) {
        await replace(rlKey, fresh);
        return fresh;
      }
      await ThrottleModel.updateOne({ _id: rlKey }, { $inc: { points } });
      return { points: current.points + points, expire: current.expire };
    });
  }

  async _get(rlKey: string): Promise<StoreResult | null> {
    const current = await ThrottleModel.findById(rlKey).lean<ThrottleEntry>();
    if (!current || (current.expire && current.expire.getTime() <= Date.now())) return null;
    return { points: current.points, expire: current.expire };
  }

  async _delete(rlKey: string): Promise<boolean> {
    const { deletedCount } = await ThrottleModel.deleteOne({ _id: rlKey });
    return deletedCount > 0;
  }
}

async function replace(rlKey: string, entry: StoreResult): Promise<void> {
  try {
    await ThrottleModel.replaceOne({ _id: rlKey }, entry, { upsert: true });
  } catch (err) {
    // Another instance inserted the key at the same moment: write over it.
    if (!isDuplicateKeyError(err)) throw err;
    await ThrottleModel.replaceOne({ _id: rlKey }, entry);
  }
}

/** Drops entries whose window is over (the sweeper calls this; the store itself ignores them anyway). */
export async function forgetExpiredThrottles(now = new Date()): Promise<number> {
  const { deletedCount } = await ThrottleModel.deleteMany({ expire: { $lt: now } });
  return deletedCount;
}
