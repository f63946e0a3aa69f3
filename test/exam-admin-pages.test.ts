import pino from 'pino';
import request from 'supertest';
import { fromChinaLocal, toChinaLocal } from '../src/components/exams/exam-admin-form';
import { ExamModel, TimeExtensionModel } from '../src/components/exams/exam.model';
import { seedExams } from '../src/components/exams/exam-seed.service';
import { seedQuestionBank } from '../src/components/questions/question-seed.service';
import { session, bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase, SEED_BANK_TIMEOUT } from './helpers/database';
import { decodeHtml } from './helpers/html';

useTestDatabase();
const { app } = buildTestApp();

let examiner: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  await seedQuestionBank();
  await seedExams(pino({ level: 'silent' }));
  [examiner, candidate] = await Promise.all([createUser(app, ['examiner']), createUser(app, ['candidate'])]);
}, SEED_BANK_TIMEOUT);



let codeCounter = 0;
const freshCode = () => `PAGE-T${++codeCounter}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;

/** The blueprint form as a browser posts it: a valid level-4 mock exam unless fields say otherwise. */
function examForm(fields: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    code: freshCode(),
    titleZh: '四级表单测试考试',
    titleEn: 'Level 4 form test exam',
    level: '4',
    mode: 'mock',
    durationMinutes: '45',
    passPercent: '60',
    sec0Type: 'truefalse',
    sec0Count: '10',
    sec0Points: '2',
    sec1Type: 'single',
    sec1Count: '20',
    sec1Points: '4',
    'share-ethics': '5',
    'share-foundations': '15',
    'share-data-processing': '20',
    'share-data-labeling': '40',
    'share-system-ops': '20',
    difficultyMin: '1',
    difficultyMax: '5',
    shuffleQuestions: '1',
    shuffleOptions: '1',
    attemptsAllowed: '',
    cooldownHours: '0',
    availableFrom: '',
    availableUntil: '',
    reviewPolicy: 'keys',
    validityYears: '3',
    ...fields,
  };
  return new URLSearchParams(values).toString();
}

async function examIdOf(code: string): Promise<string> {
  const exam = await ExamModel.findOne({ code }).lean();
  if (!exam) throw new Error(`no exam ${code}`);
  return exam._id.toHexString();
}

describe('access', () => {
  it('when there is no session, then the pages redirect to sign-in and come back', async () => {
    const res = await request(app).get('/bank/exams').expect(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/bank/exams')}`);
    const post = await request(app).post('/bank/exams').type('form').send(examForm()).expect(303);
    expect(post.headers.location).toMatch(/^\/login\?next=/);
  });

  it('when a candidate opens or posts to the exam pages, then 403 and nothing changes', async () => {
    const res = await request(app).get('/bank/exams').set(session(candidate)).expect(403);
    expect(res.text).toContain('您无权查看此页面。');
    expect(res.text).not.toContain('bank-nav');
    const code = freshCode();
    await request(app).post('/bank/exams').set(session(candidate)).type('form').send(examForm({ code })).expect(403);
    expect(await ExamModel.countDocuments({ code })).toBe(0);
    const id = await examIdOf('QUICK-L5');
    await request(app).post(`/bank/exams/${id}/unpublish`).set(session(candidate)).expect(403);
    expect((await ExamModel.findById(id).lean())?.status).toBe('published');
  });
});

describe('list', () => {
  it('when the seeded exams exist, then the list groups them by level with mode, status, counts, points, time and actions', async () => {
    const res = await request(app).get('/bank/exams?lang=en').set(session(examiner)).expect(200);
    const html = decodeHtml(res.text);
    expect(html).toContain('<a href="/bank/exams" aria-current="page">Exams</a>');
    for (const level of ['Level 5 (Junior)', 'Level 4 (Intermediate)', 'Level 3 (Senior)']) expect(html).toContain(`>${level}</h2>`);
    const row = /<tr id="exam-CERT-L3">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(row).toContain('AI Trainer Level 3 (Senior) Theory Certification Exam');
    expect(row).toContain('<strong>Certification</strong>');
    expect(row).toContain('>Published</span>');
    expect(row).toMatch(/<td>190<\/td>\s*<td>100<\/td>\s*<td class="nowrap">90 min<\/td>/);
    const id = await examIdOf('CERT-L3');
    expect(row).toContain(`href="/bank/exams/${id}/edit"`);
    expect(row).toContain(`action="/bank/exams/${id}/unpublish"`);
    expect(row).toContain(`href="/bank/exams/${id}/extensions"`);
    // Level 3's section comes after level 4's (highest number first, as everywhere).
    expect(html.indexOf('id="exam-CERT-L4"')).toBeLessThan(html.indexOf('id="exam-CERT-L3"'));
    expect(html).toContain('<form class="inline-filters" method="get" action="/bank/exams/new">');
    expect(html).toContain('href="/bank/exams/new"');
  });
});

