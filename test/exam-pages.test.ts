import pino from 'pino';
import request from 'supertest';
import { AttemptModel, AttemptResponseModel } from '../src/components/exams/attempt.model';
import { ExamModel } from '../src/components/exams/exam.model';
import { seedExams } from '../src/components/exams/exam-seed.service';
import { loadVersions, type QuestionContent } from '../src/components/questions';
import { seedQuestionBank } from '../src/components/questions/question-seed.service';
import { session, bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase, SEED_BANK_TIMEOUT } from './helpers/database';
import { decodeHtml } from './helpers/html';

useTestDatabase();
const { app } = buildTestApp();



const examIds = new Map<string, string>();
beforeAll(async () => {
  await seedQuestionBank();
  await seedExams(pino({ level: 'silent' }));
  for (const exam of await ExamModel.find({}, { code: 1 }).lean()) examIds.set(exam.code, exam._id.toHexString());
}, SEED_BANK_TIMEOUT);
const examId = (code: string) => examIds.get(code)!;

/** Starts an exam through the start page's form, as a browser does; returns the attempt id. */
async function startByForm(user: TestUser, code: string): Promise<string> {
  const res = await request(app).post(`/exams/${examId(code)}/start`).set(session(user)).type('form').send({}).expect(303);
  const match = /^\/attempts\/([0-9a-f]{24})$/.exec(res.headers.location ?? '');
  expect(match).not.toBeNull();
  return match![1]!;
}

/** The stored paper with each item's exact version content. */
async function storedPaper(attemptId: string) {
  const attempt = (await AttemptModel.findById(attemptId).lean())!;
  const contents = await loadVersions(attempt.items);
  return attempt.items.map((item) => ({ ...item, content: contents.get(`${item.questionId.toHexString()}:${item.version}`)! as QuestionContent }));
}

function explanationTexts(paper: Awaited<ReturnType<typeof storedPaper>>): string[] {
  // Whole explanations are long and distinctive; a leaked one would appear verbatim.
  return paper.flatMap((p) => [p.content.explanation.zh, p.content.explanation.en]).filter((t): t is string => !!t && t.length > 12);
}

describe('access', () => {
  it('when nobody is signed in, then every exam page redirects to sign-in and comes back afterwards', async () => {
    const catalogue = await request(app).get('/exams').expect(303);
    expect(catalogue.headers.location).toBe(`/login?next=${encodeURIComponent('/exams')}`);
    const paper = await request(app).get('/attempts/0123456789abcdef01234567').expect(303);
    expect(paper.headers.location).toBe(`/login?next=${encodeURIComponent('/attempts/0123456789abcdef01234567')}`);
    const start = await request(app).post(`/exams/${examId('QUICK-L5')}/start`).type('form').send({}).expect(303);
    expect(start.headers.location).toMatch(/^\/login\?next=/);
    expect(await AttemptModel.countDocuments({})).toBe(0);
  });

  it("when a candidate opens another candidate's attempt, then every attempt page is a 404 and nothing changes", async () => {
    const [owner, other] = await Promise.all([createUser(app), createUser(app)]);
    const id = await startByForm(owner, 'QUICK-L5');
    for (const path of [`/attempts/${id}`, `/attempts/${id}/confirm`, `/attempts/${id}/result`]) {
      const res = await request(app).get(path).set(session(other)).expect(404);
      expect(res.text).toContain('class="error-page"');
    }
    await request(app).post(`/attempts/${id}/save`).set(session(other)).field('q1', 'true').expect(404);
    await request(app).post(`/attempts/${id}/submit`).set(session(other)).type('form').send({}).expect(404);
    expect(await AttemptResponseModel.countDocuments({ attemptId: id })).toBe(0);
    expect((await AttemptModel.findById(id).lean())?.status).toBe('in_progress');
  });
});

