// Pools by use: mocks draw practice questions, certification exams secure ones, and nothing reveals a
// secure question; data written before pools existed migrates; examiners see the bank's health.
import request from 'supertest';
import { migrateExamPools } from '../src/components/exams';
import { AttemptModel } from '../src/components/exams/attempt.model';
import { ExamModel } from '../src/components/exams/exam.model';
import { rebuildPoolIndex } from '../src/components/questions';
import { QuestionModel, QuestionPoolModel, QuestionVersionModel } from '../src/components/questions/question.model';
import { bearer, buildTestApp, createUser, session, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { publishedExam, seedSmallBank } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let examiner: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  await seedSmallBank(10);
  examiner = await createUser(app, ['examiner']);
  candidate = await createUser(app);
});

async function paperCodes(examId: string): Promise<string[]> {
  const res = await request(app).post(`/api/exams/${examId}/attempts`).set(bearer(candidate)).expect(201);
  const attempt = (await AttemptModel.findById(res.body.attempt.id).lean())!;
  const ids = attempt.items.map((i) => i.questionId);
  const questions = await QuestionModel.find({ _id: { $in: ids } }, { code: 1 }).lean();
  return questions.map((q) => q.code).sort();
}

const examBody = (overrides: Record<string, unknown>) => ({
  code: `POOL-${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
  title: { zh: '题池测试', en: 'Pool test' },
  level: 3,
  mode: 'certification',
  durationSeconds: 600,
  passPercent: 60,
  sections: [{ type: 'truefalse', count: 5, points: 20 }],
  shares: { 'intelligent-training': 100 },
  reviewPolicy: 'domains',
  certificate: { issueOnPass: true, validityYears: 3 },
  ...overrides,
});

describe('pools by use', () => {
  it('when a mock and a certification exam are sat, then the mock holds only practice questions and the certification paper only secure ones', async () => {
    const mock = await publishedExam(app, examiner, { code: 'POOL-MOCK', mode: 'mock', count: 10 });
    const cert = await publishedExam(app, examiner, { code: 'POOL-CERT', mode: 'certification', count: 10 });
    const mockCodes = await paperCodes(mock);
    const certCodes = await paperCodes(cert);
    expect(mockCodes).toHaveLength(10);
    expect(certCodes).toHaveLength(10);
    expect(mockCodes.every((c) => c.startsWith('IT-9'))).toBe(true);
    expect(certCodes.every((c) => c.startsWith('IT-8'))).toBe(true);
    expect((await ExamModel.findById(cert).lean())!.pool).toBe('secure');
  });

  it.each([
    ['a certification exam that would show keys', { reviewPolicy: 'keys' }, 'reviewPolicy'],
    ['a certification exam that would show the candidate their own answers', { reviewPolicy: 'answers' }, 'reviewPolicy'],
    ['a certification exam drawing from the practice pool', { pool: 'practice' }, 'pool'],
    ['a mock drawing from the secure pool', { mode: 'mock', pool: 'secure', reviewPolicy: 'score', certificate: undefined }, 'pool'],
  ])('when %s is created, then 400 names the field and nothing is stored', async (_name, overrides, field) => {
    const before = await ExamModel.countDocuments();
    const res = await request(app).post('/api/exams').set(bearer(examiner)).send(examBody(overrides)).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await ExamModel.countDocuments()).toBe(before);
  });

  it('when a live practice question is edited into the secure pool, then 400 on usage and the question is unchanged', async () => {
    const question = (await QuestionModel.findOne({ code: /^IT-9/ }).lean())!;
    const res = await request(app).patch(`/api/questions/${question._id.toHexString()}`).set(bearer(examiner)).send({ usage: 'secure' }).expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'usage' })]);
    const after = (await QuestionModel.findById(question._id).lean())!;
    expect(after.version).toBe(question.version);
    expect(after.pool!.usage).toBe('practice');
  });
});

describe('data written before pools existed', () => {
  it('when pool entries and versions carry no usage or groups, then the start-up rebuild reads them as practice with their knowledge point as enemy key', async () => {
    const question = (await QuestionModel.findOne({ code: /^IT-9/ }).lean())!;
    await QuestionModel.collection.updateOne({ _id: question._id }, { $unset: { 'pool.usage': '', 'pool.groups': '', usage: '' } });
    await QuestionVersionModel.collection.updateMany({ questionId: question._id }, { $unset: { usage: '' } });
    await QuestionPoolModel.collection.updateOne({ _id: question._id }, { $unset: { usage: '', groups: '' } });
    const { migrated } = await rebuildPoolIndex();
    expect(migrated).toBe(1);
    const entry = (await QuestionPoolModel.findById(question._id).lean())!;
    expect(entry.usage).toBe('practice');
    expect(entry.groups).toEqual([`kp:${question.knowledgePoint}`]);
    expect((await QuestionModel.findById(question._id).lean())!.pool).toMatchObject({ usage: 'practice', version: question.pool!.version });
    expect((await rebuildPoolIndex()).migrated).toBe(0);
  });

  it('when exams have no pool and a certification exam shows keys, then the migration gives each its pool and hides the keys', async () => {
    const mock = (await ExamModel.findOne({ code: 'POOL-MOCK' }).lean())!;
    const cert = (await ExamModel.findOne({ code: 'POOL-CERT' }).lean())!;
    await ExamModel.collection.updateMany({ _id: { $in: [mock._id, cert._id] } }, { $unset: { pool: '' } });
    await ExamModel.collection.updateOne({ _id: cert._id }, { $set: { reviewPolicy: 'keys' } });
    expect(await migrateExamPools()).toBe(3);
    expect((await ExamModel.findById(mock._id).lean())).toMatchObject({ pool: 'practice', reviewPolicy: 'keys' });
    expect((await ExamModel.findById(cert._id).lean())).toMatchObject({ pool: 'secure', reviewPolicy: 'domains' });
    expect(await migrateExamPools()).toBe(0);
  });
});

describe('the bank health page', () => {
  it('when an examiner opens it, then every exam is listed with its pool, its content-blind best and its pass mark', async () => {
    const res = await request(app).get('/bank/health?lang=en').set(session(examiner, 'en')).expect(200);
    expect(res.text).toContain('id="health-POOL-MOCK"');
    expect(res.text).toContain('id="health-POOL-CERT"');
    expect(res.text).toContain('secure pool');
    expect(res.text).toContain('Content-blind best');
    // Ten statements, half true: "always true" earns half of the 100 marks.
    expect(res.text).toMatch(/50 \/ 100 \(50%\)/);
  });

  it('when a candidate opens it, then 403', async () => {
    await request(app).get('/bank/health').set(session(candidate)).expect(403);
  });
});

describe('the health of an import', () => {
  it('when an examiner imports questions whose keys are always the longest option, then the report says so', async () => {
    const options = (i: number) => [
      { text: { zh: `这是一个明显写得更长更完整的正确选项${i}`, en: `a clearly longer and more complete right option ${i}` }, correct: true },
      { text: { zh: `错误项甲${i}`, en: `wrong a ${i}` }, correct: false },
      { text: { zh: `错误项乙${i}`, en: `wrong b ${i}` }, correct: false },
      { text: { zh: `错误项丙${i}`, en: `wrong c ${i}` }, correct: false },
    ];
    const file = Array.from({ length: 24 }, (_, i) => ({
      type: 'single',
      domain: 'business-analysis',
      levels: [3],
      difficulty: 2,
      knowledgePoint: `import-health-${i}`,
      tags: ['import-health'],
      stem: { zh: `第${i}题：关于业务指标${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${i}的说法，哪一项正确？`, en: `Question ${i} about business metric ${i}: which is right?` },
      options: options(i),
      explanation: { zh: '说明。', en: 'Why.' },
    }));
    const res = await request(app)
      .post('/api/questions/import?format=json')
      .set(bearer(examiner))
      .set('Accept-Language', 'en')
      .attach('file', Buffer.from(JSON.stringify(file)), 'longest.json')
      .expect(201);
    expect(res.body.health.rates.longestKey.zh).toBe(1);
    expect(res.body.health.problems.map((p: { code: string }) => p.code)).toContain('longest_key');
    expect(res.body.health.problems.find((p: { code: string }) => p.code === 'longest_key').text).toMatch(/longest option in 100%/);
  });
});
