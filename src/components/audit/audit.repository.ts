// The only code that touches AuditModel: one insert, and reads shaped by validated filters.
import type { QueryFilter, Types } from 'mongoose';
import type { AuditAction, AuditTargetType } from './audit.actions';
import { AuditModel, type AuditEntry } from './audit.model';

export interface AuditQuery {
  action?: AuditAction | undefined;
  actions?: readonly AuditAction[] | undefined;
  /** A literal, case-insensitive fragment of the actor's email. */
  actorEmail?: string | undefined;
  targetType?: AuditTargetType | undefined;
  targetId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
}

export type NewAuditEntry = Omit<AuditEntry, '_id'> & { _id?: AuditEntry['_id'] };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function toFilter(query: AuditQuery): QueryFilter<AuditEntry> {
  // Built from validated values only; the email fragment is escaped so "a.b" matches itself.
  const filter: Record<string, unknown> = {};
  if (query.action) filter.action = query.action;
  else if (query.actions) filter.action = { $in: [...query.actions] };
  const needle = query.actorEmail?.trim();
  if (needle) filter['actor.email'] = { $regex: escapeRegex(needle), $options: 'i' };
  if (query.targetType) filter['target.type'] = query.targetType;
  if (query.targetId) filter['target.id'] = query.targetId;
  if (query.from || query.until) filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.until ? { $lt: query.until } : {}) };
  return filter as QueryFilter<AuditEntry>;
}

const NEWEST_FIRST = { at: -1, _id: -1 } as const;

export async function insertEntry(entry: NewAuditEntry): Promise<AuditEntry> {
  const doc = await AuditModel.create(entry);
  return doc.toObject();
}

export async function findPage(query: AuditQuery, page: number, pageSize: number): Promise<{ items: AuditEntry[]; total: number }> {
  const filter = toFilter(query);
  const [items, total] = await Promise.all([
    AuditModel.find(filter).sort(NEWEST_FIRST).skip((page - 1) * pageSize).limit(pageSize).lean<AuditEntry[]>(),
    AuditModel.countDocuments(filter),
  ]);
  return { items, total };
}

/** Every match, newest first, fetched in batches: memory stays bounded however long the log is. */
export function streamEntries(query: AuditQuery): AsyncIterable<AuditEntry> {
  return AuditModel.find(toFilter(query)).sort(NEWEST_FIRST).lean<AuditEntry[]>().cursor({ batchSize: 500 });
}

/** Which of these entry ids exist (so a copy can skip what it copied before). */
export async function existingIds(ids: Types.ObjectId[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const found = await AuditModel.find({ _id: { $in: ids } }, { _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>();
  return new Set(found.map((e) => e._id.toHexString()));
}

/** The target ids that already have an entry for `action` (start-up reconciliation). */
export async function targetIdsWith(action: AuditAction, targetType: AuditTargetType): Promise<Set<string>> {
  const ids = await AuditModel.distinct('target.id', { action, 'target.type': targetType });
  return new Set(ids.map(String));
}
