// The small world the route fuzzer plays in, built through the app's own API as a user would:
// three accounts, a few approved true/false questions, a published certification exam the candidate
// has passed (so a certificate exists), a published mock exam with the candidate's attempt in progress,
// and a draft exam. Kept small on purpose: every request is followed by a digest of the whole database.
import type { Express } from 'express';
import request from 'supertest';
import { UserModel } from '../../src/components/accounts/user.model';
import type { Role } from '../../src/components/accounts';
import { CertificateModel } from '../../src/components/certificates/certificate.model';
import { AttemptModel } from '../../src/components/exams/attempt.model';
import { ExamModel } from '../../src/components/exams/exam.model';
import { loadVersions, questionType } from '../../src/components/questions';
import { bearer, createUser, type TestUser } from '../helpers/app';

export const IDENTITIES = ['anonymous', 'candidate', 'examiner', 'admin'] as const;
export type Identity = (typeof IDENTITIES)[number];

export interface FuzzWorld {
  users: Record<Exclude<Identity, 'anonymous'>, TestUser>;
  /** Real path-parameter values, by the path segment the parameter follows (`/api/exams/:id` -> exams). */
  pools: Record<string, string[]>;
  /** The candidate's in-progress mock attempt: kept alive between routes by repairWorld. */
  liveAttemptId: string;
  examIds: { certification: string; mock: string; draft: string };
}

const ROLES: Record<Exclude<Identity, 'anonymous'>, Role[]> = { candidate: ['candidate'], examiner: ['examiner'], admin: ['admin'] };
/** Exactly what one paper draws, per pool: every document costs time in each digest. */
const TRUE_FALSE_QUESTIONS = 5;

/** The certification exam draws from the secure pool, the mock from the practice pool: each needs its own paper. */
function trueFalseQuestion(n: number, answer: boolean, usage: 'practice' | 'secure' = 'practice') {
  return {
    type: 'truefalse',
    usage,
    domain: 'intelligent-training',
    levels: [3, 2, 1],
    difficulty: 3,
    knowledgePoint: `fuzz-point-${n}`,
    tags: ['overfitting'],
    stem: { zh: `模糊测试第${n}题：正则化可以缓解过拟合。`, en: `Fuzz item ${n}: regularisation can reduce overfitting.` },
    explanation: { zh: '正则化限制模型复杂度。', en: 'Regularisation limits model complexity.' },
    answer,
  };
}

function examBlueprint(code: string, mode: 'certification' | 'mock') {
  return {
    code,
    title: { zh: `模糊测试考试 ${code}`, en: `Fuzz exam ${code}` },
    level: 3,
    mode,
    // Long enough that no answer is ever late during the run (a late answer is refused *and* finalises).
    durationSeconds: 3600,
    passPercent: 60,
    sections: [{ type: 'truefalse', count: 5, points: 20 }],
    shares: { 'intelligent-training': 100 },
    ...(mode === 'certification' ? { certificate: { issueOnPass: true, validityYears: 3 } } : {}),
  };
}

async function ok<T extends { status: number; body: unknown; text: string }>(what: string, res: Promise<T> | T): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`World set-up failed at ${what}: ${r.status} ${r.text.slice(0, 500)}`);
  return r;
}

async function startAttempt(app: Express, user: TestUser, examId: string): Promise<string> {
  const res = await ok('starting an attempt', request(app).post(`/api/exams/${examId}/attempts`).set(bearer(user)));
  return (res.body as { attempt: { id: string } }).attempt.id;
}

/** Answers every item of an attempt correctly and submits it. */
async function pass(app: Express, user: TestUser, attemptId: string): Promise<void> {
  const stored = (await AttemptModel.findById(attemptId).lean())!;
  const contents = await loadVersions(stored.items);
  for (const item of stored.items) {
    const content = contents.get(`${item.questionId.toHexString()}:${item.version}`)!;
    await ok('answering', request(app).put(`/api/attempts/${attemptId}/answers/${item.itemId}`).set(bearer(user)).send({ response: questionType(content.type).key(content) }));
  }
  await ok('submitting', request(app).post(`/api/attempts/${attemptId}/submit`).set(bearer(user)));
}