describe('catalogue', () => {
  it('when a candidate opens /exams in Chinese, then the published exams are grouped by level 5, 4, 3 with mode, size, time and pass mark', async () => {
    const candidate = await createUser(app);
    const res = await request(app).get('/exams').set(session(candidate, 'zh-CN')).expect(200);
    const html = decodeHtml(res.text);
    const [l5, l4, l3] = ['五级/初级工', '四级/中级工', '三级/高级工'].map((label) => html.indexOf(label)) as [number, number, number];
    expect(l5).toBeGreaterThan(-1);
    expect(l4).toBeGreaterThan(l5);
    expect(l3).toBeGreaterThan(l4);
    const published = await ExamModel.find({ status: 'published' }).lean();
    expect(published.length).toBeGreaterThan(5);
    for (const exam of published) {
      expect(html).toContain(exam.title.zh);
      expect(html).toContain(`href="/exams/${exam._id.toHexString()}"`);
    }
    // CERT-L5 sits in the level-5 group, CERT-L3 in the level-3 group.
    expect(html.indexOf('人工智能训练师五级/初级工理论知识认定考试')).toBeLessThan(l4);
    expect(html.indexOf('人工智能训练师三级/高级工理论知识认定考试')).toBeGreaterThan(l3);
    expect(html).toContain('认定考试');
    expect(html).toContain('模拟考试');
    expect(html).toContain('90 分钟');
    expect(html).toContain('60%');
    expect(html).toContain('你还没有参加过考试');
  });

  it('when the page language is English, then levels, titles and labels are English', async () => {
    const candidate = await createUser(app);
    const html = decodeHtml((await request(app).get('/exams').set(session(candidate, 'en')).expect(200)).text);
    expect(html.indexOf('Level 5 (Junior)')).toBeLessThan(html.indexOf('Level 4 (Intermediate)'));
    expect(html.indexOf('Level 4 (Intermediate)')).toBeLessThan(html.indexOf('Level 3 (Senior)'));
    expect(html).toContain('AI Trainer Level 3 (Senior) Theory Certification Exam');
    expect(html).toContain('Certification');
    expect(html).toContain('90 min');
    expect(html).not.toContain('人工智能训练师三级');
  });

  it('when the candidate has an attempt in progress, then the catalogue offers to continue it and lists it in the history', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L4');
    const html = decodeHtml((await request(app).get('/exams').set(session(candidate)).expect(200)).text);
    expect(html).toContain(`href="/attempts/${id}"`);
    expect(html).toContain('继续作答');
    expect(html).toContain('作答中');
  });
});

describe('start page', () => {
  it('when a candidate opens an exam, then the rules show time, questions per type with points, pass mark, attempts, review policy and keys', async () => {
    const candidate = await createUser(app);
    const html = decodeHtml((await request(app).get(`/exams/${examId('CERT-L3')}`).set(session(candidate)).expect(200)).text);
    expect(html).toContain('90 分钟');
    expect(html).toMatch(/判断题<\/td><td class="num">40<\/td><td class="num">0.5<\/td><td class="num">20<\/td>/);
    expect(html).toMatch(/单选题<\/td><td class="num">140<\/td><td class="num">0.5<\/td><td class="num">70<\/td>/);
    expect(html).toMatch(/多选题<\/td><td class="num">10<\/td><td class="num">1<\/td><td class="num">10<\/td>/);
    expect(html).toContain('60%（满分 100 分，60 分及格）');
    expect(html).toContain('共 3 次（你已完成 0 次）');
    expect(html).toContain('两次考试之间至少间隔 24 小时');
    expect(html).toContain('可查看总分及各职业功能的得分率');
    expect(html).toContain('<kbd>f</kbd>');
    expect(html).toContain(`action="/exams/${examId('CERT-L3')}/start"`);
  });

  it('when the candidate starts through the form twice, then both land on the same attempt (continue, not a second paper)', async () => {
    const candidate = await createUser(app);
    const first = await startByForm(candidate, 'QUICK-L5');
    const page = decodeHtml((await request(app).get(`/exams/${examId('QUICK-L5')}`).set(session(candidate)).expect(200)).text);
    expect(page).toContain('继续考试');
    expect(await startByForm(candidate, 'QUICK-L5')).toBe(first);
    expect(await AttemptModel.countDocuments({ userId: candidate.id })).toBe(1);
  });

  it('when the cooldown has not passed, then the start page says from when (409) and no attempt starts', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'CERT-L4');
    await request(app).post(`/attempts/${id}/submit`).set(session(candidate)).type('form').send({}).expect(303);
    const res = await request(app).post(`/exams/${examId('CERT-L4')}/start`).set(session(candidate)).type('form').send({}).expect(409);
    const html = decodeHtml(res.text);
    expect(html).toContain('data-code="attempt_cooldown"');
    const finished = (await AttemptModel.findById(id).lean())!.finishedAt!;
    const next = new Date(finished.getTime() + 86400 * 1000).toISOString();
    expect(html).toContain(`${next.slice(0, 10)} ${next.slice(11, 16)} UTC 之后才能再次参加`);
    expect(await AttemptModel.countDocuments({ userId: candidate.id })).toBe(1);
  });

  it('when an exam is not open yet, then starting it shows exam_not_available on the start page (409)', async () => {
    const examiner = await createUser(app, ['examiner']);
    const created = await request(app)
      .post('/api/exams')
      .set(bearer(examiner))
      .send({
        code: 'LATER-PAGE',
        title: { zh: '稍后开放的考试', en: 'Opens later' },
        level: 4,
        mode: 'mock',
        durationSeconds: 600,
        passPercent: 60,
        sections: [{ type: 'truefalse', count: 2, points: 1 }],
        shares: { ethics: 100 },
        availableFrom: new Date(Date.now() + 86400_000).toISOString(),
      })
      .expect(201);
    await request(app).post(`/api/exams/${created.body.exam.id}/publish`).set(bearer(examiner)).expect(200);
    const candidate = await createUser(app);
    const res = await request(app).post(`/exams/${created.body.exam.id}/start`).set(session(candidate, 'en')).type('form').send({}).expect(409);
    expect(res.text).toContain('data-code="exam_not_available"');
    expect(res.text).toContain('This exam is not open at the moment.');
  });
});

