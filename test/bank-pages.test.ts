import request from 'supertest';
import { QuestionModel, QuestionVersionModel } from '../src/components/questions/question.model';
import { session, bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { sampleQuestion } from './helpers/questions';
import { decodeHtml } from './helpers/html';

useTestDatabase();
const { app } = buildTestApp();

let author: TestUser;
let reviewer: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  [author, reviewer, candidate] = await Promise.all([
    createUser(app, ['examiner']),
    createUser(app, ['examiner']),
    createUser(app, ['candidate']),
  ]);
});



async function apiCreate(body: object, user = author): Promise<{ id: string; code: string }> {
  const res = await request(app).post('/api/questions').set(bearer(user)).send(body).expect(201);
  return res.body.question;
}

async function apiTransition(id: string, to: string, user: TestUser): Promise<void> {
  await request(app).post(`/api/questions/${id}/transition`).set(bearer(user)).send({ to }).expect(200);
}

let formCounter = 0;

/** The editor's fields as a browser posts them (url-encoded, repeated names for checkboxes). */
function editorForm(fields: Record<string, string | string[]> = {}): string {
  formCounter += 1;
  const n = `${formCounter}-${Math.random().toString(36).slice(2, 7)}`;
  const values: Record<string, string | string[]> = {
    type: 'single',
    domain: 'intelligent-training',
    levels: ['2', '3'],
    difficulty: '3',
    knowledgePoint: 'overfitting',
    tags: 'overfitting, regularization',
    stemZh: `表单第${n}题：哪种做法最能缓解过拟合？`,
    stemEn: `Form question ${n}: which practice best reduces overfitting?`,
    explanationZh: '正则化限制模型复杂度。',
    explanationEn: 'Regularisation limits model complexity.',
    opt0Zh: '增加 L2 正则化',
    opt0En: 'Add L2 regularisation',
    opt0Correct: '1',
    opt1Zh: '增加模型层数',
    opt1En: 'Add more layers',
    opt2Zh: '减少训练数据',
    opt2En: 'Use less training data',
    opt3Zh: '去掉验证集',
    opt3En: 'Drop the validation set',
    ...fields,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) for (const v of ([] as string[]).concat(value)) params.append(key, v);
  return params.toString();
}

