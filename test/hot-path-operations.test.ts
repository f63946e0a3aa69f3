// How many database operations each hot path sends, pinned: a candidate's start, resume, autosave and
// submit, and an employer's verification. A change that adds a query (or a scan) to one of them fails
// here and has to say why. Counts are per request, with this instance's caches warm (as in an exam
// session, where the first candidate warms them for everyone).
import request from 'supertest';
import { CertificateModel } from '../src/components/certificates/certificate.model';
import { loadVersions } from '../src/components/questions';
import { QuestionModel } from '../src/components/questions/question.model';
import { bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { countCommands, summary } from './helpers/command-count';
import { useTestDatabase } from './helpers/database';
import { correctResponses, publishedExam, seedSmallBank } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let examiner: TestUser;
let examId: string;
let certExamId: string;

beforeAll(async () => {
  await seedSmallBank(12);
  examiner = await createUser(app, ['examiner']);
  examId = await publishedExam(app, examiner, { code: 'HOT-MOCK', count: 10 });
  certExamId = await publishedExam(app, examiner, { code: 'HOT-CERT', mode: 'certification', count: 10 });
  // Warm this instance's caches (exams, pool, question texts) as the first candidate of a session would.
  const warm = await createUser(app);
  for (const id of [examId, certExamId]) {
    const attempt = (await request(app).post(`/api/exams/${id}/attempts`).set(bearer(warm)).expect(201)).body.attempt;
    await request(app).put(`/api/attempts/${attempt.id}/answers/q1`).set(bearer(warm)).send({ response: true }).expect(200);
  }
  // Each paper draws 10 of its pool's 12: every question text cached, as after a few candidates.
  const live = await QuestionModel.find({ pool: { $ne: null } }, { _id: 1, pool: 1 }).lean();
  await loadVersions(live.map((q) => ({ questionId: q._id, version: q.pool!.version })));
});

async function commandsOf(send: () => PromiseLike<{ status: number }>, status: number): Promise<string[]> {
  const { value, commands } = await countCommands(async () => send());
  expect(value.status).toBe(status);
  return summary(commands);
}

const SESSION = ['find users', 'find revoked_sessions'];

describe('a candidate in an exam', () => {
  it('when a new paper is started, then 9 operations: session (2), exam and pool markers, active attempt, history, extra time, insert, its clock', async () => {
    const candidate = await createUser(app);
    const commands = await commandsOf(() => request(app).post(`/api/exams/${examId}/attempts`).set(bearer(candidate)), 201);
    expect(commands.sort()).toEqual([...SESSION, 'find app_meta', 'find attempts', 'find attempts', 'find time_extensions', 'find app_meta', 'insert attempts', 'insert attempt_deadlines'].sort());
  });

  it('when the paper is started again (a reload), then 5 operations: session (2), exam marker, the attempt, its answers', async () => {
    const candidate = await createUser(app);
    await request(app).post(`/api/exams/${examId}/attempts`).set(bearer(candidate)).expect(201);
    const commands = await commandsOf(() => request(app).post(`/api/exams/${examId}/attempts`).set(bearer(candidate)), 200);
    expect(commands.sort()).toEqual([...SESSION, 'find app_meta', 'find attempts', 'find attempt_responses'].sort());
  });

  it('when an answer is saved, then 4 operations, all by primary key: session (2), upsert, grading claim', async () => {
    const candidate = await createUser(app);
    const attempt = (await request(app).post(`/api/exams/${examId}/attempts`).set(bearer(candidate)).expect(201)).body.attempt;
    await request(app).put(`/api/attempts/${attempt.id}/answers/q1`).set(bearer(candidate)).send({ response: true }).expect(200);
    const commands = await commandsOf(() => request(app).put(`/api/attempts/${attempt.id}/answers/q2`).set(bearer(candidate)).send({ response: false }), 200);
    expect(commands).toEqual([...SESSION, 'update attempt_responses', 'find attempt_grading_claims']);
  });

  it('when a certification paper that passes is submitted, then 13 operations whatever the number of certificates: session (2), grading (6), issuing (5)', async () => {
    const lists: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const candidate = await createUser(app, ['candidate'], { name: `Hot Path ${i}` });
      const attempt = (await request(app).post(`/api/exams/${certExamId}/attempts`).set(bearer(candidate)).expect(201)).body.attempt;
      for (const [itemId, response] of Object.entries(await correctResponses(attempt.id))) {
        await request(app).put(`/api/attempts/${attempt.id}/answers/${itemId}`).set(bearer(candidate)).send({ response }).expect(200);
      }
      lists.push(await commandsOf(() => request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)), 200));
    }
    // The first certificate under a number prefix looks up the highest serial once; later ones count on.
    expect(lists[0]!.filter((c) => c === 'find certificates')).toHaveLength(2);
    expect(lists[1]).toEqual([
      ...SESSION,
      'find attempts',
      'insert attempt_grading_claims',
      'update attempts',
      'find attempt_responses',
      'update attempts',
      'delete attempt_deadlines',
      // Issuing: the exam's validity (cache marker), the holder, the certificate it supersedes, the insert, the audit entry.
      'find app_meta',
      'find users',
      'find certificates',
      'insert certificates',
      'insert audit_log',
    ]);
  });
});

describe('an employer verifying', () => {
  it('when a certificate is looked up by number and name, then 1 operation', async () => {
    const cert = (await CertificateModel.findOne({}).lean())!;
    const commands = await commandsOf(() => request(app).get(`/api/certificates/${cert.number}?name=${encodeURIComponent(cert.record.holder.name)}`), 200);
    expect(commands).toEqual(['find certificates']);
  });
});