export async function buildWorld(app: Express): Promise<FuzzWorld> {
  const [candidate, examiner, admin] = await Promise.all([
    createUser(app, ROLES.candidate, { name: 'Fuzz Holder', nameZh: '测试持证人' }),
    createUser(app, ROLES.examiner),
    createUser(app, ROLES.admin),
  ]);
  const questionIds: string[] = [];
  for (let n = 1; n <= 2 * TRUE_FALSE_QUESTIONS; n++) {
    const usage = n <= TRUE_FALSE_QUESTIONS ? 'secure' : 'practice';
    const res = await ok('creating a question', request(app).post('/api/questions').set(bearer(examiner)).send(trueFalseQuestion(n, n % 2 === 0, usage)));
    const id = (res.body as { question: { id: string } }).question.id;
    questionIds.push(id);
    await ok('sending to review', request(app).post(`/api/questions/${id}/transition`).set(bearer(examiner)).send({ to: 'in_review' }));
    // Four eyes: the author may not approve; the admin does.
    await ok('approving', request(app).post(`/api/questions/${id}/transition`).set(bearer(admin)).send({ to: 'approved' }));
  }
  // One draft, so routes that only accept drafts (delete, edit) have a real target.
  const draft = await ok('creating a draft', request(app).post('/api/questions').set(bearer(examiner)).send(trueFalseQuestion(99, true)));
  questionIds.push((draft.body as { question: { id: string } }).question.id);

  const examIds = { certification: '', mock: '', draft: '' };
  for (const [key, code, mode] of [['certification', 'FUZZ-CERT', 'certification'], ['mock', 'FUZZ-MOCK', 'mock'], ['draft', 'FUZZ-DRAFT', 'mock']] as const) {
    const res = await ok(`creating exam ${code}`, request(app).post('/api/exams').set(bearer(examiner)).send(examBlueprint(code, mode)));
    examIds[key] = (res.body as { exam: { id: string } }).exam.id;
    if (key !== 'draft') await ok(`publishing ${code}`, request(app).post(`/api/exams/${examIds[key]}/publish`).set(bearer(examiner)));
  }

  const passedAttemptId = await startAttempt(app, candidate, examIds.certification);
  await pass(app, candidate, passedAttemptId);
  const certificate = await CertificateModel.findOne({ attemptId: passedAttemptId }).lean();
  if (!certificate) throw new Error('World set-up failed: passing the certification exam issued no certificate.');
  const liveAttemptId = await startAttempt(app, candidate, examIds.mock);
  await ok('saving an answer', request(app).put(`/api/attempts/${liveAttemptId}/answers/q1`).set(bearer(candidate)).send({ response: true, flagged: true }));

  const users = { candidate, examiner, admin };
  const pools: Record<string, string[]> = {
    questions: questionIds,
    exams: Object.values(examIds),
    attempts: [liveAttemptId, passedAttemptId],
    users: Object.values(users).map((u) => u.id),
    certificates: [certificate.number],
    verify: [certificate.number],
    v: [certificate.verifyToken],
    answers: ['q1', 'q2', 'q5'],
    status: ['1'],
    lang: ['en', 'zh-CN'],
  };
  return { users, pools, liveAttemptId, examIds };
}

/** Real values for a parameter: the pool of the segment before it, else every real value we have. */
export function realValues(world: FuzzWorld, path: string, param: string): string[] {
  const segments = path.split('/');
  const before = segments[segments.indexOf(`:${param}`) - 1] ?? '';
  return world.pools[before] ?? [...new Set(Object.values(world.pools).flat())];
}

/**
 * Undoes what an accepted fuzz request may have done to the fixture that later routes rely on:
 * roles changed, exams unpublished, the live attempt submitted. Best effort: a fixture the app no
 * longer lets us restore only narrows what later routes reach, it never hides a failure.
 */
export async function repairWorld(app: Express, world: FuzzWorld): Promise<void> {
  for (const [identity, user] of Object.entries(world.users) as Array<[Exclude<Identity, 'anonymous'>, TestUser]>) {
    await UserModel.updateOne({ _id: user.id }, { $set: { roles: ROLES[identity] } });
  }
  for (const id of [world.examIds.certification, world.examIds.mock]) {
    const exam = await ExamModel.findById(id, { status: 1 }).lean();
    if (exam && exam.status !== 'published') await request(app).post(`/api/exams/${id}/publish`).set(bearer(world.users.examiner));
  }
  const live = await AttemptModel.findById(world.liveAttemptId, { status: 1 }).lean();
  if (live?.status !== 'in_progress') {
    const res = await request(app).post(`/api/exams/${world.examIds.mock}/attempts`).set(bearer(world.users.candidate));
    const id = (res.body as { attempt?: { id: string } }).attempt?.id;
    if (id) {
      world.liveAttemptId = id;
      world.pools.attempts = [id, ...world.pools.attempts!.filter((a) => a !== id)];
    }
  }
}
