// Business rules of the bank: validation, codes, versions, the review workflow (four-eyes), deletion.
import { Types } from 'mongoose';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import type { PublicUser } from '../accounts';
import { recordAudit } from '../audit';
import { checkContent, questionContentSchema, toContent, type ListQuery, type QuestionInput, type QuestionStatus } from './question.schemas';
import * as repo from './question.repository';
import { DOMAIN_PREFIX, type QuestionContent } from './question.types';

export interface QuestionView extends QuestionContent {
  id: string;
  code: string;
  version: number;
  revision: number;
  status: QuestionStatus;
  /** The approved version exams draw, or null. */
  liveVersion: number | null;
  author: string | null;
  versionAuthor: string | null;
  reviewer: string | null;
  reviewedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toView(q: repo.StoredQuestion): QuestionView {
  return {
    id: q._id.toHexString(),
    code: q.code,
    ...repo.pickContent(q),
    version: q.version,
    revision: q.revision,
    status: q.status,
    liveVersion: q.pool?.version ?? null,
    author: q.author?.toHexString() ?? null,
    versionAuthor: q.versionAuthor?.toHexString() ?? null,
    reviewer: q.reviewer,
    reviewedBy: q.reviewedBy?.toHexString() ?? null,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

/** Allowed status moves. Editing an approved question is not a move: it creates a new draft version. */
const TRANSITIONS: Record<QuestionStatus, QuestionStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'approved'],
  approved: ['retired'],
  retired: ['draft'],
};

export function canTransition(from: QuestionStatus, to: QuestionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Parses and checks one question; throws 400 validation_failed with field paths. */
export function validateQuestion(input: unknown, { forApproval }: { forApproval: boolean }): { input: QuestionInput; content: QuestionContent } {
  const parsed = parseInput(questionContentSchema, input);
  const content = toContent(parsed);
  const issues = checkContent(content, { forApproval });
  if (issues.length) throw new ValidationError(issues);
  return { input: parsed, content };
}

async function rejectDuplicates(content: QuestionContent, exceptCode?: string): Promise<void> {
  const { stemKeys } = repo.derivedFields('', content);
  const clash = (await repo.findByStemKeys(stemKeys)).find((q) => q.code !== exceptCode);
  if (clash) throw new ConflictError('duplicate_question', `A question with the same stem already exists (${clash.code}).`, { code: clash.code });
}

function userId(user: PublicUser): Types.ObjectId {
  return new Types.ObjectId(user.id);
}

function codeNumber(code: string): { prefix: string; n: number } {
  const [prefix = '', digits = '0'] = code.split('-');
  return { prefix, n: Number(digits) };
}

/** Moves each prefix's counter past the highest of `codes`, so allocation never hands them out again. */
export async function noteUsedCodes(codes: string[]): Promise<void> {
  const highest = new Map<string, number>();
  for (const code of codes) {
    const { prefix, n } = codeNumber(code);
    highest.set(prefix, Math.max(highest.get(prefix) ?? 0, n));
  }
  for (const [prefix, n] of highest) await repo.noteUsedCodeNumber(prefix, n);
}

export async function allocateCodes(prefix: string, count: number): Promise<string[]> {
  const first = await repo.reserveCodeNumbers(prefix, count);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(first + i).padStart(4, '0')}`);
}

export async function createQuestion(actor: PublicUser, body: unknown): Promise<QuestionView> {
  const { input, content } = validateQuestion(body, { forApproval: false });
  await rejectDuplicates(content);
  if (input.code) {
    if ((await repo.codeExists([input.code])).length) throw new ConflictError('code_taken', `Code ${input.code} is already used.`);
    await noteUsedCodes([input.code]);
  }
  // Allocated codes can collide when two examiners create at once (the counter is not atomic on
  // FerretDB); the unique index catches it and a fresh code is drawn.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = input.code ?? (await allocateCodes(DOMAIN_PREFIX[content.domain], 1))[0]!;
    const _id = new Types.ObjectId();
    try {
      await repo.insertQuestions([{ _id, code, content, status: 'draft', author: userId(actor) }], `create:${_id.toHexString()}`);
      return toView((await repo.findById(_id.toHexString()))!);
    } catch (err) {
      if (!repo.isDuplicateKeyError(err)) throw err;
      if (input.code) throw new ConflictError('code_taken', `Code ${input.code} is already used.`);
    }
  }
  throw new ConflictError('code_allocation_failed', 'Could not allocate a question code; try again.');
}

export async function getQuestion(id: string): Promise<QuestionView> {
  return toView(await mustFind(id));
}

async function mustFind(id: string): Promise<repo.StoredQuestion> {
  const question = await repo.findById(id);
  if (!question) throw new NotFoundError('No such question.');
  return question;
}

function editConflict(): AppError {
  return new ConflictError('edit_conflict', 'The question changed while you were editing it; reload and try again.');
}

/**
 * Edits merge into the latest content. A version that has been live (approved) is never changed:
 * editing it creates the next version as a draft, and exams keep drawing the approved one until the
 * new version is approved.
 */
export async function updateQuestion(actor: PublicUser, id: string, patch: Record<string, unknown>, expectedRevision?: number): Promise<QuestionView> {
  const current = await mustFind(id);
  if (expectedRevision !== undefined && expectedRevision !== current.revision) throw editConflict();
  if (current.status === 'retired') throw new ConflictError('invalid_transition', 'Move a retired question back to draft before editing it.');
  if (patch.code !== undefined && patch.code !== current.code) {
    throw new ValidationError([{ path: 'code', message: 'A question keeps its code; create a new question instead.' }]);
  }
  const { content } = validateQuestion({ ...repo.pickContent(current), ...patch, code: current.code }, { forApproval: false });
  // A practice question may have been shown with its key: it can never serve certification.
  if (current.pool?.usage === 'practice' && content.usage === 'secure') {
    throw new ValidationError([{ path: 'usage', message: 'This question has been live in the practice pool, where its key may have been shown; write a new question for the secure pool.' }]);
  }
  await rejectDuplicates(content, current.code);
  const liveVersion = current.pool?.version ?? 0;
  const version = current.version > liveVersion ? current.version : current.version + 1;
  const saved = await repo.saveVersion(current, { version, content, status: 'draft', by: userId(actor) });
  if (!saved) throw editConflict();
  if (current.status !== 'draft') await repo.recordEvent({ questionId: current._id, version, from: current.status, to: 'draft', by: userId(actor), comment: 'edited' });
  return toView(saved);
}

export async function transitionQuestion(actor: PublicUser, id: string, to: QuestionStatus, comment?: string): Promise<QuestionView> {
  const current = await mustFind(id);
  if (!canTransition(current.status, to)) {
    throw new ConflictError('invalid_transition', `A question cannot move from ${current.status} to ${to}.`, { from: current.status, to, allowed: TRANSITIONS[current.status] });
  }
  const changes: Parameters<typeof repo.setStatus>[2] = {};
  if (to === 'approved') {
    const isAuthor = current.versionAuthor?.toHexString() === actor.id;
    if (isAuthor && !actor.roles.includes('admin')) {
      throw new ForbiddenError('Another examiner must approve this version (four-eyes rule).');
    }
    const issues = checkContent(repo.pickContent(current), { forApproval: true });
    if (issues.length) throw new ValidationError(issues, 'The question is not ready for approval.');
    changes.pool = repo.poolEntry(current.version, repo.pickContent(current));
    changes.reviewedBy = userId(actor);
  }
  if (to === 'retired') changes.pool = null;
  const saved = await repo.setStatus(current, to, changes);
  if (!saved) throw editConflict();
  await repo.recordEvent({ questionId: current._id, version: current.version, from: current.status, to, by: userId(actor), comment });
  if (to === 'approved' || to === 'draft') {
    await recordAudit({
      action: to === 'approved' ? 'question.approved' : 'question.returned',
      actor,
      target: { type: 'question', id: saved._id.toHexString(), label: saved.code },
      before: { status: current.status, version: current.version },
      after: { status: to, version: saved.version },
      reason: comment,
    });
  }
  return toView(saved);
}

export async function deleteQuestion(id: string): Promise<void> {
  const current = await mustFind(id);
  if (current.status !== 'draft' || current.pool) {
    throw new ConflictError('not_deletable', 'Only drafts that were never approved can be deleted; retire approved questions instead.');
  }
  if (!(await repo.deleteQuestion(current))) throw editConflict();
}

export async function listQuestions(query: ListQuery): Promise<{ items: QuestionView[]; total: number; page: number; pageSize: number }> {
  const { items, total } = await repo.list(query);
  return { items: items.map(toView), total, page: query.page, pageSize: query.pageSize };
}

export interface VersionView extends QuestionContent {
  version: number;
  createdBy: string | null;
  createdAt: string;
  live: boolean;
}

export async function listVersions(id: string): Promise<{ question: QuestionView; versions: VersionView[] }> {
  const question = await mustFind(id);
  const versions = await repo.listVersions(question._id);
  return {
    question: toView(question),
    versions: versions.map((v) => ({
      version: v.version,
      ...repo.pickContent(v),
      createdBy: v.createdBy?.toHexString() ?? null,
      createdAt: v.createdAt.toISOString(),
      live: question.pool?.version === v.version,
    })),
  };
}

/** What attempts use: the content of one exact version, never the latest edit. */
export async function getVersionContent(id: string, version: number): Promise<QuestionContent | undefined> {
  const _id = repo.toObjectId(id);
  if (!_id) return undefined;
  const found = await repo.findVersion(_id, version);
  return found ? repo.pickContent(found) : undefined;
}

export async function bankOverview() {
  return repo.overviewCounts();
}

