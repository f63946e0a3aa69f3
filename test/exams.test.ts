import pino from 'pino';
import request from 'supertest';
import { apportion, onAttemptGraded, openAttemptClocks, sweepExpiredAttempts, type Attempt } from '../src/components/exams';
import { AttemptDeadlineModel, AttemptModel, AttemptResponseModel } from '../src/components/exams/attempt.model';
import { forgetAttemptMeta } from '../src/components/exams/attempt.service';
import { ExamModel } from '../src/components/exams/exam.model';
import { seedExams } from '../src/components/exams/exam-seed.service';
import { loadVersions, type Domain } from '../src/components/questions';
import { seedQuestionBank } from '../src/components/questions/question-seed.service';
import { bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase, SEED_BANK_TIMEOUT } from './helpers/database';
import { correctResponses } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let examiner: TestUser;

const graded: string[] = [];
onAttemptGraded(async (attempt: Attempt) => {
  graded.push(attempt._id.toHexString());
});

beforeAll(async () => {
  await seedQuestionBank();
  await seedExams(pino({ level: 'silent' }));
  examiner = await createUser(app, ['examiner']);
}, SEED_BANK_TIMEOUT);

const examIds = new Map<string, string>();
beforeAll(async () => {
  for (const exam of await ExamModel.find({}, { code: 1 }).lean()) examIds.set(exam.code, exam._id.toHexString());
});

function examId(code: string): string {
  return examIds.get(code)!;
}

function start(user: TestUser, code: string) {
  return request(app).post(`/api/exams/${examId(code)}/attempts`).set(bearer(user));
}

/** As if the time had run out `secondsAgo`: the attempt's deadline and the sweeper's clock of it. */
async function expireDeadline(attemptId: string, secondsAgo: number) {
  const deadline = new Date(Date.now() - secondsAgo * 1000);
  await AttemptModel.updateOne({ _id: attemptId }, { $set: { deadline } });
  await AttemptDeadlineModel.updateOne({ _id: attemptId }, { $set: { deadline } });
  forgetAttemptMeta(attemptId);
}

