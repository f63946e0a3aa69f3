import request from 'supertest';
import { QuestionModel, QuestionVersionModel } from '../src/components/questions/question.model';
import { bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { sampleQuestion } from './helpers/questions';

useTestDatabase();
const { app } = buildTestApp();

let author: TestUser;
let reviewer: TestUser;
let admin: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  [author, reviewer, admin, candidate] = await Promise.all([
    createUser(app, ['examiner']),
    createUser(app, ['examiner']),
    createUser(app, ['admin']),
    createUser(app, ['candidate']),
  ]);
});


function create(body: object, user = author) {
  return request(app).post('/api/questions').set(bearer(user)).send(body);
}

async function approve(id: string) {
  await request(app).post(`/api/questions/${id}/transition`).set(bearer(author)).send({ to: 'in_review' }).expect(200);
  return request(app).post(`/api/questions/${id}/transition`).set(bearer(reviewer)).send({ to: 'approved' }).expect(200);
}

describe('creating questions', () => {
  it('when an examiner creates a valid question, then it is a draft with a code, version 1 and option ids', async () => {
    const res = await create(sampleQuestion({ domain: 'intelligent-training' })).expect(201);
    expect(res.body.question).toMatchObject({ status: 'draft', version: 1, liveVersion: null, code: expect.stringMatching(/^IT-\d{4}$/) });
    expect(res.body.question.options.map((o: { id: string }) => o.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(await QuestionVersionModel.countDocuments({ code: res.body.question.code })).toBe(1);
  });

  it('when a candidate tries, then 403 and nothing is stored; without a token 401', async () => {
    const before = await QuestionModel.countDocuments();
    expect((await create(sampleQuestion(), candidate).expect(403)).body.error.code).toBe('forbidden');
    await request(app).post('/api/questions').send(sampleQuestion()).expect(401);
    await request(app).get('/api/questions').set(bearer(candidate)).expect(403);
    expect(await QuestionModel.countDocuments()).toBe(before);
  });

  it('when an option breaks the type rules, then 400 names the exact field path and the bank is unchanged', async () => {
    const before = await QuestionModel.countDocuments();
    const body = sampleQuestion();
    body.options[2]!.text = { zh: '选项' } as never;
    body.options[2]!.text.en = '' as never;
    const res = await create(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('options[2].text.en');
    const twoKeys = sampleQuestion();
    twoKeys.options[0]!.correct = true;
    twoKeys.options[1]!.correct = true;
    const res2 = await create(twoKeys).expect(400);
    expect(res2.body.error.details).toEqual([expect.objectContaining({ path: 'options', message: expect.stringMatching(/exactly one/) })]);
    expect(await QuestionModel.countDocuments()).toBe(before);
  });

  it('when the same stem exists (ignoring case, spaces and punctuation), then 409 duplicate_question', async () => {
    const body = sampleQuestion();
    await create(body).expect(201);
    const again = sampleQuestion({ stem: { zh: body.stem.zh, en: `  ${body.stem.en.toUpperCase()}!! ` } });
    const res = await create(again).expect(409);
    expect(res.body.error.code).toBe('duplicate_question');
  });

  it('when a code is given twice, then 409 code_taken', async () => {
    await create(sampleQuestion({ code: 'ET-0900', domain: 'ethics' })).expect(201);
    expect((await create(sampleQuestion({ code: 'ET-0900', domain: 'ethics' })).expect(409)).body.error.code).toBe('code_taken');
  });
});

describe('review workflow', () => {
  it('when the author approves their own question, then 403; another examiner may approve it', async () => {
    const { body } = await create(sampleQuestion()).expect(201);
    const id = body.question.id;
    await request(app).post(`/api/questions/${id}/transition`).set(bearer(author)).send({ to: 'in_review' }).expect(200);
    const own = await request(app).post(`/api/questions/${id}/transition`).set(bearer(author)).send({ to: 'approved' }).expect(403);
    expect(own.body.error.code).toBe('forbidden');
    expect((await QuestionModel.findById(id).lean())?.status).toBe('in_review');
    const ok = await request(app).post(`/api/questions/${id}/transition`).set(bearer(reviewer)).send({ to: 'approved' }).expect(200);
    expect(ok.body.question).toMatchObject({ status: 'approved', liveVersion: 1 });
  });

  it('when an admin approves their own question, then it is allowed', async () => {
    const { body } = await create(sampleQuestion(), admin).expect(201);
    await request(app).post(`/api/questions/${body.question.id}/transition`).set(bearer(admin)).send({ to: 'in_review' }).expect(200);
    await request(app).post(`/api/questions/${body.question.id}/transition`).set(bearer(admin)).send({ to: 'approved' }).expect(200);
  });

  it('when a transition is not allowed, then 409 invalid_transition and the status stays', async () => {
    const { body } = await create(sampleQuestion()).expect(201);
    const res = await request(app).post(`/api/questions/${body.question.id}/transition`).set(bearer(reviewer)).send({ to: 'approved' }).expect(409);
    expect(res.body.error.code).toBe('invalid_transition');
    expect((await QuestionModel.findById(body.question.id).lean())?.status).toBe('draft');
  });

  it('when a question lacks English, then it cannot be approved (400 with the missing paths)', async () => {
    const body = sampleQuestion();
    delete (body.stem as { en?: string }).en;
    const { body: created } = await create(body).expect(201);
    await request(app).post(`/api/questions/${created.question.id}/transition`).set(bearer(author)).send({ to: 'in_review' }).expect(200);
    const res = await request(app).post(`/api/questions/${created.question.id}/transition`).set(bearer(reviewer)).send({ to: 'approved' }).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('stem.en');
  });

  it('when an approved question is retired, then it leaves the pool; only never-approved drafts can be deleted', async () => {
    const { body } = await create(sampleQuestion()).expect(201);
    const id = body.question.id;
    await approve(id);
    expect((await request(app).delete(`/api/questions/${id}`).set(bearer(author)).expect(409)).body.error.code).toBe('not_deletable');
    const retired = await request(app).post(`/api/questions/${id}/transition`).set(bearer(author)).send({ to: 'retired' }).expect(200);
    expect(retired.body.question).toMatchObject({ status: 'retired', liveVersion: null });
    const { body: draft } = await create(sampleQuestion()).expect(201);
    await request(app).delete(`/api/questions/${draft.question.id}`).set(bearer(author)).expect(204);
    expect(await QuestionModel.countDocuments({ _id: draft.question.id })).toBe(0);
    expect(await QuestionVersionModel.countDocuments({ questionId: draft.question.id })).toBe(0);
  });
});

describe('versions', () => {
  it('when an approved question is edited, then a new draft version is made and the approved version stays as served', async () => {
    const original = sampleQuestion();
    const { body } = await create(original).expect(201);
    const id = body.question.id;
    await approve(id);
    const edited = await request(app)
      .patch(`/api/questions/${id}`)
      .set(bearer(author))
      .send({ stem: { zh: '修改后的题干：以下哪项正确？', en: 'Edited stem: which statement is right?' } })
      .expect(200);
    expect(edited.body.question).toMatchObject({ version: 2, status: 'draft', liveVersion: 1 });
    // Attempts read (questionId, version): version 1 is unchanged.
    const v1 = await QuestionVersionModel.findOne({ questionId: id, version: 1 }).lean();
    expect(v1?.stem.en).toBe(original.stem.en);
    const versions = await request(app).get(`/api/questions/${id}/versions`).set(bearer(author)).expect(200);
    expect(versions.body.versions.map((v: { version: number; live: boolean }) => [v.version, v.live])).toEqual([
      [2, false],
      [1, true],
    ]);
    // A second edit of the unapproved version 2 changes it in place.
    const again = await request(app).patch(`/api/questions/${id}`).set(bearer(author)).send({ difficulty: 5 }).expect(200);
    expect(again.body.question.version).toBe(2);
    await approve(id);
    expect((await QuestionModel.findById(id).lean())?.pool?.version).toBe(2);
  });

  it('when an edit carries a stale revision, then 409 edit_conflict and nothing changes', async () => {
    const { body } = await create(sampleQuestion()).expect(201);
    const id = body.question.id;
    await request(app).patch(`/api/questions/${id}`).set(bearer(author)).send({ difficulty: 4, revision: body.question.revision }).expect(200);
    const stale = await request(app).patch(`/api/questions/${id}`).set(bearer(author)).send({ difficulty: 1, revision: body.question.revision }).expect(409);
    expect(stale.body.error.code).toBe('edit_conflict');
    expect((await QuestionModel.findById(id).lean())?.difficulty).toBe(4);
  });
});

describe('listing and search', () => {
  it('when filtering by domain, level, type, status and text in either language, then only matches come back', async () => {
    const zhOnly = await create(sampleQuestion({ domain: 'data-labeling', levels: [4], stem: { zh: '边界框标注时遮挡物体应如何处理？', en: 'How should occluded objects be boxed?' } })).expect(201);
    await create(sampleQuestion({ domain: 'data-labeling', levels: [5] })).expect(201);
    const byZh = await request(app).get('/api/questions').query({ q: '遮挡物体' }).set(bearer(author)).expect(200);
    expect(byZh.body.items.map((q: { id: string }) => q.id)).toEqual([zhOnly.body.question.id]);
    const byEn = await request(app).get('/api/questions').query({ q: 'OCCLUDED objects' }).set(bearer(author)).expect(200);
    expect(byEn.body.total).toBe(1);
    const filtered = await request(app).get('/api/questions').query({ domain: 'data-labeling', level: '4', type: 'single', status: 'draft' }).set(bearer(author)).expect(200);
    expect(filtered.body.items.every((q: { levels: number[] }) => q.levels.includes(4))).toBe(true);
    expect(filtered.body.total).toBe(1);
    const regexy = await request(app).get('/api/questions').query({ q: '.*(' }).set(bearer(author)).expect(200);
    expect(regexy.body.total).toBe(0);
  });

  it('when a filter is unknown or malformed, then 400 with its name', async () => {
    const res = await request(app).get('/api/questions').query({ colour: 'red', level: 'x' }).set(bearer(author)).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['colour', 'level']);
  });

  it('when ids are malformed or unknown, then 404 not_found', async () => {
    for (const id of ['nope', '0123456789abcdef01234567']) {
      expect((await request(app).get(`/api/questions/${id}`).set(bearer(author)).expect(404)).body.error.code).toBe('not_found');
      await request(app).patch(`/api/questions/${id}`).set(bearer(author)).send({ difficulty: 2 }).expect(404);
      await request(app).post(`/api/questions/${id}/transition`).set(bearer(author)).send({ to: 'in_review' }).expect(404);
    }
  });
});