describe('access', () => {
  it('when a candidate opens the bank, then 403 and no bank content', async () => {
    const res = await request(app).get('/bank').set(session(candidate)).expect(403);
    expect(res.text).toContain('您无权查看此页面。');
    expect(res.text).not.toContain('bank-nav');
  });

  it('when there is no session, then pages redirect to sign-in and come back; script requests get 401', async () => {
    const res = await request(app).get('/bank?domain=ethics').expect(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/bank?domain=ethics')}`);
    const post = await request(app).post('/bank/questions').type('form').send(editorForm()).expect(303);
    expect(post.headers.location).toBe('/login?next=%2Fbank');
    const preview = await request(app).post('/bank/preview').set('Accept', 'application/json').send({ type: 'single' }).expect(401);
    expect(preview.body.error.code).toBe('unauthenticated');
  });
});

describe('overview', () => {
  it('when questions exist in several statuses, then the matrix counts them per domain, level and status', async () => {
    const levels = { domain: 'training-guidance', levels: [2] };
    const a = await apiCreate(sampleQuestion(levels));
    const b = await apiCreate(sampleQuestion(levels));
    await apiCreate(sampleQuestion(levels));
    await apiTransition(a.id, 'in_review', author);
    await apiTransition(b.id, 'in_review', author);
    await apiTransition(b.id, 'approved', reviewer);

    const res = await request(app).get('/bank').set(session(reviewer)).expect(200);
    const html = decodeHtml(res.text);
    const cell = /<a class="cell" href="\/bank\?domain=training-guidance&level=2">(.*?)<\/a>/.exec(html)?.[1];
    expect(cell).toContain('<span class="n n-approved" title="已通过">1</span>');
    expect(cell).toContain('<span class="n n-in_review" title="待审核">1</span>');
    expect(cell).toContain('<span class="n n-draft" title="草稿">1</span>');
    // Level 3 of that domain has nothing.
    expect(html).not.toContain('href="/bank?domain=training-guidance&level=3"');
  });

  it('when filters are given, then only matching questions are listed and export links carry the filters', async () => {
    const kept = await apiCreate(sampleQuestion({ domain: 'system-design', levels: [3], tags: ['hci-flow'] }));
    const other = await apiCreate(sampleQuestion({ domain: 'system-design', levels: [3], tags: ['monitoring'] }));
    const res = await request(app).get('/bank?domain=system-design&tag=hci-flow&lang=en').set(session(author)).expect(200);
    const html = decodeHtml(res.text);
    expect(html).toContain(`href="/bank/questions/${kept.id}">${kept.code}</a>`);
    expect(html).not.toContain(other.code);
    expect(html).toContain('1 matching questions');
    expect(html).toContain('href="/api/questions/export?format=gift&domain=system-design&tag=hci-flow"');
    expect(html).toContain('href="/api/questions/export?format=csv&domain=system-design&tag=hci-flow"');
    const exported = await request(app).get('/api/questions/export?format=json&domain=system-design&tag=hci-flow').set(session(author)).expect(200);
    expect(JSON.parse(exported.text).map((q: { code: string }) => q.code)).toEqual([kept.code]);
  });

  it('when a filter value is invalid, then 400 with the message and no list', async () => {
    const res = await request(app).get('/bank?tag=Not%20A%20Key&lang=en').set(session(author)).expect(400);
    expect(res.text).toContain('Use lower-case words joined by hyphens');
    expect(res.text).not.toContain('class="questions"');
  });
});

describe('editor', () => {
  it('when the form is posted, then the question is stored as the form said and the browser goes to its page', async () => {
    const body = editorForm({ opt1Correct: '', tags: 'overfitting，bias-variance' });
    const res = await request(app).post('/bank/questions').set(session(author)).type('form').send(body).expect(303);
    const location = String(res.headers.location);
    const id = /^\/bank\/questions\/([0-9a-f]{24})$/.exec(location)?.[1];
    expect(id).toBeDefined();
    const stored = await QuestionModel.findById(id).lean();
    expect(stored).toMatchObject({
      status: 'draft',
      type: 'single',
      domain: 'intelligent-training',
      levels: [3, 2],
      tags: ['overfitting', 'bias-variance'],
      stem: { zh: new URLSearchParams(body).get('stemZh') },
    });
    expect(stored?.options?.map((o) => [o.id, o.text.en, o.correct])).toEqual([
      ['a', 'Add L2 regularisation', true],
      ['b', 'Add more layers', false],
      ['c', 'Use less training data', false],
      ['d', 'Drop the validation set', false],
    ]);
    expect(stored?.author?.toHexString()).toBe(author.id);
    const page = await request(app).get(location).set(session(author)).expect(200);
    expect(page.text).toContain(stored!.code);
  });

  it('when the form has errors, then 400 with each message next to its field, the values kept and nothing stored', async () => {
    const before = await QuestionModel.countDocuments();
    // Slot 3 left empty and slot 4 used: errors on options[3] must land on the fifth row.
    const body = editorForm({
      stemZh: '',
      stemEn: '',
      opt1Correct: '1',
      opt3Zh: '',
      opt3En: '',
      opt4Zh: '保留的选项',
      opt4En: 'Add L2 regularisation',
      knowledgePoint: 'Not Kebab',
    });
    const res = await request(app).post('/bank/questions').set(session(author)).type('form').send(body).expect(400);
    const html = decodeHtml(res.text);
    expect(html).toContain('<p class="field-error" id="f-stem-error">请至少填写一种语言。</p>');
    expect(html).toContain('<p class="field-error" id="f-options-error">单选题必须恰好有一个正确选项（当前 2 个）。</p>');
    expect(html).toContain('<p class="field-error" id="f-opt4En-error">与另一选项内容相同。</p>');
    expect(html).toMatch(/<p class="field-error" id="f-knowledgePoint-error">请使用以连字符连接的小写英文单词/);
    expect(html).toContain('value="保留的选项"');
    expect(html).toContain('value="Not Kebab"');
    expect(await QuestionModel.countDocuments()).toBe(before);
  });

  it('when Preview is pressed without JavaScript, then the editor comes back with the preview filled and nothing is stored', async () => {
    const before = await QuestionModel.countDocuments();
    const body = editorForm({ action: 'preview', stemEn: 'Which **metric** fits?' });
    const res = await request(app).post('/bank/questions').set(session(author)).type('form').send(body).expect(200);
    expect(res.text).toContain('<p>Which <strong>metric</strong> fits?</p>');
    expect(res.text).toContain('<span class="qp-letter">D.</span><span class="qp-text">Drop the validation set</span>');
    expect(await QuestionModel.countDocuments()).toBe(before);
  });
});

describe('live preview', () => {
  it('when fields are posted as JSON, then both languages come back rendered, with HTML in stems escaped', async () => {
    const res = await request(app)
      .post('/bank/preview')
      .set(session(author))
      .send({
        type: 'multiple',
        stemZh: '<script>alert(1)</script> 哪些是**正则化**方法？',
        stemEn: 'Which <b>are</b> regularisers?',
        opt0Zh: 'L1',
        opt0En: '<img src=x onerror=alert(1)>',
        opt1En: 'Dropout',
      })
      .expect(200);
    expect(res.body.zh).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 哪些是<strong>正则化</strong>方法？');
    expect(res.body.zh).not.toContain('<script>');
    expect(res.body.zh).toContain('（多选题，请选择所有正确答案）');
    expect(res.body.en).toContain('Which &lt;b&gt;are&lt;/b&gt; regularisers?');
    expect(res.body.en).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.body.en).not.toContain('<img');
    expect(res.body.en).toMatch(/type="checkbox"[^>]*><span class="qp-letter">B\.<\/span><span class="qp-text">Dropout<\/span>/);
  });

  it('when the type is true/false or fill, then the candidate sees 对/错 · True/False or an input box', async () => {
    const tf = await request(app).post('/bank/preview').set(session(author)).send({ type: 'truefalse', stemZh: '陈述', stemEn: 'Statement' }).expect(200);
    expect(tf.body.zh).toMatch(/>对<\/span>[\s\S]*>错<\/span>/);
    expect(tf.body.en).toMatch(/>True<\/span>[\s\S]*>False<\/span>/);
    const fill = await request(app).post('/bank/preview').set(session(author)).send({ type: 'fill', stemEn: 'Name it' }).expect(200);
    expect(fill.body.en).toContain('<input type="text"');
  });

  it('when a candidate calls it, then 403', async () => {
    await request(app).post('/bank/preview').set(session(candidate)).send({ type: 'single' }).expect(403);
  });
});