describe('the paper', () => {
  it('when the candidate opens the attempt, then every item is rendered with inputs and the saved answers, and no key or explanation', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L3');
    const paper = await storedPaper(id);
    const single = paper.find((p) => p.type === 'single')!;
    const multiple = paper.find((p) => p.type === 'multiple')!;
    await request(app).put(`/api/attempts/${id}/answers/${single.itemId}`).set(bearer(candidate)).send({ response: single.optionOrder[2], flagged: true }).expect(200);
    await request(app).put(`/api/attempts/${id}/answers/${multiple.itemId}`).set(bearer(candidate)).send({ response: [multiple.optionOrder[0], multiple.optionOrder[3]] }).expect(200);

    const res = await request(app).get(`/attempts/${id}`).set(session(candidate)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const html = decodeHtml(res.text);
    expect(paper).toHaveLength(20);
    for (const item of paper) {
      expect(html).toContain(`id="item-${item.itemId}"`);
      expect(html).toContain(`href="#item-${item.itemId}"`);
      const inputs = html.match(new RegExp(`<input id="${item.itemId}-[^"]+" type="(radio|checkbox)" name="${item.itemId}" `, 'g')) ?? [];
      expect(inputs).toHaveLength(item.type === 'truefalse' ? 2 : item.optionOrder.length);
      expect(inputs.every((i) => i.includes(item.type === 'multiple' ? 'checkbox' : 'radio'))).toBe(true);
      expect(html).toContain(`name="flag-${item.itemId}"`);
    }
    expect(html).toContain(`id="${single.itemId}-${single.optionOrder[2]}" type="radio" name="${single.itemId}" value="${single.optionOrder[2]}" checked`);
    expect(html).toMatch(new RegExp(`name="flag-${single.itemId}" value="1" checked`));
    const box = (option: string | undefined) => `id="${multiple.itemId}-${option}" type="checkbox" name="${multiple.itemId}" value="${option}"`;
    expect(html).toContain(`${box(multiple.optionOrder[0])} checked`);
    expect(html).toContain(`${box(multiple.optionOrder[3])} checked`);
    expect(html).toContain(`${box(multiple.optionOrder[1])}>`);
    for (const text of explanationTexts(paper)) expect(html).not.toContain(text);
    expect(html).not.toMatch(/is-key|exam-mark-key|exam-explanation|exam-answers/);
    expect(html).toContain('显示英文');
    expect(html).toContain('<script type="application/json" id="exam-data">');
    expect(html).toContain('<script src="/assets/exam.js" defer></script>');
  });

  it('when the page language is English, then stems are English with Chinese on request', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L5');
    const paper = await storedPaper(id);
    const html = (await request(app).get(`/attempts/${id}`).set(session(candidate, 'en')).expect(200)).text;
    expect(html).toContain('Show Chinese');
    const plain = paper.map((p) => p.content.stem).find((s) => s.en && s.zh && !/[*_`<>&"'=-]/.test(s.en + s.zh))!;
    expect(plain).toBeDefined();
    const en = html.indexOf(plain.en!);
    const zh = html.indexOf(plain.zh!);
    expect(en).toBeGreaterThan(-1);
    expect(zh).toBeGreaterThan(en); // the Chinese copy follows, inside the item's "Show Chinese"
  });

  it('when the no-JavaScript form is saved, then changed answers and flags are stored and unchanged ones are not rewritten', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L3');
    const paper = await storedPaper(id);
    const tf = paper.find((p) => p.type === 'truefalse')!;
    const single = paper.find((p) => p.type === 'single')!;
    const multiple = paper.find((p) => p.type === 'multiple')!;
    const flaggedOnly = paper.filter((p) => p.type === 'single')[1]!;

    const saved = await request(app)
      .post(`/attempts/${id}/save`)
      .set(session(candidate))
      .field(tf.itemId, 'false')
      .field(single.itemId, single.optionOrder[1]!)
      .field(multiple.itemId, multiple.optionOrder[2]!)
      .field(multiple.itemId, multiple.optionOrder[0]!)
      .field(`flag-${flaggedOnly.itemId}`, '1')
      .field('go', 'stay')
      .expect(303);
    expect(saved.headers.location).toBe(`/attempts/${id}?saved=4`);
    const rows = new Map((await AttemptResponseModel.find({ attemptId: id }).lean()).map((r) => [r.itemId, r]));
    expect(rows.size).toBe(4);
    expect(rows.get(tf.itemId)).toMatchObject({ response: false, flagged: false });
    expect(rows.get(single.itemId)).toMatchObject({ response: single.optionOrder[1], flagged: false });
    expect(rows.get(multiple.itemId)?.response).toEqual([multiple.optionOrder[0], multiple.optionOrder[2]]);
    expect(rows.get(flaggedOnly.itemId)).toMatchObject({ response: null, flagged: true });

    // The same form again: nothing changed, nothing written.
    const before = rows.get(single.itemId)!.savedAt.getTime();
    const again = await request(app)
      .post(`/attempts/${id}/save`)
      .set(session(candidate))
      .field(tf.itemId, 'false')
      .field(single.itemId, single.optionOrder[1]!)
      .field(multiple.itemId, multiple.optionOrder[0]!)
      .field(multiple.itemId, multiple.optionOrder[2]!)
      .field(`flag-${flaggedOnly.itemId}`, '1')
      .expect(303);
    expect(again.headers.location).toBe(`/attempts/${id}?saved=0`);
    expect((await AttemptResponseModel.findById(`${id}:${single.itemId}`).lean())!.savedAt.getTime()).toBe(before);
    const page = decodeHtml((await request(app).get(again.headers.location!).set(session(candidate)).expect(200)).text);
    expect(page).toContain('答案没有变化，均已保存');
  });

  it('when the candidate asks to submit without JavaScript, then the answers are saved and the confirmation lists unanswered and flagged items', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L5');
    const paper = await storedPaper(id);
    const res = await request(app).post(`/attempts/${id}/save`).set(session(candidate)).field('q1', 'true').field('flag-q2', '1').field('go', 'confirm').expect(303);
    expect(res.headers.location).toBe(`/attempts/${id}/confirm`);
    expect(await AttemptResponseModel.findById(`${id}:q1`).lean()).toMatchObject({ response: true });

    const html = decodeHtml((await request(app).get(`/attempts/${id}/confirm`).set(session(candidate)).expect(200)).text);
    expect(html).toContain('已作答 1 / 20 题');
    const unanswered = /<ul class="exam-chips exam-unanswered">([\s\S]*?)<\/ul>/.exec(html)![1]!;
    const listed = [...unanswered.matchAll(/#item-(q\d+)/g)].map((m) => m[1]);
    expect(listed).toEqual(paper.map((p) => p.itemId).filter((i) => i !== 'q1'));
    const flagged = /<ul class="exam-chips exam-flagged">([\s\S]*?)<\/ul>/.exec(html)![1]!;
    expect([...flagged.matchAll(/#item-(q\d+)/g)].map((m) => m[1])).toEqual(['q2']);
    expect(html).toContain(`action="/attempts/${id}/submit"`);
  });

  it('when the paper is submitted, then the result page shows the score, the domain chart with the pass line, and the mock review with keys', async () => {
    const candidate = await createUser(app);
    const id = await startByForm(candidate, 'QUICK-L5');
    const paper = await storedPaper(id);
    const tf = paper.find((p) => p.type === 'truefalse')!;
    await request(app).post(`/attempts/${id}/save`).set(session(candidate)).field(tf.itemId, String(tf.content.answer)).expect(303);
    const submitted = await request(app).post(`/attempts/${id}/submit`).set(session(candidate)).type('form').send({}).expect(303);
    expect(submitted.headers.location).toBe(`/attempts/${id}/result`);
    // The paper of a graded attempt goes to the result.
    expect((await request(app).get(`/attempts/${id}`).set(session(candidate)).expect(303)).headers.location).toBe(`/attempts/${id}/result`);

    const html = decodeHtml((await request(app).get(`/attempts/${id}/result`).set(session(candidate)).expect(200)).text);
    const stored = (await AttemptModel.findById(id).lean())!;
    expect(stored.result).toMatchObject({ score: 5, max: 100, passed: false, finalizedBy: 'submitted' });
    expect(html).toContain('<span class="exam-score-num">5</span>');
    expect(html).toContain('不合格');
    expect(html).toContain('主动交卷');
    expect(html).toMatch(/<svg class="exam-chart"[^>]*role="img"/);
    expect(html).toContain('class="exam-chart-pass"');
    expect(html).toContain('及格线 60%');
    expect(html.match(/class="exam-chart-label"/g)).toHaveLength(stored.result!.byDomain.length);
    expect(html).toContain('数据标注');
    // Mock with policy 'keys': every item, the key and the explanation.
    expect(html.match(/class="exam-review-item /g)).toHaveLength(20);
    expect(html).toContain(paper[0]!.content.explanation.zh!.split('\n')[0]!.slice(0, 20));
    expect(html).toContain('正确答案');
    expect(html).toContain(`href="/exams/${examId('QUICK-L5')}"`); // retake
  });

  it('when a certification paper is graded, then the result never shows its questions, keys or explanations, even for an exam stored with the answers policy before pools', async () => {
    const examiner = await createUser(app, ['examiner']);
    const created = await request(app)
      .post('/api/exams')
      .set(bearer(examiner))
      .send({
        code: 'CERT-LEGACY-ANSWERS',
        title: { zh: '认定考试（旧数据：公布作答）', en: 'Certification (legacy: answers shown)' },
        level: 4,
        mode: 'certification',
        durationSeconds: 600,
        passPercent: 60,
        sections: [{ type: 'single', count: 4, points: 5 }, { type: 'truefalse', count: 4, points: 5 }],
        shares: { ethics: 50, foundations: 50 },
        reviewPolicy: 'domains',
      })
      .expect(201);
    await request(app).post(`/api/exams/${created.body.exam.id}/publish`).set(bearer(examiner)).expect(200);
    // The API refuses this policy for a secure pool (question-pools.test.ts); an exam stored before pools may still hold it.
    await ExamModel.updateOne({ _id: created.body.exam.id }, { $set: { reviewPolicy: 'answers' } });
    examIds.set('CERT-LEGACY-ANSWERS', created.body.exam.id);
    const candidate = await createUser(app);

    for (const code of ['CERT-L5', 'CERT-LEGACY-ANSWERS']) {
      const id = await startByForm(candidate, code);
      const paper = await storedPaper(id);
      await request(app).post(`/attempts/${id}/save`).set(session(candidate)).field('q1', paper[0]!.type === 'truefalse' ? 'true' : paper[0]!.optionOrder[0]!).expect(303);
      await request(app).post(`/attempts/${id}/submit`).set(session(candidate)).type('form').send({}).expect(303);
      const html = decodeHtml((await request(app).get(`/attempts/${id}/result`).set(session(candidate)).expect(200)).text);
      expect(html).toMatch(/<svg class="exam-chart"/);
      for (const text of explanationTexts(paper)) expect(html).not.toContain(text);
      for (const item of paper) expect(html).not.toContain(item.content.stem.zh);
      expect(html).not.toContain('正确答案');
      expect(html).not.toContain('is-key');
      expect(html).not.toContain('exam-explanation');
      expect(html).not.toContain('exam-review-item');
    }
  });
});
