// Writing and reading the security audit log. There is no update or delete here on purpose: an entry,
// once written, stays as it was (the model refuses any change, see audit.model.ts).
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, isDuplicateKeyError } from '../../lib/errors';
import type { AuditAction } from './audit.actions';
import { currentRequest } from './audit.context';
import type { AuditActor, AuditEntry, AuditTarget } from './audit.model';
import * as repo from './audit.repository';
import type { AuditQuery } from './audit.repository';

export interface AuditInput {
  action: AuditAction;
  /**
   * Who did it. Leave it out to take the signed-in user of the current request (or nobody outside one);
   * pass null for the system. Anything with id and email will do (a PublicUser); only those two are kept.
   */
  actor?: AuditActor | null;
  target: AuditTarget;
  before?: unknown;
  after?: unknown;
  reason?: string | null | undefined;
  /** When it happened, if not now (migrations, reconciliation). */
  at?: Date;
}

/** An entry as readers get it: the stored one with its id as a string. */
export type AuditEntryView = Omit<AuditEntry, '_id'> & { id: string };

/** The action itself succeeded, but its audit entry could not be stored: surfaced, never swallowed. */
export class AuditWriteError extends AppError {
  constructor(action: AuditAction, cause: unknown) {
    super(500, 'audit_write_failed', `The ${action} entry could not be written to the audit log.`, { action });
    this.cause = cause;
  }
}

export function toAuditView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry._id.toHexString(),
    at: entry.at,
    action: entry.action,
    actor: entry.actor ? { id: entry.actor.id, email: entry.actor.email } : null,
    target: { type: entry.target.type, id: entry.target.id, ...(entry.target.label ? { label: entry.target.label } : {}) },
    ...(entry.before !== undefined ? { before: entry.before } : {}),
    ...(entry.after !== undefined ? { after: entry.after } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.ip ? { ip: entry.ip } : {}),
    ...(entry.requestId ? { requestId: entry.requestId } : {}),
  };
}

function toNewEntry(input: AuditInput, id?: Types.ObjectId): repo.NewAuditEntry {
  const req = currentRequest();
  const actor = input.actor === undefined ? (req?.user ?? null) : input.actor;
  return {
    ...(id ? { _id: id } : {}),
    at: input.at ?? new Date(),
    action: input.action,
    actor: actor ? { id: actor.id, email: actor.email } : null,
    target: { type: input.target.type, id: input.target.id, ...(input.target.label ? { label: input.target.label } : {}) },
    ...(input.before !== undefined ? { before: input.before } : {}),
    ...(input.after !== undefined ? { after: input.after } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(req?.ip ? { ip: req.ip } : {}),
    ...(req?.id !== undefined ? { requestId: String(req.id) } : {}),
  };
}

function failed(input: AuditInput, err: unknown): AuditWriteError {
  // In a request the error handler shows a generic 500 for an AppError without logging it, so log here.
  currentRequest()?.log.error({ err, action: input.action, target: input.target }, 'audit entry could not be written');
  return new AuditWriteError(input.action, err);
}

/**
 * Appends one entry. Call it after the action succeeded; when it throws (AuditWriteError), let the
 * error reach the caller: a security-relevant action must not look done while its record is missing.
 */
export async function recordAudit(input: AuditInput): Promise<AuditEntryView> {
  try {
    return toAuditView(await repo.insertEntry(toNewEntry(input)));
  } catch (err) {
    throw failed(input, err);
  }
}

/** The same ObjectId for the same key on every run and every instance. */
export function auditIdFor(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`audit:${key}`).digest().subarray(0, 12));
}

/**
 * Appends an entry under an id of the caller's choosing (an ObjectId, or a key hashed by auditIdFor)
 * unless one with that id exists: for events that happen once per thing (a certificate issued, a key
 * started) and for copying old entries, so repeats and concurrent runs add nothing. The unique _id
 * insert is atomic on both backends. True when this call wrote it.
 */
export async function recordAuditOnce(id: Types.ObjectId | string, input: AuditInput): Promise<boolean> {
  try {
    await repo.insertEntry(toNewEntry(input, typeof id === 'string' ? auditIdFor(id) : id));
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw failed(input, err);
  }
}

export interface AuditFilter {
  action?: AuditAction | undefined;
  /** Several actions at once (the certificate trail); ignored when `action` is given. */
  actions?: readonly AuditAction[] | undefined;
  actorEmail?: string | undefined;
  targetType?: AuditTarget['type'] | undefined;
  targetId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
}

export interface Paging {
  page: number;
  pageSize: number;
}

/** Newest first, one page at a time, with the number of entries that match. */
export async function listAudit(filter: AuditFilter, paging: Paging): Promise<{ items: AuditEntryView[]; total: number }> {
  const { items, total } = await repo.findPage(filter satisfies AuditQuery, paging.page, paging.pageSize);
  return { items: items.map(toAuditView), total };
}

/** Every matching entry, newest first, read through a cursor. */
export async function* streamAudit(filter: AuditFilter): AsyncGenerator<AuditEntryView> {
  for await (const entry of repo.streamEntries(filter)) yield toAuditView(entry);
}

/** Which of these ids (ObjectIds, or keys for auditIdFor) already name an entry, as hex strings. */
export function existingAuditIds(ids: Array<Types.ObjectId | string>): Promise<Set<string>> {
  return repo.existingIds(ids.map((id) => (typeof id === 'string' ? auditIdFor(id) : id)));
}

/** Targets of one type that already have an entry for `action`. */
export function auditedTargetIds(action: AuditAction, targetType: AuditTarget['type']): Promise<Set<string>> {
  return repo.targetIdsWith(action, targetType);
}
