// What exams may draw from the bank: the approved ("live") version of each question, never a later edit.
// Used by paper assembly and publish checks through the component's index.
import type { Types } from 'mongoose';
import { QuestionPoolModel, QuestionVersionModel } from './question.model';
import { pickContent } from './question.repository';
import type { QuestionContent } from './question.types';

export interface PoolCell {
  level: number;
  domain: string;
  type: string;
  difficulty?: { min: number; max: number };
}

export interface PoolCandidate {
  questionId: Types.ObjectId;
  version: number;
  exposure: number;
  type: string;
  domain: string;
}

function cellFilter(cell: PoolCell): Record<string, unknown> {
  const filter: Record<string, unknown> = { type: cell.type, domain: cell.domain, levels: cell.level };
  if (cell.difficulty) filter.difficulty = { $gte: cell.difficulty.min, $lte: cell.difficulty.max };
  return filter;
}

/**
 * Ids, live versions and exposure of every pool question at `level` in any of the given types and
 * domains: one scan of the small pool collection per paper, split into cells by the caller.
 */
export async function poolCandidates(query: { level: number; types: string[]; domains: string[]; difficulty?: { min: number; max: number } }): Promise<PoolCandidate[]> {
  const filter: Record<string, unknown> = { levels: query.level, type: { $in: query.types }, domain: { $in: query.domains } };
  if (query.difficulty) filter.difficulty = { $gte: query.difficulty.min, $lte: query.difficulty.max };
  const rows = await QuestionPoolModel.find(filter, { _id: 1, version: 1, exposure: 1, type: 1, domain: 1 }).lean();
  return rows.map((r) => ({ questionId: r._id, version: r.version, exposure: r.exposure ?? 0, type: r.type, domain: r.domain }));
}

export async function poolSize(cell: PoolCell): Promise<number> {
  return QuestionPoolModel.countDocuments(cellFilter(cell));
}

export async function recordExposure(questionIds: Types.ObjectId[]): Promise<void> {
  if (questionIds.length) await QuestionPoolModel.updateMany({ _id: { $in: questionIds } }, { $inc: { exposure: 1 } });
}

/**
 * Live versions never change (an edit makes the next version), so their content is cached in
 * memory: reading a 190-item paper costs one query the first time, none afterwards. Bounded so a
 * long-running server cannot grow without limit; any instance may cache, since nothing is mutable.
 */
const VERSION_CACHE_LIMIT = 20_000;
const versionCache = new Map<string, QuestionContent>();

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
    const rows = await QuestionVersionModel.find({ questionId: { $in: ids } }).lean();
    for (const row of rows) {
      const key = `${row.questionId.toHexString()}:${row.version}`;
      if (!missing.has(key)) continue;
      const content = pickContent(row);
      out.set(key, content);
      if (versionCache.size >= VERSION_CACHE_LIMIT) versionCache.delete(versionCache.keys().next().value!);
      versionCache.set(key, content);
    }
  }
  return out;
}