describe('question page and workflow', () => {
  it('when the author approves their own version, then the page shows the four-eyes error with 403 and the status stays', async () => {
    const q = await apiCreate(sampleQuestion());
    await apiTransition(q.id, 'in_review', author);
    const res = await request(app).post(`/bank/questions/${q.id}/transition`).set(session(author)).type('form').send({ to: 'approved', comment: '' }).expect(403);
    expect(res.text).toContain('此版本须由另一位考评员审核通过：版本作者不能审核自己的版本（四眼原则）。');
    expect(res.text).toContain(q.code);
    expect((await QuestionModel.findById(q.id).lean())?.status).toBe('in_review');

    const queue = await request(app).get('/bank/review').set(session(reviewer)).expect(200);
    expect(queue.text).toContain(q.code);
    const ok = await request(app).post(`/bank/questions/${q.id}/transition`).set(session(reviewer)).type('form').send({ to: 'approved', from: 'review' }).expect(303);
    expect(ok.headers.location).toBe('/bank/review');
    expect((await QuestionModel.findById(q.id).lean())?.status).toBe('approved');
  });

  it('when a move is not allowed, then invalid_transition is shown with 409', async () => {
    const q = await apiCreate(sampleQuestion());
    const res = await request(app).post(`/bank/questions/${q.id}/transition?lang=en`).set(session(reviewer)).type('form').send({ to: 'approved' }).expect(409);
    expect(res.text).toContain("This status change is not allowed from the question&#x27;s current status.");
  });

  it('when an approved question is edited, then version 2 is a draft and the history shows only the changed fields', async () => {
    const body = sampleQuestion();
    const q = await apiCreate(body);
    await apiTransition(q.id, 'in_review', author);
    await apiTransition(q.id, 'approved', reviewer);

    const edit = await request(app).get(`/bank/questions/${q.id}/edit`).set(session(author)).expect(200);
    const revision = /name="revision" value="(\d+)"/.exec(edit.text)?.[1];
    expect(revision).toBeDefined();
    const form = editorForm({
      revision: revision!,
      stemZh: body.stem.zh,
      stemEn: 'Which practice reduces overfitting the most?',
      explanationZh: body.explanation.zh,
      explanationEn: body.explanation.en,
      opt1Zh: '加深网络',
      levels: ['1', '2', '3'],
      knowledgePoint: body.knowledgePoint,
      tags: 'overfitting',
      opt0Id: 'a',
      opt1Id: 'b',
      opt2Id: 'c',
      opt3Id: 'd',
    });
    await request(app).post(`/bank/questions/${q.id}`).set(session(author)).type('form').send(form).expect(303);
    const stored = await QuestionModel.findById(q.id).lean();
    expect(stored).toMatchObject({ version: 2, status: 'draft', pool: { version: 1 } });

    const page = decodeHtml((await request(app).get(`/bank/questions/${q.id}?lang=en`).set(session(reviewer)).expect(200)).text);
    const history = page.slice(page.indexOf('id="history-title"'));
    const v2 = history.slice(0, history.indexOf('Version 1<'));
    const rows = [...v2.matchAll(/<th scope="row"><code>([^<]+)<\/code><\/th>/g)].map((m) => m[1]);
    expect(rows).toEqual(['stem.en', 'options[1].text.zh']);
    expect(v2).toContain(`<del>${body.stem.en}</del>`);
    expect(v2).toContain('<ins>Which practice reduces overfitting the most?</ins>');
    expect(v2).toContain('<del>增加模型层数</del>');
    expect(history).toMatch(/Version 1<\/strong>\s*<span class="status status-approved">Live<\/span>/);
    expect(await QuestionVersionModel.countDocuments({ questionId: q.id })).toBe(2);

    // The same stale revision again: someone else's edit wins, this one is refused.
    const stale = await request(app).post(`/bank/questions/${q.id}?lang=en`).set(session(author)).type('form').send(form).expect(409);
    expect(stale.text).toContain('Someone changed this question while you were editing it.');
  });

  it('when a draft is deleted through the confirmation page, then it is gone', async () => {
    const q = await apiCreate(sampleQuestion());
    const confirm = await request(app).get(`/bank/questions/${q.id}/delete`).set(session(author)).expect(200);
    expect(confirm.text).toContain(`action="/bank/questions/${q.id}/delete"`);
    await request(app).post(`/bank/questions/${q.id}/delete`).set(session(author)).expect(303);
    expect(await QuestionModel.countDocuments({ _id: q.id })).toBe(0);
  });
});

