// Attempts: start (one paper per candidate and exam at a time), autosave, submit, and finalisation
// that happens exactly once — on submit, lazily when a late request touches the attempt, or by the sweeper.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { BoundedMap } from '../../lib/bounded-map';
import { AppError, ConflictError, NotFoundError, ValidationError, isDuplicateKeyError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import type { PublicUser } from '../accounts';
import { livePool, loadVersions, questionType, recordExposure, type QuestionContent } from '../questions';
import {
  AttemptDeadlineModel,
  AttemptModel,
  AttemptResponseModel,
  GradingClaimModel,
  type Attempt,
  type AttemptItem,
  type AttemptResult,
  type AttemptRules,
  type SavedResponse,
} from './attempt.model';
import { assertMaySit } from './exam-conflicts';
import { answerSchema } from './exam.schemas';
import { gradeAttempt } from './grading';
import { drawBlueprint, extraSecondsFor, findExamCached, toExamView, type ExamView } from './exam.service';
import { secureRandom, shuffle, type Random } from './random';

/** Answers may arrive this long after the deadline (network latency); later ones are refused. */
export const ANSWER_GRACE_SECONDS = 10;
/** A grading claim older than this belongs to a grader that died; another may take it over. */
export const STALE_CLAIM_SECONDS = 60;
/** Papers avoid the questions of this many of the candidate's latest attempts where the bank allows. */
const RECENT_ATTEMPTS_AVOIDED = 3;

export type AttemptHook = (attempt: Attempt) => Promise<void>;
const gradedHooks: AttemptHook[] = [];

/**
 * Lets other components (certificates) react once an attempt is graded. Hooks handle their own errors:
 * a failure there must not hide a grade that is already stored.
 */
export function onAttemptGraded(hook: AttemptHook): void {
  if (!gradedHooks.includes(hook)) gradedHooks.push(hook);
}

function notFound(): AppError {
  return new NotFoundError('No such attempt.');
}

function closed(): AppError {
  return new ConflictError('attempt_closed', 'This attempt is over; answers can no longer be changed.');
}

async function loadOwn(user: PublicUser, attemptId: string, projection?: Record<string, 0 | 1>): Promise<Attempt> {
  if (!/^[0-9a-f]{24}$/i.test(attemptId)) throw notFound();
  // Another candidate's attempt answers exactly like a missing one.
  const attempt = await AttemptModel.findOne({ _id: attemptId, userId: new Types.ObjectId(user.id) }, projection).lean<Attempt>();
  if (!attempt) throw notFound();
  return attempt;
}

function pastGrace(attempt: Pick<Attempt, 'deadline'>, now: Date): boolean {
  return now.getTime() > attempt.deadline.getTime() + ANSWER_GRACE_SECONDS * 1000;
}

// ---------------------------------------------------------------- starting

/** What the candidate has sat before: one query for the attempt limit, the cooldown and recent papers. */
interface History {
  attempts: Array<Pick<Attempt, 'examId' | 'status' | 'finishedAt' | 'startedAt'> & { items: Array<{ questionId: Types.ObjectId }> }>;
}

async function candidateHistory(userId: Types.ObjectId): Promise<History> {
  const attempts = await AttemptModel.find({ userId }, { examId: 1, status: 1, finishedAt: 1, startedAt: 1, 'items.questionId': 1 }).lean<History['attempts']>();
  attempts.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  return { attempts };
}

function recentlySeenQuestions(history: History): Set<string> {
  return new Set(history.attempts.slice(0, RECENT_ATTEMPTS_AVOIDED).flatMap((a) => a.items.map((i) => i.questionId.toHexString())));
}

/** Draws one candidate's paper: section counts, domain shares, difficulty band, pool, no duplicates, no enemies. */
export async function assemblePaper(exam: ExamView, history: History, random: Random = secureRandom): Promise<AttemptItem[]> {
  const cells = drawBlueprint(exam, await livePool(), recentlySeenQuestions(history), random);
  const short = cells.filter((c) => c.have < c.need);
  if (short.length) {
    throw new ConflictError('blueprint_unsatisfiable', 'The question bank can no longer fill this exam; tell an examiner.', {
      cells: short.map((c) => ({ domain: c.domain, type: c.type, have: c.have, need: c.need })),
    });
  }
  const drawn: Array<Omit<AttemptItem, 'itemId' | 'optionOrder'>> = [];
  for (const section of exam.sections) {
    const sectionItems = cells
      .filter((c) => c.type === section.type)
      .flatMap((c) => c.picked.map((p) => ({ questionId: p.questionId, version: p.version, type: section.type, domain: c.domain, points: section.points })));
    // Sections stay in blueprint order (true/false, single, multiple, as on the national paper).
    drawn.push(...(exam.shuffleQuestions ? shuffle(sectionItems, random) : sectionItems));
  }
  const contents = await loadVersions(drawn);
  const items = drawn.map((item, index) => {
    const ids = contents.get(`${item.questionId.toHexString()}:${item.version}`)?.options?.map((o) => o.id) ?? [];
    return { ...item, itemId: `q${index + 1}`, optionOrder: exam.shuffleOptions ? shuffle(ids, random) : ids };
  });
  recordExposure(items.map((i) => i.questionId));
  return items;
}

export interface StartResult {
  attempt: AttemptView;
  created: boolean;
}

/**
 * Starts (or resumes) the candidate's paper. Database operations, whatever the size of the bank or of
 * history: resume = 3 (exam-cache marker, active attempt, saved answers); new paper = 6 (marker, active
 * attempt, the pool's marker, the candidate's history, extra time, the insert). The exam, the pool and
 * question texts come from in-process caches.
 */
export async function startAttempt(user: PublicUser, examId: string, options: { now?: Date; random?: Random; lang?: 'zh' | 'en' } = {}): Promise<StartResult> {
  const now = options.now ?? new Date();
  const exam = toExamView(await findExamCached(examId));
  if (exam.status !== 'published') throw new NotFoundError('No such exam.');
  await assertMaySit(user, exam);
  const userId = new Types.ObjectId(user.id);
  const activeKey = `${exam.id}:${user.id}`;

  const active = await AttemptModel.findOne({ activeKey }).lean<Attempt>();
  if (active) {
    const current = await finalizeIfExpired(active, now);
    if (current.status === 'in_progress') return { attempt: await toAttemptView(current, user, now, options.lang), created: false };
  }
  if ((exam.availableFrom && new Date(exam.availableFrom) > now) || (exam.availableUntil && new Date(exam.availableUntil) <= now)) {
    throw new ConflictError('exam_not_available', 'This exam is not open now.', { availableFrom: exam.availableFrom, availableUntil: exam.availableUntil });
  }
  const [history, extraSeconds] = await Promise.all([candidateHistory(userId), extraSecondsFor(new Types.ObjectId(exam.id), userId)]);
  checkAttemptAllowance(exam, history, now);

  const items = await assemblePaper(exam, history, options.random);
  const rules: AttemptRules = {
    examCode: exam.code,
    title: exam.title,
    mode: exam.mode,
    level: exam.level,
    durationSeconds: exam.durationSeconds,
    extraSeconds,
    passPercent: exam.passPercent,
    partialCredit: exam.partialCredit,
    reviewPolicy: exam.mode === 'certification' && exam.reviewPolicy === 'keys' ? 'answers' : exam.reviewPolicy,
    issueCertificate: exam.mode === 'certification' && exam.certificate.issueOnPass,
  };
  try {
    const doc = await AttemptModel.create({
      examId: new Types.ObjectId(exam.id),
      userId,
      activeKey,
      status: 'in_progress',
      rules,
      startedAt: now,
      deadline: new Date(now.getTime() + (exam.durationSeconds + extraSeconds) * 1000),
      items,
      result: null,
      finishedAt: null,
    });
    // Its clock, for the sweeper (a crash right here is caught up at start-up: openAttemptClocks).
    await AttemptDeadlineModel.create({ _id: doc._id, deadline: doc.deadline });
    // A new paper has no saved answers yet: nothing to read back.
    return { attempt: await toAttemptView(doc.toObject(), user, now, options.lang, {}), created: true };
  } catch (err) {
    // Two starts raced: the unique active key let one through; both get that one.
    if (!isDuplicateKeyError(err)) throw err;
    const winner = await AttemptModel.findOne({ activeKey }).lean<Attempt>();
    if (!winner) throw err;
    return { attempt: await toAttemptView(winner, user, now, options.lang), created: false };
  }
}

function checkAttemptAllowance(exam: ExamView, history: History, now: Date): void {
  const finished = history.attempts
    .filter((a) => a.examId.toHexString() === exam.id && a.status === 'graded' && a.finishedAt)
    .map((a) => a.finishedAt!)
    .sort((a, b) => b.getTime() - a.getTime());
  if (exam.attemptsAllowed !== null && finished.length >= exam.attemptsAllowed) {
    throw new ConflictError('attempt_limit', `This exam allows ${exam.attemptsAllowed} attempt(s).`, { nextAttemptAt: null });
  }
  const last = finished[0];
  if (last && exam.cooldownSeconds > 0) {
    const next = new Date(last.getTime() + exam.cooldownSeconds * 1000);
    if (next > now) throw new ConflictError('attempt_cooldown', 'Wait before the next attempt.', { nextAttemptAt: next.toISOString() });
  }
}

// ---------------------------------------------------------------- reading

export async function loadResponses(attemptId: Types.ObjectId): Promise<Record<string, SavedResponse>> {
  const rows = await AttemptResponseModel.find({ attemptId }).lean();
  return Object.fromEntries(rows.map((r) => [r.itemId, { response: r.response ?? null, flagged: !!r.flagged, savedAt: r.savedAt }]));
}

export interface AttemptItemView {
  itemId: string;
  number: number;
  type: string;
  points: number;
  stem: string;
  options: Array<{ id: string; text: string }>;
  translations: Record<'zh' | 'en', { stem: string; options: Array<{ id: string; text: string }> }>;
}

export interface AttemptView {
  id: string;
  examId: string;
  examCode: string;
  title: { zh: string; en: string };
  mode: string;
  level: number;
  status: Attempt['status'];
  startedAt: string;
  deadline: string;
  serverNow: string;
  timeLeftSeconds: number;
  language: 'zh' | 'en';
  items: AttemptItemView[];
  responses: Record<string, { response: unknown; flagged: boolean; savedAt: string }>;
  result?: ResultView;
}

function languageOf(_user: PublicUser, preferred?: 'zh' | 'en'): 'zh' | 'en' {
  return preferred ?? 'zh';
}

function text(t: Partial<Record<'zh' | 'en', string>> | undefined, lang: 'zh' | 'en'): string {
  return t?.[lang] ?? t?.[lang === 'zh' ? 'en' : 'zh'] ?? '';
}

/** The candidate-facing paper: stems and options in paper order. Never keys or explanations. */
export function paperItems(attempt: Pick<Attempt, 'items'>, contents: Map<string, QuestionContent>, lang: 'zh' | 'en'): AttemptItemView[] {
  return attempt.items.map((item, index) => {
    const content = contents.get(`${item.questionId.toHexString()}:${item.version}`);
    const byId = new Map((content?.options ?? []).map((o) => [o.id, o]));
    const localized = (l: 'zh' | 'en') => ({
      stem: text(content?.stem, l),
      options: item.optionOrder.map((id) => ({ id, text: text(byId.get(id)?.text, l) })),
    });
    const translations = { zh: localized('zh'), en: localized('en') };
    return { itemId: item.itemId, number: index + 1, type: item.type, points: item.points, ...translations[lang], translations };
  });
}

export async function toAttemptView(attempt: Attempt, user: PublicUser, now: Date, lang?: 'zh' | 'en', known?: Record<string, SavedResponse>): Promise<AttemptView> {
  const language = languageOf(user, lang);
  // The candidate's next request is most likely an autosave: have what it needs at hand.
  if (attempt.status === 'in_progress') rememberMeta(attempt);
  const contents = await loadVersions(attempt.items);
  const saved = known ?? (await loadResponses(attempt._id));
  const responses: AttemptView['responses'] = {};
  for (const [itemId, r] of Object.entries(saved)) {
    responses[itemId] = { response: r.response ?? null, flagged: r.flagged, savedAt: new Date(r.savedAt).toISOString() };
  }
  return {
    id: attempt._id.toHexString(),
    examId: attempt.examId.toHexString(),
    examCode: attempt.rules.examCode,
    title: attempt.rules.title,
    mode: attempt.rules.mode,
    level: attempt.rules.level,
    status: attempt.status,
    startedAt: attempt.startedAt.toISOString(),
    deadline: attempt.deadline.toISOString(),
    serverNow: now.toISOString(),
    timeLeftSeconds: attempt.status === 'in_progress' ? Math.max(0, Math.floor((attempt.deadline.getTime() - now.getTime()) / 1000)) : 0,
    language,
    items: paperItems(attempt, contents, language),
    responses,
    ...(attempt.result ? { result: resultView(attempt, saved, contents, language) } : {}),
  };
}

export async function getAttempt(user: PublicUser, attemptId: string, options: { now?: Date; lang?: 'zh' | 'en' } = {}): Promise<AttemptView> {
  const now = options.now ?? new Date();
  const attempt = await finalizeIfExpired(await loadOwn(user, attemptId), now);
  return toAttemptView(attempt, user, now, options.lang);
}

export async function listOwnAttempts(user: PublicUser): Promise<Array<{ id: string; examId: string; examCode: string; title: { zh: string; en: string }; mode: string; status: string; startedAt: string; finishedAt: string | null; score: number | null; percent: number | null; passed: boolean | null }>> {
  const attempts = await AttemptModel.find({ userId: new Types.ObjectId(user.id) }, { items: 0 }).sort({ startedAt: -1 }).limit(200).lean<Attempt[]>();
  return attempts.map((a) => ({
    id: a._id.toHexString(),
    examId: a.examId.toHexString(),
    examCode: a.rules.examCode,
    title: a.rules.title,
    mode: a.rules.mode,
    status: a.status,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt?.toISOString() ?? null,
    score: a.result?.score ?? null,
    percent: a.result?.percent ?? null,
    passed: a.result?.passed ?? null,
  }));
}

// ---------------------------------------------------------------- answering

/**
 * What autosave needs of an attempt, none of which changes after the start: whose it is, its deadline,
 * and the option ids of each item (to check a response's shape). Cached per instance, so a save never
 * reads the 190-item attempt document again.
 */
interface AttemptMeta {
  id: Types.ObjectId;
  userId: string;
  deadline: Date;
  items: Map<string, { type: string; optionOrder: string[] }>;
  /** Seen graded (or being graded) by this instance: no save can be accepted any more. */
  closed?: boolean;
}

const metaCache = new BoundedMap<string, AttemptMeta>(5_000);

/** Keeps what autosave needs of an attempt this instance has just had in hand (start, resume, reload). */
function rememberMeta(attempt: Pick<Attempt, '_id' | 'userId' | 'deadline' | 'items'>): AttemptMeta {
  const key = attempt._id.toHexString();
  const known = metaCache.get(key);
  if (known) return known;
  const meta: AttemptMeta = { id: attempt._id, userId: attempt.userId.toHexString(), deadline: attempt.deadline, items: new Map(attempt.items.map((i) => [i.itemId, { type: i.type, optionOrder: i.optionOrder }])) };
  metaCache.set(key, meta);
  return meta;
}

/** Drops this instance's copy (an attempt's deadline is fixed at start; only tests move it). */
export function forgetAttemptMeta(attemptId: string): void {
  metaCache.delete(attemptId.toLowerCase());
}

async function attemptMeta(user: PublicUser, attemptId: string): Promise<AttemptMeta> {
  if (!/^[0-9a-f]{24}$/i.test(attemptId)) throw notFound();
  const key = attemptId.toLowerCase();
  let meta = metaCache.get(key);
  if (!meta) {
    const attempt = await AttemptModel.findById(key, { userId: 1, deadline: 1, 'items.itemId': 1, 'items.type': 1, 'items.optionOrder': 1 }).lean<Pick<Attempt, '_id' | 'userId' | 'deadline' | 'items'>>();
    if (!attempt) throw notFound();
    meta = rememberMeta(attempt);
  }
  // Another candidate's attempt answers exactly like a missing one.
  if (meta.userId !== user.id) throw notFound();
  return meta;
}

/** Grading begins by inserting its claim, before it reads any answer: a claim means answers are closed. */
async function gradingStarted(attemptId: Types.ObjectId): Promise<boolean> {
  return (await GradingClaimModel.exists({ _id: attemptId })) !== null;
}

/**
 * Autosave. Database operations: 2 (the answer's upsert, then the grading claim), both by primary key and
 * neither reading the attempt, after the attempt's first save on this instance (one more). A save that
 * lands after grading began is refused (409) and changes nothing anyone reads: the result keeps the
 * answers it graded.
 */
export async function saveAnswer(user: PublicUser, attemptId: string, itemId: string, body: unknown, now = new Date()): Promise<{ itemId: string; savedAt: string }> {
  const { response, flagged } = parseInput(answerSchema, body);
  const meta = await attemptMeta(user, attemptId);
  const item = meta.items.get(itemId);
  if (!item) throw new NotFoundError('No such item on this paper.');
  if (pastGrace(meta, now)) {
    await finalizeIfExpired(await loadOwn(user, attemptId), now);
    throw closed();
  }
  if (response !== null && response !== undefined) {
    // Option ids come from this paper; the type module checks the shape without needing any key.
    const shape: QuestionContent = { type: item.type as QuestionContent['type'], options: item.optionOrder.map((id) => ({ id, text: {}, correct: false })) } as QuestionContent;
    const checked = questionType(shape.type).checkResponse(shape, response);
    if (!checked.ok) throw new ValidationError([{ path: 'response', message: checked.message }]);
  }
  if (meta.closed) throw closed();
  const set: Record<string, unknown> = { response: response ?? null, savedAt: now };
  if (flagged !== undefined) set.flagged = flagged;
  const key = `${meta.id.toHexString()}:${itemId}`;
  const write = () =>
    AttemptResponseModel.updateOne({ _id: key }, { $set: set, $setOnInsert: { attemptId: meta.id, itemId, ...(flagged === undefined ? { flagged: false } : {}) } }, { upsert: true });
  try {
    await write();
  } catch (err) {
    // Two first saves of one item raced to insert: the loser's write becomes an update.
    if (!isDuplicateKeyError(err)) throw err;
    await write();
  }
  // A save that still sees no grading claim after writing is certain to be read by the grader; one that
  // does see it may have been too late, and is reported as such.
  if (await gradingStarted(meta.id)) {
    meta.closed = true;
    throw closed();
  }
  return { itemId, savedAt: now.toISOString() };
}

// ---------------------------------------------------------------- finishing

/**
 * Submit (idempotent). Database operations for the grading submit: the attempt, the grading claim, two
 * attempt updates, the answers, and what issuing a certificate takes (certificate.service.ts); a repeated
 * submit reads the attempt and its answers only.
 */
export async function submitAttempt(user: PublicUser, attemptId: string, options: { now?: Date; lang?: 'zh' | 'en'; timeUp?: boolean } = {}): Promise<ResultView> {
  const now = options.now ?? new Date();
  const attempt = await loadOwn(user, attemptId);
  // A client's "time is up" counts only when the server agrees (3 s allow for the page's clock offset).
  const timeUp = pastGrace(attempt, now) || (options.timeUp === true && now.getTime() >= attempt.deadline.getTime() - 3_000);
  const { attempt: graded, responses } = attempt.status === 'graded' ? { attempt, responses: undefined } : await finalizeAndRead(attempt, timeUp ? 'deadline' : 'submitted', now);
  const contents = await loadVersions(graded.items);
  return resultView(graded, responses ?? (await loadResponses(graded._id)), contents, languageOf(user, options.lang));
}

async function finalizeIfExpired(attempt: Attempt, now: Date): Promise<Attempt> {
  if (attempt.status === 'in_progress' && pastGrace(attempt, now)) return finalize(attempt, 'deadline', now);
  if (attempt.status === 'grading') return finalize(attempt, 'deadline', now);
  return attempt;
}

/**
 * Inserts the grading claim: 'fresh' when this caller won a new one, 'takeover' when it replaced the claim
 * of a grader that died, false when someone else holds it.
 */
async function claimGrading(attemptId: Types.ObjectId, token: string, now: Date): Promise<'fresh' | 'takeover' | false> {
  try {
    await GradingClaimModel.create({ _id: attemptId, token, at: now });
    return 'fresh';
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const existing = await GradingClaimModel.findById(attemptId).lean();
  const stale = existing && now.getTime() - existing.at.getTime() > STALE_CLAIM_SECONDS * 1000;
  if (!stale) return false;
  const current = await AttemptModel.findById(attemptId, { status: 1 }).lean<Pick<Attempt, 'status'>>();
  if (current?.status === 'graded') return false;
  await GradingClaimModel.deleteOne({ _id: attemptId, token: existing.token });
  return (await claimGrading(attemptId, token, now)) && 'takeover';
}

/**
 * Grades an attempt exactly once, however many submits, sweepers and instances race: the winner of
 * the claim grades it; everyone else waits for that result.
 */
export async function finalize(attempt: Attempt, by: 'submitted' | 'deadline', now = new Date()): Promise<Attempt> {
  return (await finalizeAndRead(attempt, by, now)).attempt;
}

/** finalize, also handing back the answers it graded when it was the grader (so callers need not read them again). */
async function finalizeAndRead(attempt: Attempt, by: 'submitted' | 'deadline', now: Date): Promise<{ attempt: Attempt; responses?: Record<string, SavedResponse> }> {
  if (attempt.status === 'graded') return { attempt };
  const token = randomUUID();
  const claim = await claimGrading(attempt._id, token, now);
  if (!claim) return { attempt: await waitForGrade(attempt._id) };
  // The claim is in place before any answer is read: a save that sees no claim after writing is read here.
  await AttemptModel.updateOne({ _id: attempt._id }, { $set: { status: 'grading' } });
  // Taking over from a grader that died: it may have finished after all.
  const fresh = claim === 'takeover' ? (await AttemptModel.findById(attempt._id).lean<Attempt>())! : attempt;
  if (fresh.result) return { attempt: fresh };
  const [contents, responses] = await Promise.all([loadVersions(fresh.items), loadResponses(fresh._id)]);
  const finishedAt = by === 'deadline' ? fresh.deadline : now;
  const result = gradeAttempt({
    items: fresh.items,
    contents,
    responses,
    partialCredit: fresh.rules.partialCredit,
    passPercent: fresh.rules.passPercent,
    startedAt: fresh.startedAt,
    finishedAt,
    finalizedBy: by,
  });
  // Releasing the active key lets the candidate start the next attempt.
  await AttemptModel.updateOne({ _id: fresh._id }, { $set: { status: 'graded', result, finishedAt, activeKey: fresh._id.toHexString() } });
  const graded: Attempt = { ...fresh, status: 'graded', result, finishedAt, activeKey: fresh._id.toHexString() };
  await AttemptDeadlineModel.deleteOne({ _id: fresh._id });
  for (const hook of gradedHooks) await hook(graded);
  return { attempt: graded, responses };
}

async function waitForGrade(id: Types.ObjectId, timeoutMs = 10_000): Promise<Attempt> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await AttemptModel.findById(id).lean<Attempt>();
    if (current?.status === 'graded') return current;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ConflictError('grading_in_progress', 'The attempt is being graded; try again in a moment.');
}

/**
 * Finalises attempts whose time ran out, including any a crashed grader left half done (its stale claim is
 * taken over). Reads the small clock collection whole, never the attempts.
 */
export async function sweepExpiredAttempts(now = new Date(), limit = 100): Promise<number> {
  const cutoff = now.getTime() - ANSWER_GRACE_SECONDS * 1000;
  const clocks = await AttemptDeadlineModel.find({}).lean<Array<{ _id: Types.ObjectId; deadline: Date }>>();
  let finalized = 0;
  for (const clock of clocks.filter((c) => c.deadline.getTime() < cutoff).slice(0, limit)) {
    const attempt = await AttemptModel.findById(clock._id).lean<Attempt>();
    if (!attempt || attempt.status === 'graded') {
      await AttemptDeadlineModel.deleteOne({ _id: clock._id });
      continue;
    }
    try {
      await finalize(attempt, 'deadline', now);
      finalized++;
    } catch (err) {
      // Another instance is grading it right now: its result will stand.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return finalized;
}

/** Gives every open attempt its clock (attempts from before clocks existed, or a crash between the two inserts). */
export async function openAttemptClocks(): Promise<number> {
  // Two equality queries (index-backed), not `$in` (a scan of every attempt ever taken).
  const open = (await Promise.all((['in_progress', 'grading'] as const).map((status) => AttemptModel.find({ status }, { deadline: 1 }).lean<Array<{ _id: Types.ObjectId; deadline: Date }>>()))).flat();
  let added = 0;
  for (const attempt of open) {
    try {
      await AttemptDeadlineModel.create({ _id: attempt._id, deadline: attempt.deadline });
      added++;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  return added;
}

/** Graded, passed attempts of certification exams that issue certificates (for certificate repair). */
export async function passedCertificationAttempts(): Promise<Attempt[]> {
  return AttemptModel.find({ status: 'graded', 'rules.issueCertificate': true, 'result.passed': true }, { items: 0 }).lean<Attempt[]>();
}

// ---------------------------------------------------------------- results and review

export interface ResultView {
  score: number;
  max: number;
  percent: number;
  passed: boolean;
  passPercent: number;
  timeUsedSeconds: number;
  gradedAt: string;
  finalizedBy: AttemptResult['finalizedBy'];
  reviewPolicy: AttemptRules['reviewPolicy'];
  byDomain?: AttemptResult['byDomain'];
  items?: Array<{
    itemId: string;
    number: number;
    earned: number;
    points: number;
    response: unknown;
    correct?: boolean;
    key?: unknown;
    explanation?: string;
  }>;
}

/** What the review policy lets the candidate see. Certification never reveals keys or explanations. */
export function resultView(attempt: Attempt, responses: Record<string, SavedResponse>, contents: Map<string, QuestionContent>, lang: 'zh' | 'en'): ResultView {
  const result = attempt.result!;
  const policy = attempt.rules.mode === 'certification' && attempt.rules.reviewPolicy === 'keys' ? 'answers' : attempt.rules.reviewPolicy;
  const view: ResultView = {
    score: result.score,
    max: result.max,
    percent: result.percent,
    passed: result.passed,
    passPercent: attempt.rules.passPercent,
    timeUsedSeconds: result.timeUsedSeconds,
    gradedAt: new Date(result.gradedAt).toISOString(),
    finalizedBy: result.finalizedBy,
    reviewPolicy: policy,
  };
  if (policy === 'score') return view;
  view.byDomain = result.byDomain;
  if (policy === 'domains') return view;
  const earned = new Map(result.items.map((i) => [i.itemId, i]));
  view.items = attempt.items.map((item, index) => {
    const graded = earned.get(item.itemId);
    // The answer as graded; results graded before answers were kept with them fall back to the saved one.
    const response = graded && 'response' in graded ? graded.response : (responses[item.itemId]?.response ?? null);
    const base = { itemId: item.itemId, number: index + 1, earned: graded?.earned ?? 0, points: item.points, response };
    if (policy !== 'keys') return base;
    const content = contents.get(`${item.questionId.toHexString()}:${item.version}`);
    return {
      ...base,
      correct: graded?.correct ?? false,
      key: content ? questionType(content.type).key(content) : null,
      explanation: text(content?.explanation, lang),
    };
  });
  return view;
}
