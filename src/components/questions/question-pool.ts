// What exams may draw from the bank: the approved ("live") version of each question, never a later edit.
// Used by paper assembly and publish checks through the component's index.
import { Types } from 'mongoose';
import { markedCache } from '../../db/change-marker';
import type { Logger } from '../../lib/logger';
import { BoundedMap } from '../../lib/bounded-map';
import { mapLimit } from '../../lib/map-limit';
import { startPeriodicTask, type PeriodicTask } from '../../lib/periodic-task';
import { POOL_MARKER, QuestionPoolModel, QuestionVersionModel, type PoolDocument } from './question.model';
import { pickContent } from './question.repository';
import type { QuestionContent } from './question.types';

export interface PoolCell {
  level: number;
  domain: string;
  type: string;
  /** 'practice' or 'secure': the pool the exam draws from. */
  usage: string;
  difficulty?: { min: number; max: number } | undefined;
}

/**
 * The whole live pool, cached in this process and reloaded when the pool's change marker moves (any
 * approval, retirement, import or seed, on any instance). Paper assembly and publish checks filter it in
 * code: no scan of the bank per paper, whatever its size.
 */
const poolCache = markedCache(POOL_MARKER, async () => QuestionPoolModel.find({}, { _id: 1, version: 1, exposure: 1, type: 1, domain: 1, levels: 1, difficulty: 1, usage: 1, groups: 1 }).lean<PoolDocument[]>());

function inCell(entry: PoolDocument, query: Pick<PoolCell, 'level' | 'usage' | 'difficulty'>): boolean {
  if (!entry.levels.includes(query.level)) return false;
  // Entries written before pools existed are practice (rebuildPoolIndex migrates them at start-up).
  if ((entry.usage ?? 'practice') !== query.usage) return false;
  return !query.difficulty || (entry.difficulty >= query.difficulty.min && entry.difficulty <= query.difficulty.max);
}

export interface PoolCandidate {
  questionId: Types.ObjectId;
  /** questionId as hex, made once per pool load. */
  id: string;
  version: number;
  exposure: number;
  type: string;
  domain: string;
  /** Enemy keys: no two candidates sharing one go on one paper. */
  groups: readonly string[];
}

interface IndexedEntry {
  doc: PoolDocument;
  id: string;
}

/**
 * The loaded pool split by (type, domain), made once per load: a paper reads only the cells it draws
 * from, so its cost follows the size of those cells, not the whole bank's nine domains and four types
 * (at 50,000 questions, filtering the whole pool for every cell was most of a start's time).
 */
const cellIndexes = new WeakMap<PoolDocument[], Map<string, IndexedEntry[]>>();

function cellIndex(pool: PoolDocument[]): Map<string, IndexedEntry[]> {
  let index = cellIndexes.get(pool);
  if (index) return index;
  index = new Map();
  for (const doc of pool) {
    const key = `${doc.type}\u0000${doc.domain}`;
    let cell = index.get(key);
    if (!cell) index.set(key, (cell = []));
    cell.push({ doc, id: doc._id.toHexString() });
  }
  cellIndexes.set(pool, index);
  return index;
}

export interface PoolSnapshot {
  /** Ids, live versions and exposure of one cell's questions (type, domain, pool) at `level`, within the band. */
  cell(query: PoolCell): PoolCandidate[];
}

/**
 * The live pool as of now, for one paper. One primary-key read (the marker) when the cache is current.
 * `fresh` (publish checks) reflects every approval already made, on any instance.
 */
export async function livePool({ fresh = false }: { fresh?: boolean } = {}): Promise<PoolSnapshot> {
  const index = cellIndex(await poolCache.get({ fresh }));
  return { cell: (query) => cellCandidates(index.get(`${query.type}\u0000${query.domain}`) ?? [], query) };
}