describe('import page', () => {
  const validGift = (tag: string) => `::IT-0991:: Which activation is zero for all negative inputs (${tag})? {=ReLU ~Sigmoid ~Tanh ~Softmax}\n`;

  it('when a GIFT file has syntax errors, then 400 with a table of line numbers and nothing is stored', async () => {
    const before = await QuestionModel.countDocuments();
    const gift = `${validGift('a')}\n::IT-0992:: Which loss suits binary classification? { =Cross-entropy ~MSE ~Hinge\n~MAE\n\n::IT-0993:: Broken again } {=a ~b ~c ~d}\n`;
    const res = await request(app)
      .post('/bank/import')
      .set(session(author))
      .field('format', 'gift')
      .field('domain', 'intelligent-training')
      .field('level3', '3')
      .field('language', 'en')
      .attach('file', Buffer.from(gift), 'broken.gift')
      .expect(400);
    expect(res.text).toContain('文件中有 2 处错误，未导入任何试题。');
    const lines = [...res.text.matchAll(/<td class="line">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(lines).toEqual([3, 6]);
    expect(await QuestionModel.countDocuments()).toBe(before);
    expect(await QuestionModel.countDocuments({ code: 'IT-0991' })).toBe(0);
  });

  it('when a valid file is posted, then the questions are created with the default level and the result lists them', async () => {
    const res = await request(app)
      .post('/bank/import?lang=en')
      .set(session(author))
      .field('format', 'gift')
      .field('domain', 'intelligent-training')
      .field('level3', '3')
      .field('level2', '2')
      .field('language', 'en')
      .attach('file', Buffer.from(validGift('ok')), 'ok.gift')
      .expect(200);
    expect(res.text).toContain('Questions imported as drafts: 1.');
    expect(await QuestionModel.findOne({ code: 'IT-0991' }).lean()).toMatchObject({ status: 'draft', levels: [3, 2], stem: { en: expect.stringContaining('(ok)') } });
  });
});

describe('languages', () => {
  it('when no language is chosen, then the bank pages are in Chinese', async () => {
    const res = await request(app).get('/bank').set(session(author)).expect(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('<h1>题库</h1>');
    expect(res.text).toContain('新建试题');
    expect(res.text).toContain('智能训练');
    const editor = await request(app).get('/bank/questions/new').set(session(author)).expect(200);
    expect(editor.text).toContain('二级/技师');
    expect(editor.text).toContain('<script src="/assets/bank-editor.js" defer></script>');
  });

  it('when lang=en, then the bank pages are in English', async () => {
    const res = await request(app).get('/bank?lang=en').set(session(author)).expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('<h1>Question bank</h1>');
    expect(res.text).toContain('Review queue');
    expect(res.text).toContain('Intelligent training');
    expect(res.text).not.toContain('新建试题');
    const importPage = await request(app).get('/bank/import?lang=en').set(session(author)).expect(200);
    expect(importPage.text).toContain('Import questions');
    expect(importPage.text).toContain('<link rel="stylesheet" href="/assets/bank.css">');
  });
});
