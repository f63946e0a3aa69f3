// The only code that touches the question collections. Plain objects in and out.
import { Types, type QueryFilter } from 'mongoose';
import { bumpMarker } from '../../db/change-marker';
import { isDuplicateKeyError } from '../../lib/errors';
import {
  CounterModel,
  POOL_MARKER,
  QuestionPoolModel,
  QuestionEventModel,
  QuestionModel,
  QuestionVersionModel,
  type PoolEntry,
  type Question,
  type QuestionVersion,
} from './question.model';
import type { ListQuery, QuestionStatus } from './question.schemas';
import { CONTENT_KEYS, type QuestionContent } from './question.types';
import { enemyKeys } from './enemy-groups';
import { normalizeAnswer, stemKey } from './types';

export type StoredQuestion = Question;
export type StoredVersion = QuestionVersion;

export function toObjectId(id: string): Types.ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}

export function pickContent(source: QuestionContent): QuestionContent {
  const out: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  // Written before pools existed: practice, the only use there was.
  out.usage ??= 'practice';
  return out as unknown as QuestionContent;
}

export function derivedFields(code: string, content: QuestionContent): { searchText: string; stemKeys: string[] } {
  const stems = [content.stem.zh, content.stem.en].filter((s): s is string => !!s);
  return {
    searchText: normalizeAnswer([code, ...stems].join(' ')),
    stemKeys: [...new Set(stems.map(stemKey).filter(Boolean))],
  };
}

export function poolEntry(version: number, content: QuestionContent): PoolEntry {
  return { version, type: content.type, domain: content.domain, levels: content.levels, difficulty: content.difficulty, usage: content.usage ?? 'practice', groups: enemyKeys(content) };
}

/** Mirrors a question's pool entry into the small pool collection (exposure survives re-approval). */
export async function syncPoolEntry(questionId: Types.ObjectId, pool: PoolEntry | null): Promise<void> {
  if (!pool) await QuestionPoolModel.deleteOne({ _id: questionId });
  else await QuestionPoolModel.updateOne({ _id: questionId }, { $set: { ...pool }, $setOnInsert: { exposure: 0 } }, { upsert: true });
  await bumpMarker(POOL_MARKER);
}

/**
 * Rebuilds the pool collection from the questions (start-up): repairs any write a crash cut short, and
 * migrates entries made before pools and enemy groups existed (their use and groups come from the live
 * version's content: practice, and its knowledge point).
 */
export async function rebuildPoolIndex(): Promise<{ migrated: number }> {
  const live = await QuestionModel.find({ pool: { $ne: null } }, { _id: 1, pool: 1 }).lean<Array<{ _id: Types.ObjectId; pool: PoolEntry }>>();
  const existing = new Map((await QuestionPoolModel.find({}).lean()).map((p) => [p._id.toHexString(), p]));
  const wanted = new Set<string>();
  let migrated = 0;
  for (const q of live) {
    const id = q._id.toHexString();
    wanted.add(id);
    let pool = q.pool;
    if (pool.usage === undefined || pool.groups === undefined) {
      const version = await QuestionVersionModel.findOne({ questionId: q._id, version: pool.version }).lean();
      if (version) {
        pool = poolEntry(pool.version, pickContent(version));
        await QuestionModel.updateOne({ _id: q._id }, { $set: { pool } });
        migrated += 1;
      }
    }
    const have = existing.get(id);
    const same =
      have &&
      have.version === pool.version &&
      have.type === pool.type &&
      have.domain === pool.domain &&
      have.difficulty === pool.difficulty &&
      have.levels.join() === pool.levels.join() &&
      have.usage === pool.usage &&
      (have.groups ?? []).join() === (pool.groups ?? []).join();
    if (!same) await syncPoolEntry(q._id, pool);
  }
  const stale = [...existing.keys()].filter((id) => !wanted.has(id));
  if (stale.length) {
    await QuestionPoolModel.deleteMany({ _id: { $in: stale } });
    await bumpMarker(POOL_MARKER);
  }
  return { migrated };
}

export async function findById(id: string): Promise<StoredQuestion | undefined> {
  const _id = toObjectId(id);
  if (!_id) return undefined;
  return (await QuestionModel.findById(_id).lean<StoredQuestion>()) ?? undefined;
}

export async function findByCodes(codes: string[]): Promise<StoredQuestion[]> {
  return QuestionModel.find({ code: { $in: codes } }).lean<StoredQuestion[]>();
}