describe('the blueprint form', () => {
  it('when "new from national format" is chosen, then the form is prefilled with that level\'s paper and the mode\'s rules', async () => {
    const res = await request(app).get('/bank/exams/new?from=national&level=3&mode=certification').set(session(examiner)).expect(200);
    const html = decodeHtml(res.text);
    expect(html).toContain('value="人工智能训练师三级/高级工理论知识认定考试"');
    expect(html).toContain('value="AI Trainer Level 3 (Senior) Theory Certification Exam"');
    expect(html).toContain('name="durationMinutes" value="90"');
    expect(html).toMatch(/name="sec0Type"[^>]*>.*<option value="truefalse" selected>/);
    expect(html).toContain('name="sec1Count" value="140"');
    expect(html).toContain('name="sec2Points" value="1"');
    expect(html).toContain('name="share-intelligent-training" value="30"');
    expect(html).toContain('name="share-data-labeling" value=""');
    expect(html).toMatch(/<output data-total-questions[^>]*>190<\/output>/);
    expect(html).toMatch(/<output data-total-points[^>]*>100<\/output>/);
    expect(html).toMatch(/<output data-share-sum[^>]*>100<\/output>/);
    expect(html).toContain('<option value="domains" selected>');
    expect(html).toContain('name="attemptsAllowed" value="3"');
    expect(html).toContain('北京时间（UTC+8）');
  });

  it('when a valid form is posted, then 303 to the list and the exam is stored in the API\'s units', async () => {
    const code = freshCode();
    const res = await request(app)
      .post('/bank/exams')
      .set(session(examiner))
      .type('form')
      .send(examForm({ code, durationMinutes: '2.5', cooldownHours: '1.5', attemptsAllowed: '', availableFrom: '2027-03-01T09:00', availableUntil: '2027-03-08T18:30', shuffleOptions: '' }))
      .expect(303);
    expect(res.headers.location).toBe('/bank/exams');
    const stored = (await ExamModel.findOne({ code }).lean())!;
    expect(stored).toMatchObject({
      level: 4,
      mode: 'mock',
      durationSeconds: 150,
      cooldownSeconds: 5400,
      attemptsAllowed: null,
      shuffleQuestions: true,
      shuffleOptions: false,
      partialCredit: false,
      reviewPolicy: 'keys',
      status: 'draft',
      title: { zh: '四级表单测试考试', en: 'Level 4 form test exam' },
    });
    expect(stored.sections).toEqual([
      { type: 'truefalse', count: 10, points: 2 },
      { type: 'single', count: 20, points: 4 },
    ]);
    expect(stored.shares).toEqual({ ethics: 5, foundations: 15, 'data-processing': 20, 'data-labeling': 40, 'system-ops': 20 });
    // 09:00 China time is 01:00 UTC.
    expect(stored.availableFrom?.toISOString()).toBe('2027-03-01T01:00:00.000Z');
    expect(stored.availableUntil?.toISOString()).toBe('2027-03-08T10:30:00.000Z');
    expect(String(stored.createdBy)).toBe(examiner.id);

    // The edit form shows it back in the form's units, with the code read-only.
    const edit = decodeHtml((await request(app).get(`/bank/exams/${stored._id.toHexString()}/edit`).set(session(examiner)).expect(200)).text);
    expect(edit).toContain('name="durationMinutes" value="2.5"');
    expect(edit).toContain('name="cooldownHours" value="1.5"');
    expect(edit).toContain('name="availableFrom" value="2027-03-01T09:00"');
    expect(edit).toContain(`<input id="f-code" value="${code}" readonly`);
    expect(edit).not.toContain('name="code"');
  });

  it('when the domain shares do not add up to 100, then 400 with the message beside them, values kept and nothing stored', async () => {
    const code = freshCode();
    const res = await request(app)
      .post('/bank/exams')
      .set(session(examiner))
      .type('form')
      .send(examForm({ code, 'share-ethics': '', titleZh: '保留的标题' }))
      .expect(400);
    const html = decodeHtml(res.text);
    expect(html).toContain('<p class="field-error" id="f-shares-error">职业功能比例合计必须为 100（当前为 95）。</p>');
    expect(html).toContain('考试未保存：请修改标出的字段。');
    expect(html).toContain('value="保留的标题"');
    expect(html).toContain(`name="code" value="${code}"`);
    expect(await ExamModel.countDocuments({ code })).toBe(0);
  });

  it('when several fields are wrong at once, then every problem is shown, including the blueprint rules', async () => {
    const code = freshCode();
    const res = await request(app)
      .post('/bank/exams?lang=en')
      .set(session(examiner))
      .type('form')
      .send(examForm({ code, sec1Count: 'many', durationMinutes: '0.1', 'share-ethics': '15', difficultyMin: '4', difficultyMax: '2' }))
      .expect(400);
    const html = decodeHtml(res.text);
    expect(html).toContain('<p class="field-error" id="f-sec1Count-error">A whole number from 1 to 500.</p>');
    expect(html).toContain('<p class="field-error" id="f-durationMinutes-error">Enter minutes from 0.17 (10 seconds) to 1440 (24 hours).</p>');
    expect(html).toContain('The domain shares must add up to 100 (now 110).');
    expect(html).toContain('The easiest difficulty must not be above the hardest.');
    expect(html).toContain('name="sec1Count" value="many"');
    expect(await ExamModel.countDocuments({ code })).toBe(0);
  });

  it('when a certification exam would show its secure questions, then 400 with the rule beside the review policy and nothing stored', async () => {
    const code = freshCode();
    const res = await request(app)
      .post('/bank/exams')
      .set(session(examiner))
      .type('form')
      .send(examForm({ code, mode: 'certification', reviewPolicy: 'keys' }))
      .expect(400);
    expect(decodeHtml(res.text)).toContain('<p class="field-error" id="f-reviewPolicy-error">认定考试抽取保密题库的题目，考后不展示逐题内容：请选择“仅分数”或“各职业功能得分”。</p>');
    expect(await ExamModel.countDocuments({ code })).toBe(0);
  });

  it('when the code is already used, then 409 with the message beside the code', async () => {
    const res = await request(app).post('/bank/exams').set(session(examiner)).type('form').send(examForm({ code: 'CERT-L3' })).expect(409);
    expect(decodeHtml(res.text)).toContain('<p class="field-error" id="f-code-error">该编号已被使用。</p>');
    expect(await ExamModel.countDocuments({ code: 'CERT-L3' })).toBe(1);
  });

  it('when an exam is edited, then 303 and the changes are stored while the code stays', async () => {
    const code = freshCode();
    await request(app).post('/bank/exams').set(session(examiner)).type('form').send(examForm({ code })).expect(303);
    const id = await examIdOf(code);
    const res = await request(app)
      .post(`/bank/exams/${id}`)
      .set(session(examiner))
      .type('form')
      .send(examForm({ code: 'IGNORED-CODE', titleEn: 'Renamed exam', sec2Type: 'multiple', sec2Count: '2', sec2Points: '5', attemptsAllowed: '2' }))
      .expect(303);
    expect(res.headers.location).toBe('/bank/exams');
    const stored = (await ExamModel.findById(id).lean())!;
    expect(stored.code).toBe(code);
    expect(stored.title.en).toBe('Renamed exam');
    expect(stored.attemptsAllowed).toBe(2);
    expect(stored.sections).toHaveLength(3);
    expect(await ExamModel.countDocuments({ code: 'IGNORED-CODE' })).toBe(0);
  });

  it('when a published exam is changed beyond what the bank holds, then 409 listing the short cells and nothing is saved', async () => {
    const id = await examIdOf('PRACTICE-TRAINING-GUIDANCE');
    const before = (await ExamModel.findById(id).lean())!;
    const edit = decodeHtml((await request(app).get(`/bank/exams/${id}/edit`).set(session(examiner)).expect(200)).text);
    expect(edit).toContain('此考试已发布。');
    const res = await request(app)
      .post(`/bank/exams/${id}`)
      .set(session(examiner))
      .type('form')
      .send(examForm({ level: '3', mode: 'mock', sec0Type: 'single', sec0Count: '400', sec0Points: '0.25', sec1Type: '', sec1Count: '', sec1Points: '', 'share-ethics': '', 'share-foundations': '', 'share-data-processing': '', 'share-data-labeling': '', 'share-system-ops': '', 'share-training-guidance': '100' }))
      .expect(409);
    const html = decodeHtml(res.text);
    expect(html).toContain('未保存：已审核通过的题库无法抽满修改后的蓝图');
    expect(html).toMatch(/<tr><td><a href="\/bank\?domain=training-guidance&level=3&type=single">培训与指导<\/a><\/td><td>单选题<\/td><td>\d+<\/td><td>400<\/td><\/tr>/);
    const stored = (await ExamModel.findById(id).lean())!;
    expect(stored).toEqual(before);
  });
});

