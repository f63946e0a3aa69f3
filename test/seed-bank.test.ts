// The quality gate for the bank we ship: `npm run lint:bank` and `npm run bank:coverage` as tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrapDatabase } from '../src/bootstrap';
import { ExamModel } from '../src/components/exams/exam.model';
import { writeMeta } from '../src/db/meta';
import { NATIONAL_FORMATS, paperDemand, rehearsePapers, seedExamBlueprints } from '../src/components/exams';
import { bankHealth } from '../src/components/questions';
import { composition, coverage, scale } from '../src/components/questions/bank-coverage';
import { lintBank } from '../src/components/questions/bank-lint';
import { QuestionModel, QuestionVersionModel } from '../src/components/questions/question.model';
import { seedQuestionBank } from '../src/components/questions/question-seed.service';
import { useTestDatabase, SEED_BANK_TIMEOUT } from './helpers/database';

describe('the shipped question bank', () => {
  const { questions, problems } = lintBank();

  it('when linted, then it has 700+ questions and no problems', () => {
    expect(problems).toEqual([]);
    expect(questions.length).toBeGreaterThanOrEqual(700);
  });

  // What every release keeps (the target `npm run bank:coverage` reports): each pool fills one paper of every
  // shipped exam on its own, and each cell holds 3x one paper with at least half of it secure, room to rotate.
  it('when checked for coverage, then every (level, domain, type) cell of the default papers fills one paper from each pool and holds 3x one paper, at least half of it secure', () => {
    const demand = ([5, 4, 3] as const).flatMap((level) => paperDemand(NATIONAL_FORMATS[level]));
    const short = coverage(questions, demand).filter((row) => !row.ok);
    expect(short.map((row) => `${row.level}|${row.domain}|${row.type}: secure ${row.secure}, practice ${row.practice}, want ${row.want}`)).toEqual([]);
  });

  // Enough questions per cell is not enough: no two of one knowledge point or enemy group share a paper, so
  // a cell can still come up short on a random draw, and a candidate's start would fail with 409.
  it("when every shipped exam is drawn 40 times as candidates' starts draw it, then no draw comes up short", () => {
    const contents = questions.map((q) => q.content);
    const rehearsals = seedExamBlueprints().map((blueprint) => rehearsePapers(blueprint, contents, 40));
    expect(rehearsals.filter((r) => r.failed > 0)).toEqual([]);
  });

  it('when level 5 is compared with level 4, then at least 40% of level 5 is its own', () => {
    const size = scale(questions);
    expect(size.level5Own / size.level5Total).toBeGreaterThanOrEqual(0.4);
  });

  it('when each level is counted by type, then it holds at least what the official review bank does (level 3: 300 true/false, 300 single, 300 multiple; levels 4 and 5: 250 true/false, 500 single)', () => {
    const size = scale(questions);
    expect(size.rows.filter((row) => !row.ok)).toEqual([]);
    expect(size.rows.map((row) => `${row.level}:${row.type}`).sort()).toEqual(['3:multiple', '3:single', '3:truefalse', '4:single', '4:truefalse', '5:single', '5:truefalse']);
  });

  it('when its health is checked on every shipped exam, then no content-blind strategy reaches 45% and every rate is in its band', () => {
    const health = bankHealth(questions, seedExamBlueprints());
    expect(health.problems.map((p) => p.message)).toEqual([]);
    for (const exam of health.exams) expect(exam.guessing.best.share).toBeLessThan(0.45);
  });

  it('when its shape is measured, then true/false balance, key positions and difficulty by level are within bounds', () => {
    expect(composition(questions).problems).toEqual([]);
  });
});

describe('seeding the bank', () => {
  useTestDatabase();

  it('when seeded twice, then the second run changes nothing', async () => {
    const first = await seedQuestionBank();
    expect(first.created).toBeGreaterThanOrEqual(700);
    const count = await QuestionModel.countDocuments();
    const again = await seedQuestionBank();
    expect(again).toEqual({ created: 0, updated: 0, unchanged: first.created, skipped: [] });
    expect(await QuestionModel.countDocuments()).toBe(count);
    expect(await QuestionModel.countDocuments({ status: 'approved', 'pool.version': 1 })).toBe(count);
  }, SEED_BANK_TIMEOUT * 2);

  it('when a seed question is edited, then re-seeding makes version 2 live and keeps version 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
    const [sample] = await QuestionModel.find({ type: 'truefalse' }).limit(1).lean();
    const file = path.join(dir, 'edited.json');
    const original = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'seed', sample!.seedSource!), 'utf8')) as Array<{ code: string; difficulty: number }>;
    const edited = original.filter((q) => q.code === sample!.code).map((q) => ({ ...q, difficulty: q.difficulty === 5 ? 4 : q.difficulty + 1 }));
    fs.writeFileSync(file, JSON.stringify(edited));
    const report = await seedQuestionBank(dir);
    expect(report.updated).toBe(1);
    const after = await QuestionModel.findById(sample!._id).lean();
    expect(after).toMatchObject({ version: 2, status: 'approved', pool: expect.objectContaining({ version: 2 }) });
    expect(await QuestionVersionModel.countDocuments({ questionId: sample!._id })).toBe(2);
    expect(await QuestionModel.countDocuments({ code: sample!.code })).toBe(1);
  });
});

describe('starting on a seeded database', () => {
  useTestDatabase();
  const logger = pino({ level: 'silent' });
  const settings = { adminEmail: 'seed-admin@example.com', adminPassword: 'admin password 1' };

  it('when the seed has not changed since the last start, then the start skips seeding; when it has, it seeds again and leaves an exam an examiner unpublished alone', async () => {
    const first = await bootstrapDatabase(settings, logger, { seed: true });
    expect(first.questions?.created).toBeGreaterThanOrEqual(700);
    const second = await bootstrapDatabase(settings, logger, { seed: true });
    expect(second.questions).toBeUndefined();
    const exam = (await ExamModel.findOne({ code: 'QUICK-L5' }).lean())!;
    await ExamModel.updateOne({ _id: exam._id }, { $set: { status: 'draft', seedHold: false } });
    // A different digest on record (as after a release that changed the seed files): loaded again.
    await writeMeta('seed-digest', 'an older seed');
    const third = await bootstrapDatabase(settings, logger, { seed: true });
    expect(third.questions).toMatchObject({ created: 0, updated: 0 });
    expect(third.exams?.unchanged).toBeGreaterThan(0);
    expect((await ExamModel.findById(exam._id).lean())!.status).toBe('draft');
  }, SEED_BANK_TIMEOUT * 2);
});
