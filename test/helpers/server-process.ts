// A small exam world built through a running server's HTTP API only, as an operator would (the server
// itself is src/cli/server-process.ts).
import request from 'supertest';

export { startServerProcess, START_BUDGET_MS, type ServerProcess } from '../../src/cli/server-process';

export interface ApiUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

export async function registerVia(url: string, label: string): Promise<ApiUser> {
  const email = `${label}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct horse battery';
  const res = await request(url).post('/api/auth/register').send({ email, password, name: label }).expect(201);
  return { id: res.body.user.id, email, password, token: res.body.token };
}

export async function loginVia(url: string, email: string, password: string): Promise<string> {
  return (await request(url).post('/api/auth/login').send({ email, password }).expect(200)).body.token as string;
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Through the API only: two examiners (four-eyes review), `count` approved true/false questions, and a
 * published level-3 exam drawing all of them. Returns the exam id and the key of each question stem.
 */
export async function examViaApi(url: string, admin: { email: string; password: string }, options: { code: string; mode: 'mock' | 'certification'; count: number }): Promise<{ examId: string; keyByStem: Map<string, boolean> }> {
  const adminToken = await loginVia(url, admin.email, admin.password);
  const reviewer = await registerVia(url, 'reviewer');
  await request(url).patch(`/api/users/${reviewer.id}/roles`).set(auth(adminToken)).send({ roles: ['examiner'] }).expect(200);
  const reviewerToken = await loginVia(url, reviewer.email, reviewer.password);
  const keyByStem = new Map<string, boolean>();
  for (let i = 0; i < options.count; i++) {
    const answer = i % 2 === 0;
    const stem = { zh: `演练陈述 ${options.code}-${i}：测试集只用于最终评估。`, en: `Drill statement ${options.code}-${i}: the test set is only for the final evaluation.` };
    const created = await request(url)
      .post('/api/questions')
      .set(auth(adminToken))
      // The exam's own pool, and a knowledge point each: one paper never holds two of one knowledge point.
      .send({ type: 'truefalse', domain: 'intelligent-training', levels: [3, 2, 1], usage: options.mode === 'certification' ? 'secure' : 'practice', difficulty: 2, knowledgePoint: `drill-${options.code.toLowerCase()}-${i}`, tags: ['drill'], stem, answer, explanation: { zh: '说明。', en: 'Explanation.' } })
      .expect(201);
    const id = created.body.question.id as string;
    await request(url).post(`/api/questions/${id}/transition`).set(auth(adminToken)).send({ to: 'in_review' }).expect(200);
    await request(url).post(`/api/questions/${id}/transition`).set(auth(reviewerToken)).send({ to: 'approved' }).expect(200);
    keyByStem.set(stem.zh, answer);
  }
  const exam = await request(url)
    .post('/api/exams')
    .set(auth(adminToken))
    .send({
      code: options.code,
      title: { zh: `演练 ${options.code}`, en: `Drill ${options.code}` },
      level: 3,
      mode: options.mode,
      durationSeconds: 1800,
      passPercent: 60,
      sections: [{ type: 'truefalse', count: options.count, points: 100 / options.count }],
      shares: { 'intelligent-training': 100 },
      reviewPolicy: options.mode === 'certification' ? 'domains' : 'keys',
      ...(options.mode === 'certification' ? { certificate: { issueOnPass: true, validityYears: 3 } } : {}),
    })
    .expect(201);
  const examId = exam.body.exam.id as string;
  await request(url).post(`/api/exams/${examId}/publish`).set(auth(adminToken)).expect(200);
  return { examId, keyByStem };
}