describe('paper assembly', () => {
  it('when a candidate starts the level-3 certification exam, then the paper meets every section and domain share with no duplicates', async () => {
    const candidate = await createUser(app);
    const res = await start(candidate, 'CERT-L3').expect(201);
    const { attempt } = res.body;
    expect(attempt.items).toHaveLength(190);
    const stored = (await AttemptModel.findById(attempt.id).lean())!;
    const count = (type: string, domain?: string) => stored.items.filter((i) => i.type === type && (!domain || i.domain === domain)).length;
    expect([count('truefalse'), count('single'), count('multiple')]).toEqual([40, 140, 10]);
    const exam = (await ExamModel.findOne({ code: 'CERT-L3' }).lean())!;
    for (const section of exam.sections) {
      for (const [domain, need] of apportion(section.count, exam.shares as Partial<Record<Domain, number>>)) {
        expect([domain, section.type, count(section.type, domain)]).toEqual([domain, section.type, need]);
      }
    }
    expect(new Set(stored.items.map((i) => i.questionId.toHexString())).size).toBe(190);
    expect(stored.items.reduce((sum, i) => sum + i.points, 0)).toBe(100);
    // Sections keep the national order: true/false, then single, then multiple.
    expect(stored.items.map((i) => i.type).join(',')).toMatch(/^(truefalse,){40}(single,){140}(multiple,){9}multiple$/);
    expect(new Date(attempt.deadline).getTime() - new Date(attempt.startedAt).getTime()).toBe(5400 * 1000);
  });

  it('when the bank cannot fill a blueprint, then publishing fails with 409 blueprint_unsatisfiable listing each short cell', async () => {
    const created = await request(app)
      .post('/api/exams')
      .set(bearer(examiner))
      .send({
        code: 'TOO-BIG',
        title: { zh: '过大的考试', en: 'Too big' },
        level: 3,
        mode: 'mock',
        durationSeconds: 600,
        passPercent: 60,
        sections: [{ type: 'single', count: 100, points: 1 }],
        shares: { 'training-guidance': 50, ethics: 50 },
      })
      .expect(201);
    const res = await request(app).post(`/api/exams/${created.body.exam.id}/publish`).set(bearer(examiner)).expect(409);
    expect(res.body.error.code).toBe('blueprint_unsatisfiable');
    expect(res.body.error.details.cells).toEqual(
      expect.arrayContaining([
        { domain: 'training-guidance', type: 'single', have: expect.any(Number), need: 50 },
        { domain: 'ethics', type: 'single', have: expect.any(Number), need: 50 },
      ]),
    );
    expect((await ExamModel.findById(created.body.exam.id).lean())?.status).toBe('draft');
  });

  it('when two candidates sit the same practice exam, then option orders differ and both still grade 100% with the right answers', async () => {
    const [a, b] = await Promise.all([createUser(app), createUser(app)]);
    // A small domain, so the two papers share most questions.
    const attemptA = (await start(a, 'PRACTICE-TRAINING-GUIDANCE').expect(201)).body.attempt;
    const attemptB = (await start(b, 'PRACTICE-TRAINING-GUIDANCE').expect(201)).body.attempt;
    const storedA = (await AttemptModel.findById(attemptA.id).lean())!;
    const storedB = (await AttemptModel.findById(attemptB.id).lean())!;
    const orderB = new Map(storedB.items.map((i) => [i.questionId.toHexString(), i.optionOrder.join()]));
    const shared = storedA.items.filter((i) => i.optionOrder.length && orderB.has(i.questionId.toHexString()));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.some((i) => orderB.get(i.questionId.toHexString()) !== i.optionOrder.join())).toBe(true);
    for (const [user, attempt] of [[a, attemptA], [b, attemptB]] as const) {
      // Saved 20 at a time: concurrent autosaves of different items must not clobber each other.
      const answers = Object.entries(await correctResponses(attempt.id));
      for (let i = 0; i < answers.length; i += 20) {
        await Promise.all(
          answers.slice(i, i + 20).map(([itemId, response]) => request(app).put(`/api/attempts/${attempt.id}/answers/${itemId}`).set(bearer(user)).send({ response }).expect(200)),
        );
      }
      const result = await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(user)).expect(200);
      expect(result.body.result).toMatchObject({ score: 100, max: 100, percent: 100, passed: true });
    }
  });
});

