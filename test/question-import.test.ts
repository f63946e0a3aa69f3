import request from 'supertest';
import { QuestionModel, QuestionVersionModel } from '../src/components/questions/question.model';
import { bearer, buildTestApp, createUser, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { sampleQuestion } from './helpers/questions';

useTestDatabase();
const { app } = buildTestApp();
let examiner: TestUser;

beforeAll(async () => {
  examiner = await createUser(app, ['examiner']);
});


function importText(format: string, body: string, query: Record<string, string> = {}) {
  return request(app)
    .post('/api/questions/import')
    .query({ format, ...query })
    .set(bearer(examiner))
    .set('Content-Type', 'text/plain; charset=utf-8')
    .send(body);
}

async function countAll() {
  return { questions: await QuestionModel.countDocuments(), versions: await QuestionVersionModel.countDocuments() };
}

const MOODLE_GIFT = String.raw`// Exported from a Moodle course: comments and categories must be accepted.
$CATEGORY: $course$/top/intelligent-training

// a single-choice question with a title and escaped characters
::Overfitting basics::[html]Which curve shape shows overfitting \{train vs. validation\}?{
  =Training loss falls while validation loss rises#Right.
  ~Both losses fall together
  ~Both losses rise together
  ~Validation loss falls faster than training loss
  ####When the curves diverge the model memorises noise\: a sign of overfitting.
}

// weighted options become a partial-credit multiple-choice question
Which are regularisation techniques?{
  ~%50%Dropout
  ~%50%L2 weight decay
  ~%-100%Increasing the learning rate
  ~%-100%Adding more layers
}

ReLU outputs zero for every negative input.{T}

Name the activation f(x) \= max(0, x).{=ReLU =修正线性单元}

What is 3 divided by 4?{#0.75:0.01}
`;

describe('importing files written for Moodle', () => {
  it('when a Moodle-style GIFT file with categories, comments and escapes is imported, then every question arrives as a draft', async () => {
    const res = await importText('gift', MOODLE_GIFT, { levels: '3,2,1', language: 'en' });
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 5, duplicates: [] });
    const stored = await QuestionModel.find({ code: { $in: res.body.codes } }).lean();
    expect(stored.every((q) => q.status === 'draft' && q.domain === 'intelligent-training')).toBe(true);
    const byType = Object.fromEntries(stored.map((q) => [q.type, q]));
    expect(byType.single?.stem.en).toBe('Which curve shape shows overfitting {train vs. validation}?');
    expect(byType.single?.explanation.en).toContain('noise: a sign');
    // Moodle's -100% on wrong options is not our default (-100/k), so the weights are kept as written.
    expect(byType.multiple?.options?.map((o) => [o.correct, o.weight])).toEqual([
      [true, 50],
      [true, 50],
      [false, -100],
      [false, -100],
    ]);
    expect(byType.truefalse?.answer).toBe(true);
    const fills = stored.filter((q) => q.type === 'fill');
    expect(fills.map((q) => q.accepted)).toEqual(expect.arrayContaining([['ReLU', '修正线性单元'], ['0.75']]));
  });

  it('when an Aiken file is imported with a default domain and levels, then it becomes single-choice drafts', async () => {
    const aiken = ['以下哪种标注类型用于实例分割？', 'A. 图像分类标签', 'B. 逐像素掩码并区分个体', 'C. 整图情感标签', 'D. 文本实体标签', 'ANSWER: B', ''].join('\n');
    const res = await importText('aiken', aiken, { domain: 'data-labeling', levels: '5,4', language: 'zh' }).expect(201);
    const [q] = await QuestionModel.find({ code: res.body.codes[0] }).lean();
    expect(q).toMatchObject({ type: 'single', domain: 'data-labeling', levels: [5, 4], status: 'draft' });
    expect(q?.options?.find((o) => o.correct)?.text.zh).toBe('逐像素掩码并区分个体');
  });

  it('when a Moodle XML export is imported, then its questions and tags arrive', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/system-ops</text></category></question>
  <question type="truefalse">
    <name><text>Q1</text></name>
    <questiontext format="html"><text><![CDATA[<p>A canary release sends a small share of traffic to the new version first.</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
    <tags><tag><text>deployment</text></tag><tag><text>ate-level-4</text></tag></tags>
  </question>
</quiz>`;
    const res = await request(app).post('/api/questions/import').query({ format: 'moodlexml', language: 'en' }).set(bearer(examiner)).set('Content-Type', 'application/xml').send(xml).expect(201);
    const [q] = await QuestionModel.find({ code: res.body.codes[0] }).lean();
    expect(q).toMatchObject({ type: 'truefalse', domain: 'system-ops', levels: [4], answer: true, tags: ['deployment'] });
  });

  it('when a CSV file is uploaded as multipart, then it is imported', async () => {
    const csv = 'type,domain,levels,stem_zh,stem_en,explanation_zh,explanation_en,correct\r\ntruefalse,ethics,5|4|3|2|1,"标注员可以把客户数据带回家处理。","Annotators may take client data home to work on it.","违反保密要求。","It breaks confidentiality.",false\r\n';
    const res = await request(app)
      .post('/api/questions/import')
      .set(bearer(examiner))
      .field('format', 'csv')
      .attach('file', Buffer.from(csv, 'utf8'), { filename: 'bank.csv', contentType: 'text/csv' })
      .expect(201);
    expect(res.body.created).toBe(1);
  });
});

describe('broken files change nothing', () => {
  it.each([
    ['gift', 'Good question?{T}\n\nBroken question {=a ~b\n\nAnother?{F}\n', 3, undefined],
    ['gift', 'Which pairs?{\n=cat -> 猫\n=dog -> 狗\n}\n', 1, undefined],
    ['aiken', 'Q1?\nA. one\nC. three\nANSWER: A\n', 3, undefined],
    ['moodlexml', '<quiz>\n<question type="truefalse">\n<name><text>x</text></name>\n</quiz>', 4, undefined],
    ['csv', 'type,domain,stem_en\ntruefalse,ethics,"unclosed\n', 2, undefined],
    ['json', '[\n  {"type": "single", "domain": "ethics", "levels": [3], "stem": {"en": "Fine?"}, "options": []},\n  {"type": "nonsense"}\n]', 2, 'options'],
  ])('when a %s file is broken (%#), then 400 import_invalid points at the line and nothing is stored', async (format, body, line, field) => {
    const before = await countAll();
    const res = await importText(format, body, { domain: 'ethics', levels: '3' }).expect(400);
    expect(res.body.error.code).toBe('import_invalid');
    const lines = res.body.error.details.errors.map((e: { line: number }) => e.line);
    expect(lines).toContain(line);
    if (field) expect(res.body.error.details.errors.map((e: { field?: string }) => e.field)).toContain(field);
    expect(await countAll()).toEqual(before);
  });

  it('when one question in an otherwise good file breaks its type rules, then nothing at all is imported', async () => {
    const before = await countAll();
    const good = sampleQuestion();
    const bad = sampleQuestion();
    bad.options.forEach((o) => (o.correct = true));
    const res = await importText('json', JSON.stringify([good, bad], null, 2)).expect(400);
    expect(res.body.error.details.errors).toEqual([expect.objectContaining({ line: expect.any(Number), field: 'options' })]);
    expect(await countAll()).toEqual(before);
  });

  it('when the upload is 50 MB, then 413 payload_too_large and nothing is stored', async () => {
    const before = await countAll();
    const res = await importText('json', 'x'.repeat(50 * 1024 * 1024)).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await countAll()).toEqual(before);
  });

  it('when the format is unknown or missing, then 400 naming format', async () => {
    const res = await importText('docx', 'anything').expect(400);
    expect(res.body.error.details[0].path).toBe('format');
  });

  it('when a candidate imports, then 403', async () => {
    const candidate = await createUser(app);
    await request(app).post('/api/questions/import').query({ format: 'json' }).set(bearer(candidate)).set('Content-Type', 'application/json').send('[]').expect(403);
  });
});

describe('duplicates', () => {
  it('when a file repeats a stem already in the bank or earlier in the file, then those are reported and skipped, never doubled', async () => {
    const existing = sampleQuestion();
    await request(app).post('/api/questions').set(bearer(examiner)).send(existing).expect(201);
    const fresh = sampleQuestion();
    const repeatOfExisting = { ...sampleQuestion(), stem: { zh: existing.stem.zh, en: existing.stem.en.toUpperCase() } };
    const repeatInFile = { ...sampleQuestion(), stem: fresh.stem };
    const res = await importText('json', JSON.stringify([fresh, repeatOfExisting, repeatInFile], null, 2)).expect(201);
    expect(res.body.created).toBe(1);
    expect(res.body.duplicates).toHaveLength(2);
    expect(await QuestionModel.countDocuments({ 'stem.en': fresh.stem.en })).toBe(1);
  });
});

describe('export and re-import', () => {
  it.each(['json', 'gift', 'moodlexml', 'csv'])('when %s export is re-imported into a bank without those questions, then the same questions come back', async (format) => {
    const tag = `roundtrip-${format}`;
    const originals = [
      sampleQuestion({ tags: [tag] }),
      { ...sampleQuestion({ tags: [tag] }), type: 'multiple', options: [
        { text: { zh: '丢弃法', en: 'Dropout' }, correct: true },
        { text: { zh: '权重衰减', en: 'Weight decay' }, correct: true },
        { text: { zh: '提高学习率', en: 'Raise the learning rate' }, correct: false },
        { text: { zh: '增加层数', en: 'Add layers' }, correct: false },
      ] },
      { ...sampleQuestion({ tags: [tag] }), type: 'truefalse', options: undefined, answer: false },
      { ...sampleQuestion({ tags: [tag] }), type: 'fill', options: undefined, accepted: ['0.75'], tolerance: 0.01 },
    ];
    for (const q of originals) await request(app).post('/api/questions').set(bearer(examiner)).send(q).expect(201);
    const before = await QuestionModel.find({ tags: tag }).sort({ code: 1 }).lean();
    const exported = await request(app).get('/api/questions/export').query({ format, tag }).set(bearer(examiner)).expect(200);
    expect(exported.headers['content-disposition']).toMatch(/^attachment; filename="?questions-\d{4}-\d{2}-\d{2}\.\w+"?$/);
    for (const q of before) await request(app).delete(`/api/questions/${q._id}`).set(bearer(examiner)).expect(204);
    const reimport = await importText(format, exported.text);
    expect(reimport.body.error).toBeUndefined();
    expect(reimport.status).toBe(201);
    const after = await QuestionModel.find({ tags: tag }).sort({ code: 1 }).lean();
    const content = (q: (typeof before)[number]) => ({
      code: q.code, type: q.type, domain: q.domain, levels: q.levels, difficulty: q.difficulty, knowledgePoint: q.knowledgePoint,
      tags: q.tags, stem: q.stem, explanation: q.explanation, options: q.options, answer: q.answer, accepted: q.accepted, tolerance: q.tolerance,
    });
    expect(after.map(content)).toEqual(before.map(content));
  });
});