function cellCandidates(cell: IndexedEntry[], query: PoolCell): PoolCandidate[] {
  const out: PoolCandidate[] = [];
  for (const { doc, id } of cell) {
    if (!inCell(doc, query)) continue;
    out.push({ questionId: doc._id, id, version: doc.version, exposure: (doc.exposure ?? 0) + (pendingExposure.get(id) ?? 0), type: doc.type, domain: doc.domain, groups: doc.groups ?? [] });
  }
  return out;
}

/**
 * Exposure counts only steer assembly towards less-seen questions, so a start does not write them: they
 * are counted here and flushed in one batch now and then (and at shutdown).
 */
const pendingExposure = new Map<string, number>();

export function recordExposure(questionIds: Types.ObjectId[]): void {
  for (const id of questionIds) {
    const key = id.toHexString();
    pendingExposure.set(key, (pendingExposure.get(key) ?? 0) + 1);
  }
}

/** Flushes exposure counts every `intervalMs`, and once more when stopped. */
export function startExposureFlusher(logger: Logger, intervalMs = 5_000): PeriodicTask {
  // A little at a time (two writes in flight, 200 per tick), so a flush never crowds out candidates'
  // autosaves in the database's connection pool.
  const task = startPeriodicTask('exposure flush', intervalMs, async () => {
    await flushExposure({ max: 200, concurrency: 2 });
  }, logger);
  return {
    async stop() {
      await task.stop();
      // At shutdown: everything that is left.
      await flushExposure().catch((err: unknown) => logger.warn({ err }, 'last exposure flush failed'));
    },
  };
}

/**
 * Single-document updates, never a bulkWrite: FerretDB v1 on PostgreSQL runs each statement of a
 * multi-statement update on its own pooled connection at once, and a batch larger than its pool (40)
 * deadlocks it for good (measured here).
 */
export async function flushExposure({ max = Infinity, concurrency = 8 }: { max?: number; concurrency?: number } = {}): Promise<number> {
  if (!pendingExposure.size) return 0;
  const batch = [...pendingExposure].slice(0, max);
  for (const [id] of batch) pendingExposure.delete(id);
  try {
    // One single-document update per question, by primary key (an indexed look-up; `$in` would scan).
    await mapLimit(batch, concurrency, ([id, n]) => QuestionPoolModel.updateOne({ _id: new Types.ObjectId(id) }, { $inc: { exposure: n } }));
  } catch (err) {
    // Put the counts back for the next flush rather than lose them (an increment may then count twice).
    for (const [id, n] of batch) pendingExposure.set(id, (pendingExposure.get(id) ?? 0) + n);
    throw err;
  }
  return batch.length;
}

/**
 * Live versions never change (an edit makes the next version), so their content is cached in
 * memory: reading a 190-item paper costs one query the first time, none afterwards. Bounded so a
 * long-running server cannot grow without limit; any instance may cache, since nothing is mutable.
 */
const versionCache = new BoundedMap<string, QuestionContent>(20_000);

/** Exact (questionId, version) contents, keyed `${questionId}:${version}`. Only for served (live) versions. */
export async function loadVersions(pairs: Array<{ questionId: Types.ObjectId; version: number }>): Promise<Map<string, QuestionContent>> {
  const out = new Map<string, QuestionContent>();
  const missing = new Set<string>();
  for (const p of pairs) {
    const key = `${p.questionId.toHexString()}:${p.version}`;
    const cached = versionCache.get(key);
    if (cached) out.set(key, cached);
    else missing.add(key);
  }
  if (missing.size) {
    const ids = [...new Set([...missing].map((k) => k.split(':')[0]!))];
    // One equality look-up per question (indexed on every backend), not `$in`, which FerretDB answers by
    // reading the whole version collection.
    const rows = (await mapLimit(ids, 8, (id) => QuestionVersionModel.find({ questionId: new Types.ObjectId(id) }).lean())).flat();
    for (const row of rows) {
      const key = `${row.questionId.toHexString()}:${row.version}`;
      if (!missing.has(key)) continue;
      const content = pickContent(row);
      out.set(key, content);
      versionCache.set(key, content);
    }
  }
  return out;
}