/** Existing questions whose normalised stem (either language) is among `keys`. */
export async function findByStemKeys(keys: string[]): Promise<Array<Pick<StoredQuestion, 'code' | 'stemKeys'>>> {
  if (keys.length === 0) return [];
  const found: Array<Pick<StoredQuestion, 'code' | 'stemKeys'>> = [];
  // Chunked so a 5,000-question import stays within sane query sizes.
  for (let i = 0; i < keys.length; i += 1000) {
    found.push(...(await QuestionModel.find({ stemKeys: { $in: keys.slice(i, i + 1000) } }, { code: 1, stemKeys: 1 }).lean<Array<Pick<StoredQuestion, 'code' | 'stemKeys'>>>()));
  }
  return found;
}

export function listFilter(query: Omit<ListQuery, 'page' | 'pageSize'>): QueryFilter<Question> {
  // Built from validated, typed values only; never from raw request input.
  const filter: Record<string, unknown> = {};
  if (query.domain) filter.domain = query.domain;
  if (query.level) filter.levels = query.level;
  if (query.type) filter.type = query.type;
  if (query.status) filter.status = query.status;
  if (query.difficulty) filter.difficulty = query.difficulty;
  if (query.tag) filter.tags = query.tag;
  if (query.q) {
    const needle = normalizeAnswer(query.q).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (needle) filter.searchText = { $regex: needle };
  }
  return filter as QueryFilter<Question>;
}