describe('publishing', () => {
  it('when the bank cannot fill an exam, then publishing shows 409 with each short cell and the exam stays a draft', async () => {
    const created = await request(app)
      .post('/api/exams')
      .set(bearer(examiner))
      .send({
        code: freshCode(),
        title: { zh: '过大的考试', en: 'Too big' },
        level: 3,
        mode: 'mock',
        durationSeconds: 600,
        passPercent: 60,
        sections: [{ type: 'single', count: 100, points: 1 }],
        shares: { 'training-guidance': 50, ethics: 50 },
      })
      .expect(201);
    const { id, code } = created.body.exam;
    const res = await request(app).post(`/bank/exams/${id}/publish?lang=en`).set(session(examiner)).expect(409);
    const html = decodeHtml(res.text);
    expect(html).toContain(`<strong class="code">${code}</strong> Too big: not published`);
    expect(html).toMatch(/<tr><td><a href="\/bank\?domain=training-guidance&level=3&type=single">Training and guidance<\/a><\/td><td>Single choice<\/td><td>\d+<\/td><td>50<\/td><\/tr>/);
    expect(html).toMatch(/<tr><td><a href="\/bank\?domain=ethics&level=3&type=single">Professional ethics<\/a><\/td><td>Single choice<\/td><td>\d+<\/td><td>50<\/td><\/tr>/);
    expect((await ExamModel.findById(id).lean())?.status).toBe('draft');
  });

  it('when an exam is unpublished and published again, then each step redirects to the list and the status follows', async () => {
    const id = await examIdOf('QUICK-L4');
    expect((await ExamModel.findById(id).lean())?.status).toBe('published');
    const off = await request(app).post(`/bank/exams/${id}/unpublish`).set(session(examiner)).expect(303);
    expect(off.headers.location).toBe('/bank/exams');
    expect((await ExamModel.findById(id).lean())?.status).toBe('draft');
    const list = decodeHtml((await request(app).get('/bank/exams').set(session(examiner)).expect(200)).text);
    const row = /<tr id="exam-QUICK-L4">([\s\S]*?)<\/tr>/.exec(list)?.[1] ?? '';
    expect(row).toContain('>草稿</span>');
    expect(row).toContain(`action="/bank/exams/${id}/publish"`);
    await request(app).post(`/bank/exams/${id}/publish`).set(session(examiner)).expect(303);
    expect((await ExamModel.findById(id).lean())?.status).toBe('published');
  });
});

