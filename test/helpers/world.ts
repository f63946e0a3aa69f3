// A small, real world for tests that need a published exam without seeding the whole shipped bank:
// a handful of approved true/false questions (loaded through the real seed loader from a temp folder)
// and an exam drawn from them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { AttemptModel } from '../../src/components/exams/attempt.model';
import { loadVersions, questionType } from '../../src/components/questions';
import { seedQuestionBank } from '../../src/components/questions/question-seed.service';
import { bearer, type TestUser } from './app';

let bankCounter = 0;

/**
 * `count` approved level-3 true/false questions in intelligent-training in each pool: practice (codes
 * IT-9xxx) for mocks and secure (IT-8xxx) for certification exams.
 */
export async function seedSmallBank(count: number): Promise<void> {
  bankCounter += 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-small-bank-'));
  fs.mkdirSync(path.join(dir, 'intelligent-training'));
  const questions = (['practice', 'secure'] as const).flatMap((usage) =>
    Array.from({ length: count }, (_, i) => {
      const n = bankCounter * 1000 + i;
      const tag = usage === 'secure' ? '（保密）' : '';
      return {
        code: `IT-${String((usage === 'secure' ? 8000 : 9000) + (n % 1000)).padStart(4, '0')}`,
        type: 'truefalse',
        domain: 'intelligent-training',
        levels: [3, 2, 1],
        difficulty: 2,
        knowledgePoint: `small-bank-${usage}-${n}`,
        tags: ['small-bank'],
        usage,
        stem: { zh: `测试陈述第 ${n} 条${tag}：验证集用于调整超参数。`, en: `Test statement ${n}${usage === 'secure' ? ' (secure)' : ''}: a validation set is used to tune hyper-parameters.` },
        answer: i % 2 === 0,
        explanation: { zh: `第 ${n} 条的说明。`, en: `Explanation of statement ${n}.` },
        reviewer: 'test-reviewer',
      };
    }),
  );
  fs.writeFileSync(path.join(dir, 'intelligent-training', 'small.json'), JSON.stringify(questions));
  await seedQuestionBank(dir);
}

export interface ExamOptions {
  code: string;
  mode?: 'mock' | 'certification';
  count?: number;
  durationSeconds?: number;
  issueOnPass?: boolean;
}

/** Creates and publishes a level-3 true/false exam through the API; returns its id. */
export async function publishedExam(app: Express | string, examiner: Pick<TestUser, 'token'>, options: ExamOptions): Promise<string> {
  const count = options.count ?? 5;
  const mode = options.mode ?? 'mock';
  const created = await request(app)
    .post('/api/exams')
    .set(bearer(examiner))
    .send({
      code: options.code,
      title: { zh: `测试考试 ${options.code}`, en: `Test exam ${options.code}` },
      level: 3,
      mode,
      durationSeconds: options.durationSeconds ?? 600,
      passPercent: 60,
      sections: [{ type: 'truefalse', count, points: 100 / count }],
      shares: { 'intelligent-training': 100 },
      reviewPolicy: mode === 'certification' ? 'domains' : 'keys',
      ...(mode === 'certification' ? { certificate: { issueOnPass: options.issueOnPass ?? true, validityYears: 3 } } : {}),
    })
    .expect(201);
  const id = created.body.exam.id as string;
  await request(app).post(`/api/exams/${id}/publish`).set(bearer(examiner)).expect(200);
  return id;
}

/** The right response for every item of a stored attempt, from the exact versions served. */
export async function correctResponses(attemptId: string): Promise<Record<string, unknown>> {
  const attempt = (await AttemptModel.findById(attemptId).lean())!;
  const contents = await loadVersions(attempt.items);
  return Object.fromEntries(
    attempt.items.map((item) => {
      const content = contents.get(`${item.questionId.toHexString()}:${item.version}`)!;
      return [item.itemId, questionType(content.type).key(content)];
    }),
  );
}