export async function list(query: ListQuery): Promise<{ items: StoredQuestion[]; total: number }> {
  const filter = listFilter(query);
  const [items, total] = await Promise.all([
    QuestionModel.find(filter)
      .sort({ code: 1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<StoredQuestion[]>(),
    QuestionModel.countDocuments(filter),
  ]);
  return { items, total };
}

/** Every question matching `filter`, in code order, as a cursor (exports never load the bank at once). */
export function streamMatching(query: Omit<ListQuery, 'page' | 'pageSize'>) {
  return QuestionModel.find(listFilter(query)).sort({ code: 1 }).lean<StoredQuestion[]>().cursor();
}

/** Reserves `count` consecutive numbers for a code prefix. */
export async function reserveCodeNumbers(prefix: string, count: number): Promise<number> {
  const counter = await CounterModel.findOneAndUpdate(
    { _id: `question-code:${prefix}` },
    { $inc: { seq: count } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return (counter?.seq ?? count) - count + 1;
}

/** Keeps the counter past codes that were given explicitly (seed files, imports with codes). */
export async function noteUsedCodeNumber(prefix: string, n: number): Promise<void> {
  await CounterModel.updateOne({ _id: `question-code:${prefix}` }, { $max: { seq: n } }, { upsert: true });
}

export async function codeExists(codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const found = await QuestionModel.find({ code: { $in: codes } }, { code: 1 }).lean<Array<{ code: string }>>();
  return found.map((q) => q.code);
}

export interface NewQuestion {
  _id: Types.ObjectId;
  code: string;
  content: QuestionContent;
  status: QuestionStatus;
  author: Types.ObjectId | null;
  reviewer?: string | null;
  pool?: PoolEntry | null;
  importId?: string | null;
  seedSource?: string | null;
}

/**
 * Inserts questions and their first versions. No transactions on FerretDB, so on failure the rows
 * this call wrote are removed again (by the batch id) and the error is rethrown: all or nothing.
 */
export async function insertQuestions(batch: NewQuestion[], batchId: string): Promise<void> {
  if (batch.length === 0) return;
  try {
    for (let i = 0; i < batch.length; i += 500) {
      const slice = batch.slice(i, i + 500);
      await QuestionVersionModel.insertMany(
        slice.map((q) => ({ questionId: q._id, code: q.code, version: 1, createdBy: q.author, ...q.content })),
        { ordered: true },
      );
      await QuestionModel.insertMany(
        slice.map((q) => ({
          _id: q._id,
          code: q.code,
          ...q.content,
          ...derivedFields(q.code, q.content),
          version: 1,
          revision: 1,
          status: q.status,
          author: q.author,
          versionAuthor: q.author,
          reviewer: q.reviewer ?? null,
          pool: q.pool ?? null,
          importId: batchId,
          seedSource: q.seedSource ?? null,
        })),
        { ordered: true },
      );
      const live = slice.filter((q) => q.pool);
      if (live.length) await QuestionPoolModel.insertMany(live.map((q) => ({ _id: q._id, ...q.pool!, exposure: 0 })), { ordered: true });
    }
  } catch (err) {
    const ids = batch.map((q) => q._id);
    await QuestionVersionModel.deleteMany({ questionId: { $in: ids } });
    await QuestionModel.deleteMany({ _id: { $in: ids } });
    await QuestionPoolModel.deleteMany({ _id: { $in: ids } });
    await bumpMarker(POOL_MARKER);
    throw err;
  }
  if (batch.some((q) => q.pool)) await bumpMarker(POOL_MARKER);
}

/** Writes the content of `version` (a new one, or the still-editable latest) and the question document. */
export async function saveVersion(
  current: StoredQuestion,
  next: { version: number; content: QuestionContent; status: QuestionStatus; by: Types.ObjectId | null; reviewer?: string | null; seedSource?: string },
): Promise<StoredQuestion | undefined> {
  await QuestionVersionModel.updateOne(
    { questionId: current._id, version: next.version },
    { $set: { code: current.code, createdBy: next.by, ...nullableContent(next.content) }, $setOnInsert: { createdAt: new Date() } },
    { upsert: true },
  );
  const set: Record<string, unknown> = {
    ...nullableContent(next.content),
    ...derivedFields(current.code, next.content),
    version: next.version,
    status: next.status,
    versionAuthor: next.by,
  };
  if (next.reviewer !== undefined) set.reviewer = next.reviewer;
  if (next.seedSource !== undefined) set.seedSource = next.seedSource;
  const { matchedCount } = await QuestionModel.updateOne({ _id: current._id, revision: current.revision }, { $set: set, $inc: { revision: 1 } });
  if (!matchedCount) return undefined;
  return findById(current._id.toHexString());
}

/** Content fields a version does not have are unset, so an edit can remove e.g. tolerance. */
function nullableContent(content: QuestionContent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) out[key] = content[key] ?? undefined;
  return out;
}

/** Status change guarded by the revision the caller saw (a concurrent edit makes it fail). */
export async function setStatus(
  current: StoredQuestion,
  to: QuestionStatus,
  changes: { pool?: PoolEntry | null; reviewedBy?: Types.ObjectId | null },
): Promise<StoredQuestion | undefined> {
  const { matchedCount } = await QuestionModel.updateOne(
    { _id: current._id, revision: current.revision },
    { $set: { status: to, ...changes }, $inc: { revision: 1 } },
  );
  if (!matchedCount) return undefined;
  if (changes.pool !== undefined) await syncPoolEntry(current._id, changes.pool);
  return findById(current._id.toHexString());
}

export async function recordEvent(event: { questionId: Types.ObjectId; version: number; from: QuestionStatus | null; to: QuestionStatus; by: Types.ObjectId | null; comment?: string | undefined }): Promise<void> {
  await QuestionEventModel.create({ ...event, at: new Date() });
}

export async function listEvents(questionId: Types.ObjectId) {
  return QuestionEventModel.find({ questionId }).sort({ at: 1 }).lean();
}

export async function listVersions(questionId: Types.ObjectId): Promise<StoredVersion[]> {
  return QuestionVersionModel.find({ questionId }).sort({ version: -1 }).lean<StoredVersion[]>();
}

export async function findVersion(questionId: Types.ObjectId, version: number): Promise<StoredVersion | undefined> {
  return (await QuestionVersionModel.findOne({ questionId, version }).lean<StoredVersion>()) ?? undefined;
}

export async function deleteQuestion(current: StoredQuestion): Promise<boolean> {
  const { deletedCount } = await QuestionModel.deleteOne({ _id: current._id, revision: current.revision, status: 'draft', pool: null });
  if (deletedCount) {
    await QuestionVersionModel.deleteMany({ questionId: current._id });
    await QuestionEventModel.deleteMany({ questionId: current._id });
  }
  return deletedCount === 1;
}

/**
 * Counts per domain × level × status, for the bank overview. Grouped by the whole levels array and
 * expanded in code: FerretDB v1's $unwind drops every other field, so $unwind + $group loses domain and status.
 */
export async function overviewCounts(): Promise<Array<{ domain: string; level: number; status: string; count: number }>> {
  const rows = await QuestionModel.aggregate<{ _id: { domain: string; levels: number[] | null; status: string }; count: number }>([
    { $group: { _id: { domain: '$domain', levels: '$levels', status: '$status' }, count: { $sum: 1 } } },
  ]);
  const cells = new Map<string, { domain: string; level: number; status: string; count: number }>();
  for (const { _id, count } of rows) {
    for (const level of new Set(_id.levels ?? [])) {
      const key = `${_id.domain}|${level}|${_id.status}`;
      const cell = cells.get(key) ?? { domain: _id.domain, level, status: _id.status, count: 0 };
      cell.count += count;
      cells.set(key, cell);
    }
  }
  return [...cells.values()];
}

export { isDuplicateKeyError };