describe('attempt lifecycle', () => {
  it('when starts race, then every request gets the same single attempt', async () => {
    const candidate = await createUser(app);
    const id = examId('QUICK-L4');
    const responses = await Promise.all(Array.from({ length: 5 }, () => request(app).post(`/api/exams/${id}/attempts`).set(bearer(candidate))));
    const ids = new Set(responses.map((r) => r.body.attempt.id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await AttemptModel.countDocuments({ userId: candidate.id, examId: id })).toBe(1);
  });

  it('when the candidate starts again while in progress, then the same attempt comes back with saved answers (resume)', async () => {
    const candidate = await createUser(app);
    const first = (await start(candidate, 'QUICK-L5').expect(201)).body.attempt;
    await request(app).put(`/api/attempts/${first.id}/answers/q1`).set(bearer(candidate)).send({ response: true, flagged: true }).expect(200);
    const again = await start(candidate, 'QUICK-L5').expect(200);
    expect(again.body.attempt.id).toBe(first.id);
    expect(again.body.attempt.responses.q1).toMatchObject({ response: true, flagged: true });
  });

  it('when an answer is saved twice, then the result is the same (idempotent); a wrong shape is 400 and changes nothing', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L5').expect(201)).body.attempt;
    const single = attempt.items.find((i: { type: string }) => i.type === 'single');
    for (let n = 0; n < 2; n++) {
      await request(app).put(`/api/attempts/${attempt.id}/answers/${single.itemId}`).set(bearer(candidate)).send({ response: single.options[0].id }).expect(200);
    }
    const bad = await request(app).put(`/api/attempts/${attempt.id}/answers/${single.itemId}`).set(bearer(candidate)).send({ response: ['x'] }).expect(400);
    expect(bad.body.error.details[0].path).toBe('response');
    const unknownOption = await request(app).put(`/api/attempts/${attempt.id}/answers/${single.itemId}`).set(bearer(candidate)).send({ response: 'zz' }).expect(400);
    expect(unknownOption.body.error.code).toBe('validation_failed');
    const saved = await AttemptResponseModel.find({ attemptId: attempt.id }).lean();
    expect(saved.map((r) => [r.itemId, r.response])).toEqual([[single.itemId, single.options[0].id]]);
    await request(app).put(`/api/attempts/${attempt.id}/answers/q999`).set(bearer(candidate)).send({ response: true }).expect(404);
  });

  it('when an answer arrives after the deadline and its grace, then 409 attempt_closed; within the grace it is saved', async () => {
    // The deadline is moved into the past before each attempt's first save (a deadline never changes
    // after the start, so the app may keep it in memory from the first save on).
    const punctual = await createUser(app);
    const inGrace = (await start(punctual, 'QUICK-L5').expect(201)).body.attempt;
    await expireDeadline(inGrace.id, 3);
    await request(app).put(`/api/attempts/${inGrace.id}/answers/q1`).set(bearer(punctual)).send({ response: false }).expect(200);
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L5').expect(201)).body.attempt;
    await expireDeadline(attempt.id, 30);
    const late = await request(app).put(`/api/attempts/${attempt.id}/answers/q2`).set(bearer(candidate)).send({ response: false }).expect(409);
    expect(late.body.error.code).toBe('attempt_closed');
    const stored = (await AttemptModel.findById(attempt.id).lean())!;
    expect(await AttemptResponseModel.countDocuments({ attemptId: attempt.id, itemId: 'q2' })).toBe(0);
    // The late request also finalised the attempt with what was saved.
    expect(stored.status).toBe('graded');
    expect(stored.result?.finalizedBy).toBe('deadline');
  });

  it('when time runs out and nobody asks, then the sweeper grades the attempt with the saved answers', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L4').expect(201)).body.attempt;
    const keys = await correctResponses(attempt.id);
    await request(app).put(`/api/attempts/${attempt.id}/answers/q1`).set(bearer(candidate)).send({ response: keys.q1 }).expect(200);
    await expireDeadline(attempt.id, 60);
    expect(await sweepExpiredAttempts()).toBeGreaterThanOrEqual(1);
    const stored = (await AttemptModel.findById(attempt.id).lean())!;
    expect(stored.status).toBe('graded');
    expect(stored.result).toMatchObject({ score: 5, finalizedBy: 'deadline' });
    expect(stored.finishedAt?.getTime()).toBe(stored.deadline.getTime());
    // Once graded, a new attempt can start (the active key was released).
    await start(candidate, 'QUICK-L4').expect(201);
  });

  it('when time runs out and the candidate returns, then reading the attempt finalises it lazily', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L4').expect(201)).body.attempt;
    await expireDeadline(attempt.id, 60);
    const res = await request(app).get(`/api/attempts/${attempt.id}`).set(bearer(candidate)).expect(200);
    expect(res.body.attempt.status).toBe('graded');
    expect(res.body.attempt.result.finalizedBy).toBe('deadline');
  });

  it('when an attempt starts, then the sweeper has its clock; once graded, the clock is gone; a missing clock is restored at start-up', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L5').expect(201)).body.attempt;
    expect((await AttemptDeadlineModel.findById(attempt.id).lean())?.deadline.toISOString()).toBe(attempt.deadline);
    await AttemptDeadlineModel.deleteOne({ _id: attempt.id });
    expect(await openAttemptClocks()).toBeGreaterThanOrEqual(1);
    expect(await AttemptDeadlineModel.countDocuments({ _id: attempt.id })).toBe(1);
    await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    expect(await AttemptDeadlineModel.countDocuments({ _id: attempt.id })).toBe(0);
  });

  it('when a save lands after grading began, then it is refused and the review still shows the answer that was graded', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L5').expect(201)).body.attempt;
    const tf = attempt.items.find((i: { type: string }) => i.type === 'truefalse');
    await request(app).put(`/api/attempts/${attempt.id}/answers/${tf.itemId}`).set(bearer(candidate)).send({ response: true }).expect(200);
    await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    const late = await request(app).put(`/api/attempts/${attempt.id}/answers/${tf.itemId}`).set(bearer(candidate)).send({ response: false }).expect(409);
    expect(late.body.error.code).toBe('attempt_closed');
    const review = (await request(app).get(`/api/attempts/${attempt.id}`).set(bearer(candidate)).expect(200)).body.attempt.result;
    expect(review.items.find((i: { itemId: string }) => i.itemId === tf.itemId).response).toBe(true);
  });

  it('when two sweepers race, then each expired attempt is graded exactly once', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L4').expect(201)).body.attempt;
    await expireDeadline(attempt.id, 60);
    const before = graded.filter((id) => id === attempt.id).length;
    await Promise.all([sweepExpiredAttempts(), sweepExpiredAttempts(), sweepExpiredAttempts()]);
    expect(graded.filter((id) => id === attempt.id).length - before).toBe(1);
    expect((await AttemptModel.findById(attempt.id).lean())?.status).toBe('graded');
  });

  it('when submit is sent twice (also at once), then the same result comes back and grading happened once', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L4').expect(201)).body.attempt;
    const [one, two] = await Promise.all([
      request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)),
      request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)),
    ]);
    const three = await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.result).toEqual(two.body.result);
    expect(three.body.result).toEqual(one.body.result);
    expect(graded.filter((id) => id === attempt.id)).toHaveLength(1);
    await request(app).put(`/api/attempts/${attempt.id}/answers/q1`).set(bearer(candidate)).send({ response: true }).expect(409);
  });

  it('when the page submits at zero with time_up, then the result says the deadline ended it; an early time_up is an ordinary submit', async () => {
    const [early, onTime] = await Promise.all([createUser(app), createUser(app)]);
    const a = (await start(early, 'QUICK-L5').expect(201)).body.attempt;
    const first = await request(app).post(`/api/attempts/${a.id}/submit`).set(bearer(early)).send({ reason: 'time_up' }).expect(200);
    expect(first.body.result.finalizedBy).toBe('submitted');
    const b = (await start(onTime, 'QUICK-L5').expect(201)).body.attempt;
    await expireDeadline(b.id, 1);
    const second = await request(app).post(`/api/attempts/${b.id}/submit`).set(bearer(onTime)).send({ reason: 'time_up' }).expect(200);
    expect(second.body.result.finalizedBy).toBe('deadline');
    await request(app).post(`/api/attempts/${b.id}/submit`).set(bearer(onTime)).send({ reason: 'bored' }).expect(400);
  });

  it("when a candidate touches another candidate's attempt, then 404 every time", async () => {
    const [owner, other] = await Promise.all([createUser(app), createUser(app)]);
    const attempt = (await start(owner, 'QUICK-L5').expect(201)).body.attempt;
    await request(app).get(`/api/attempts/${attempt.id}`).set(bearer(other)).expect(404);
    await request(app).put(`/api/attempts/${attempt.id}/answers/q1`).set(bearer(other)).send({ response: true }).expect(404);
    await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(other)).expect(404);
    await request(app).get('/api/attempts/not-an-id').set(bearer(other)).expect(404);
    expect((await AttemptModel.findById(attempt.id).lean())?.status).toBe('in_progress');
  });

  it('when an examiner grants extra time, then the deadline includes it', async () => {
    const candidate = await createUser(app);
    const id = examId('QUICK-L3');
    await request(app).post(`/api/exams/${id}/extensions`).set(bearer(examiner)).send({ userId: candidate.id, extraSeconds: 600, reason: 'accessibility' }).expect(200);
    const attempt = (await request(app).post(`/api/exams/${id}/attempts`).set(bearer(candidate)).expect(201)).body.attempt;
    expect(new Date(attempt.deadline).getTime() - new Date(attempt.startedAt).getTime()).toBe((1200 + 600) * 1000);
    await request(app).post(`/api/exams/${id}/extensions`).set(bearer(candidate)).send({ userId: candidate.id, extraSeconds: 9999 }).expect(403);
  });

  it('when the attempt limit or cooldown applies, then 409 says when the next attempt is allowed', async () => {
    const candidate = await createUser(app);
    const id = examId('CERT-L5');
    const attempt = (await request(app).post(`/api/exams/${id}/attempts`).set(bearer(candidate)).expect(201)).body.attempt;
    await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    const cooldown = await request(app).post(`/api/exams/${id}/attempts`).set(bearer(candidate)).expect(409);
    expect(cooldown.body.error.code).toBe('attempt_cooldown');
    expect(new Date(cooldown.body.error.details.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 86_000_000);
  });
});

