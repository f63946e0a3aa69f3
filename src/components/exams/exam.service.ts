// Exam blueprints: definition, publishing (only when the approved bank can fill every cell), accommodations.
import { Types } from 'mongoose';
import { bumpMarker, markedCache } from '../../db/change-marker';
import { AppError, ConflictError, NotFoundError, isDuplicateKeyError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import type { PublicUser } from '../accounts';
import { recordAudit } from '../audit';
import { livePool, type Domain, type PoolCandidate, type PoolSnapshot, type QuestionUse } from '../questions';
import { EXAMS_MARKER, ExamModel, POOL_FOR_MODE, SECURE_REVIEW_POLICIES, TimeExtensionModel, type Exam, type ExamSection, type TimeExtension } from './exam.model';
import { createExamSchema, extensionSchema, updateExamSchema, type ExamInput } from './exam.schemas';
import { apportion } from './national-format';
import { planPaper } from './question-selection';
import { seededRandom, type Random } from './random';

/** Accommodations and exceptions are granted by someone else, never by the person who benefits. */
export class SelfGrantError extends AppError {
  constructor() {
    super(403, 'self_grant', 'Nobody can grant this to themselves; ask another examiner or administrator.');
  }
}

export interface ExamView {
  id: string;
  code: string;
  title: { zh: string; en: string };
  level: number;
  mode: Exam['mode'];
  pool: QuestionUse;
  durationSeconds: number;
  passPercent: number;
  sections: ExamSection[];
  questionCount: number;
  totalPoints: number;
  shares: Record<string, number>;
  difficulty: { min: number; max: number };
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  partialCredit: boolean;
  attemptsAllowed: number | null;
  cooldownSeconds: number;
  availableFrom: string | null;
  availableUntil: string | null;
  reviewPolicy: Exam['reviewPolicy'];
  certificate: Exam['certificate'];
  status: Exam['status'];
}

export function toExamView(exam: Exam): ExamView {
  const pool = exam.pool ?? POOL_FOR_MODE[exam.mode];
  return {
    id: exam._id.toHexString(),
    code: exam.code,
    title: exam.title,
    level: exam.level,
    mode: exam.mode,
    pool,
    durationSeconds: exam.durationSeconds,
    passPercent: exam.passPercent,
    sections: exam.sections.map((s) => ({ type: s.type, count: s.count, points: s.points })),
    questionCount: exam.sections.reduce((n, s) => n + s.count, 0),
    totalPoints: Math.round(exam.sections.reduce((n, s) => n + s.count * s.points, 0) * 100) / 100,
    shares: exam.shares,
    difficulty: exam.difficulty,
    shuffleQuestions: exam.shuffleQuestions,
    shuffleOptions: exam.shuffleOptions,
    partialCredit: exam.partialCredit,
    attemptsAllowed: exam.attemptsAllowed,
    cooldownSeconds: exam.cooldownSeconds,
    availableFrom: exam.availableFrom?.toISOString() ?? null,
    availableUntil: exam.availableUntil?.toISOString() ?? null,
    // An exam stored before pools with a policy secure questions may not have reads as the most they may.
    reviewPolicy: pool === 'secure' && !SECURE_REVIEW_POLICIES.includes(exam.reviewPolicy) ? 'domains' : exam.reviewPolicy,
    certificate: exam.certificate,
    status: exam.status,
  };
}

function toDocument(input: ExamInput) {
  return {
    ...input,
    availableFrom: input.availableFrom ? new Date(input.availableFrom) : null,
    availableUntil: input.availableUntil ? new Date(input.availableUntil) : null,
  };
}

function examTarget(exam: Pick<Exam, 'code'> & { _id?: Types.ObjectId; id?: string }) {
  return { type: 'exam' as const, id: exam.id ?? exam._id!.toHexString(), label: exam.code };
}

/**
 * Every exam, cached in this process for the candidates' hot paths (starting a paper) and reloaded when
 * the exams' change marker moves: one primary-key read instead of reading the exam.
 */
const examCache = markedCache(EXAMS_MARKER, async () => new Map((await ExamModel.find({}).lean<Exam[]>()).map((e) => [e._id.toHexString(), e])));

/** Like findExam, from the cache (an exam written a moment ago on another instance shows on the next call). */
export async function findExamCached(id: string): Promise<Exam> {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFoundError('No such exam.');
  let exam = (await examCache.get()).get(id.toLowerCase());
  // A copy that may predate a change elsewhere never turns a candidate away: look again, fresh.
  if (!exam || exam.status !== 'published') exam = (await examCache.get({ fresh: true })).get(id.toLowerCase());
  if (!exam) throw new NotFoundError('No such exam.');
  return exam;
}

async function examsChanged(): Promise<void> {
  await bumpMarker(EXAMS_MARKER);
}

export async function findExam(id: string): Promise<Exam> {
  const exam = /^[0-9a-f]{24}$/i.test(id) ? await ExamModel.findById(id).lean<Exam>() : null;
  if (!exam) throw new NotFoundError('No such exam.');
  return exam;
}

export async function createExam(actor: PublicUser | null, body: unknown, seedSource: string | null = null): Promise<ExamView> {
  const input = parseInput(createExamSchema, body);
  try {
    const doc = await ExamModel.create({ ...toDocument(input), status: 'draft', createdBy: actor ? new Types.ObjectId(actor.id) : null, seedSource });
    await examsChanged();
    return toExamView(doc.toObject());
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ConflictError('code_taken', `Exam code ${input.code} is already used.`);
    throw err;
  }
}

/**
 * Changes apply to attempts started afterwards: every attempt keeps the rules it started with. A change
 * that would leave a published exam unfillable is refused as a whole (409, nothing saved): candidates
 * may be about to start it, and a refused request must change nothing. Unpublish first to rework it.
 */
export async function updateExam(id: string, body: unknown): Promise<ExamView> {
  const exam = await findExam(id);
  const patch = parseInput(updateExamSchema, body);
  if (patch.code !== undefined && patch.code !== exam.code) throw new ConflictError('code_immutable', 'An exam keeps its code.');
  const current = toExamView(exam);
  const merged = parseInput(createExamSchema, { ...pickInput(current), ...patch });
  if (current.status === 'published') {
    const short = await shortCells(merged);
    if (short.length) throw new ConflictError('blueprint_unsatisfiable', 'The approved question bank cannot fill this change, so nothing was saved; the exam stays published as it was.', { cells: short });
  }
  await ExamModel.updateOne({ _id: exam._id }, { $set: toDocument(merged) });
  await examsChanged();
  return toExamView(await findExam(id));
}

function pickInput(view: ExamView): Record<string, unknown> {
  const { id: _id, questionCount: _q, totalPoints: _t, status: _s, ...rest } = view;
  return rest;
}

export interface ShortCell {
  domain: string;
  type: string;
  have: number;
  need: number;
}

export interface DrawnCell {
  domain: Domain;
  type: string;
  points: number;
  need: number;
  have: number;
  picked: PoolCandidate[];
}

/**
 * One paper drawn from `pool` for the blueprint: every (domain, type) cell, from the exam's pool (practice
 * or secure), level and difficulty band, never two enemies on one paper. Cells in section order.
 */
export function drawBlueprint(
  exam: Pick<ExamView, 'sections' | 'shares' | 'level' | 'difficulty' | 'pool'>,
  pool: PoolSnapshot,
  recentlySeen: ReadonlySet<string>,
  random: Random,
): DrawnCell[] {
  const cells = exam.sections.flatMap((section) =>
    [...apportion(section.count, exam.shares as Partial<Record<Domain, number>>)]
      .filter(([, need]) => need > 0)
      .map(([domain, need]) => ({
        domain,
        type: section.type,
        points: section.points,
        need,
        candidates: pool.cell({ level: exam.level, type: section.type, domain, usage: exam.pool, difficulty: exam.difficulty }),
      })),
  );
  const planned = planPaper(cells, recentlySeen, random);
  return cells.map(({ candidates: _c, ...cell }, i) => ({ ...cell, have: planned[i]!.have, picked: planned[i]!.picked }));
}

/**
 * Every (domain, type) cell of the blueprint that the approved pool cannot fill: one paper is drawn (as a
 * candidate with no history would get it) and the cells it leaves short are listed with what they had.
 */
export async function shortCells(exam: Pick<ExamView, 'sections' | 'shares' | 'level' | 'difficulty' | 'pool'>): Promise<ShortCell[]> {
  const drawn = drawBlueprint(exam, await livePool({ fresh: true }), new Set(), seededRandom(1));
  return drawn.filter((c) => c.have < c.need).map((c) => ({ domain: c.domain, type: c.type, have: c.have, need: c.need }));
}

export async function publishExam(id: string): Promise<ExamView> {
  const exam = toExamView(await findExam(id));
  const short = await shortCells(exam);
  if (short.length) {
    throw new ConflictError('blueprint_unsatisfiable', 'The approved question bank cannot fill this exam.', { cells: short });
  }
  await ExamModel.updateOne({ _id: exam.id }, { $set: { status: 'published' } });
  await examsChanged();
  // The actor is the signed-in user of the request (recordAudit's default).
  await recordAudit({ action: 'exam.published', target: examTarget(exam), before: { status: exam.status }, after: { status: 'published' } });
  return { ...exam, status: 'published' };
}

export async function unpublishExam(id: string): Promise<ExamView> {
  const exam = await findExam(id);
  await ExamModel.updateOne({ _id: exam._id }, { $set: { status: 'draft' } });
  await examsChanged();
  await recordAudit({ action: 'exam.unpublished', target: examTarget(exam), before: { status: exam.status }, after: { status: 'draft' } });
  return { ...toExamView(exam), status: 'draft' };
}

/** Candidates see published exams inside their window; examiners see everything. */
export async function listExams(user: PublicUser | undefined, now = new Date()): Promise<ExamView[]> {
  const staff = user?.roles.some((r) => r === 'examiner' || r === 'admin');
  const exams = await ExamModel.find(staff ? {} : { status: 'published' }).sort({ level: -1, mode: 1, code: 1 }).lean<Exam[]>();
  return exams
    .filter((e) => staff || ((!e.availableFrom || e.availableFrom <= now) && (!e.availableUntil || e.availableUntil > now)))
    .map(toExamView);
}

export async function grantExtension(actor: PublicUser, examId: string, body: unknown): Promise<{ userId: string; extraSeconds: number }> {
  const exam = await findExam(examId);
  const input = parseInput(extensionSchema, body);
  // Extra time is an accommodation someone else grants: never to oneself.
  if (input.userId === actor.id) throw new SelfGrantError();
  const before = await extraSecondsFor(exam._id, new Types.ObjectId(input.userId));
  await TimeExtensionModel.updateOne(
    { examId: exam._id, userId: new Types.ObjectId(input.userId) },
    { $set: { extraSeconds: input.extraSeconds, grantedBy: new Types.ObjectId(actor.id), reason: input.reason } },
    { upsert: true },
  );
  await recordAudit({
    action: 'exam.extension_granted',
    actor,
    target: examTarget(exam),
    before: { userId: input.userId, extraSeconds: before },
    after: { userId: input.userId, extraSeconds: input.extraSeconds },
    reason: input.reason,
  });
  return { userId: input.userId, extraSeconds: input.extraSeconds };
}

export async function extraSecondsFor(examId: Types.ObjectId, userId: Types.ObjectId): Promise<number> {
  const found = await TimeExtensionModel.findOne({ examId, userId }).lean();
  return found?.extraSeconds ?? 0;
}

export interface ExtensionView {
  userId: string;
  extraSeconds: number;
  reason: string | null;
  grantedBy: string;
  updatedAt: string | null;
}

/** The extra time granted on one exam, most recent first. */
export async function listExtensions(examId: string): Promise<ExtensionView[]> {
  const exam = await findExam(examId);
  const found = await TimeExtensionModel.find({ examId: exam._id }).sort({ updatedAt: -1 }).lean<Array<TimeExtension & { updatedAt?: Date }>>();
  return found.map((e) => ({
    userId: e.userId.toHexString(),
    extraSeconds: e.extraSeconds,
    reason: e.reason ?? null,
    grantedBy: e.grantedBy.toHexString(),
    updatedAt: e.updatedAt?.toISOString() ?? null,
  }));
}

/**
 * Exams made before pools existed get the pool their mode draws from (POOL_FOR_MODE), and a secure exam
 * whose review would show items item by item is set to show the score by domain. Start-up; idempotent.
 */
export async function migrateExamPools(): Promise<number> {
  let changed = 0;
  for (const mode of ['mock', 'certification'] as const) {
    const { modifiedCount } = await ExamModel.updateMany({ mode, pool: { $exists: false } }, { $set: { pool: POOL_FOR_MODE[mode] } });
    changed += modifiedCount;
  }
  const { modifiedCount } = await ExamModel.updateMany({ pool: 'secure', reviewPolicy: { $nin: [...SECURE_REVIEW_POLICIES] } }, { $set: { reviewPolicy: 'domains' } });
  changed += modifiedCount;
  if (changed) await examsChanged();
  return changed;
}