describe('extra time', () => {
  it('when extra minutes are granted by email, then they are stored for that candidate and listed', async () => {
    const id = await examIdOf('CERT-L4');
    const person = await createUser(app, ['candidate'], { name: 'Wang Fang' });
    const res = await request(app)
      .post(`/bank/exams/${id}/extensions`)
      .set(session(examiner))
      .type('form')
      .send({ email: `  ${person.email.toUpperCase()} `, minutes: '22.5', reason: '视力障碍' })
      .expect(303);
    expect(res.headers.location).toBe(`/bank/exams/${id}/extensions`);
    const stored = await TimeExtensionModel.find({ examId: id }).lean();
    expect(stored.map((e) => [String(e.userId), e.extraSeconds, e.reason, String(e.grantedBy)])).toEqual([[person.id, 1350, '视力障碍', examiner.id]]);
    const page = decodeHtml((await request(app).get(`/bank/exams/${id}/extensions`).set(session(examiner)).expect(200)).text);
    expect(page).toMatch(new RegExp(`<td>Wang Fang</td>\\s*<td>${person.email}</td>\\s*<td class="nowrap">\\+22.5 分钟</td>\\s*<td>视力障碍</td>`));
  });

  it('when the email has no account or the minutes are out of range, then 400 with both messages and nothing stored', async () => {
    const id = await examIdOf('CERT-L5');
    const res = await request(app)
      .post(`/bank/exams/${id}/extensions`)
      .set(session(examiner))
      .type('form')
      .send({ email: 'nobody-here@example.com', minutes: '2000', reason: '' })
      .expect(400);
    const html = decodeHtml(res.text);
    expect(html).toContain('没有使用邮箱 nobody-here@example.com 的账号。');
    expect(html).toContain('<p class="field-error" id="f-minutes-error">请填写 0 至 1440 之间的分钟数。</p>');
    expect(html).toContain('value="2000"');
    expect(await TimeExtensionModel.countDocuments({ examId: id })).toBe(0);
  });
});

describe('China time', () => {
  it('when a datetime-local value is read as UTC+8, then it converts to ISO and back', () => {
    expect(fromChinaLocal('2027-01-01T07:30')).toBe('2026-12-31T23:30:00.000Z');
    expect(toChinaLocal('2026-12-31T23:30:00.000Z')).toBe('2027-01-01T07:30');
    expect(fromChinaLocal('tomorrow')).toBeUndefined();
    expect(fromChinaLocal('2027-02-30T10:00')).toBeUndefined();
  });
});