describe('keys stay secret', () => {
  it('when a candidate reads anything before grading, then no key or explanation is in the raw JSON', async () => {
    const candidate = await createUser(app);
    const id = examId('MOCK-L3');
    const responses = [
      await request(app).get('/api/exams').set(bearer(candidate)).expect(200),
      await request(app).get(`/api/exams/${id}`).set(bearer(candidate)).expect(200),
      await request(app).post(`/api/exams/${id}/attempts`).set(bearer(candidate)).expect(201),
    ];
    const attemptId = responses[2]!.body.attempt.id;
    responses.push(await request(app).get(`/api/attempts/${attemptId}`).set(bearer(candidate)).expect(200));
    responses.push(await request(app).put(`/api/attempts/${attemptId}/answers/q1`).set(bearer(candidate)).send({ response: true }).expect(200));
    responses.push(await request(app).get('/api/attempts').set(bearer(candidate)).expect(200));
    const stored = (await AttemptModel.findById(attemptId).lean())!;
    const contents = [...(await loadVersions(stored.items)).values()];
    for (const res of responses) {
      expect(res.text).not.toMatch(/"(correct|answer|accepted|explanation|key|tolerance|weight)"\s*:/);
      for (const content of contents.slice(0, 40)) {
        if (content.explanation.en) expect(res.text).not.toContain(JSON.stringify(content.explanation.en).slice(1, -1));
      }
    }
  });

  it('when a certification attempt is graded, then the result shows domains but never keys or explanations', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'CERT-L4').expect(201)).body.attempt;
    const res = await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    expect(res.body.result.byDomain.length).toBeGreaterThan(0);
    expect(res.text).not.toMatch(/"(key|explanation|correct)"\s*:/);
    const again = await request(app).get(`/api/attempts/${attempt.id}`).set(bearer(candidate)).expect(200);
    expect(again.text).not.toMatch(/"(key|explanation|correct)"\s*:/);
  });

  it('when a mock attempt is graded, then the review shows each answer, the key and the explanation', async () => {
    const candidate = await createUser(app);
    const attempt = (await start(candidate, 'QUICK-L3').expect(201)).body.attempt;
    const res = await request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(candidate)).expect(200);
    expect(res.body.result.items).toHaveLength(20);
    expect(res.body.result.items[0]).toEqual(expect.objectContaining({ key: expect.anything(), explanation: expect.any(String), correct: false, response: null }));
  });
});
