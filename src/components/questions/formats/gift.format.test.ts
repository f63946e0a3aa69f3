import fs from 'node:fs';
import path from 'node:path';
import type { ExportableQuestion, ImportDefaults, ImportIssue } from '../question.types';
import { giftFormat } from './gift.format';

const en: ImportDefaults = { language: 'en' };
const zh: ImportDefaults = { language: 'zh' };
const parse = (text: string, defaults = en) => giftFormat.parse(text, defaults);
const serialize = (questions: ExportableQuestion[]) => giftFormat.serialize!(questions);

/** The parts of an issue a test pins down: the line, and a piece of the message. */
const issue = (line: number, message: string) => expect.objectContaining({ line, message: expect.stringContaining(message) }) as ImportIssue;

describe('GIFT parse: one question at a time', () => {
  it.each([
    ['true/false with T', 'Is the sky blue?{T}', { type: 'truefalse', answer: true, stem: { en: 'Is the sky blue?' } }],
    ['true/false with FALSE and feedback', 'Grant is buried in the tomb.{FALSE#No.#Yes.}', { type: 'truefalse', answer: false, stem: { en: 'Grant is buried in the tomb.' } }],
    [
      'single choice, title and general feedback',
      '::IT-0100::Who is buried here?{~Grant ~Jefferson =no one####Nobody is buried.}',
      {
        code: 'IT-0100',
        type: 'single',
        stem: { en: 'Who is buried here?' },
        options: [
          { text: { en: 'Grant' }, correct: false },
          { text: { en: 'Jefferson' }, correct: false },
          { text: { en: 'no one' }, correct: true },
        ],
        explanation: { en: 'Nobody is buried.' },
      },
    ],
    [
      'multiple with the default weights: no weight kept',
      'Pick two.{~%50%a ~%50%b ~%-50%c ~%-50%d}',
      {
        type: 'multiple',
        stem: { en: 'Pick two.' },
        options: [
          { text: { en: 'a' }, correct: true },
          { text: { en: 'b' }, correct: true },
          { text: { en: 'c' }, correct: false },
          { text: { en: 'd' }, correct: false },
        ],
      },
    ],
    [
      'multiple with other weights: every weight kept',
      'Pick.{~%70%a ~%30%b ~c ~%-100%d}',
      {
        type: 'multiple',
        stem: { en: 'Pick.' },
        options: [
          { text: { en: 'a' }, correct: true, weight: 70 },
          { text: { en: 'b' }, correct: true, weight: 30 },
          { text: { en: 'c' }, correct: false, weight: 0 },
          { text: { en: 'd' }, correct: false, weight: -100 },
        ],
      },
    ],
    [
      'one positive weight is single',
      'One.{~%100%a ~%-100%b}',
      { type: 'single', stem: { en: 'One.' }, options: [{ text: { en: 'a' }, correct: true }, { text: { en: 'b' }, correct: false }] },
    ],
    [
      'an = answer makes it single, whatever the other weights',
      'One.{=a ~%50%b ~c}',
      { type: 'single', stem: { en: 'One.' }, options: [{ text: { en: 'a' }, correct: true }, { text: { en: 'b' }, correct: false }, { text: { en: 'c' }, correct: false }] },
    ],
    [
      'two = answers are multiple',
      'Two.{=a =b ~c}',
      { type: 'multiple', stem: { en: 'Two.' }, options: [{ text: { en: 'a' }, correct: true }, { text: { en: 'b' }, correct: true }, { text: { en: 'c' }, correct: false }] },
    ],
    ['short answer', 'Two plus two?{=four =4}', { type: 'fill', stem: { en: 'Two plus two?' }, accepted: ['four', '4'] }],
    ['short answer as Moodle exports it', 'Capital?{\n\t=%100%Paris#\n}', { type: 'fill', stem: { en: 'Capital?' }, accepted: ['Paris'] }],
    ['numeric with tolerance', 'Pi?{#3.14:0.01}', { type: 'fill', stem: { en: 'Pi?' }, accepted: ['3.14'], tolerance: 0.01 }],
    ['numeric without tolerance', 'Pi?{#3.14}', { type: 'fill', stem: { en: 'Pi?' }, accepted: ['3.14'] }],
    ['numeric range', 'Between?{#1..5}', { type: 'fill', stem: { en: 'Between?' }, accepted: ['3'], tolerance: 2 }],
    [
      'numeric as Moodle exports it',
      'Born?{#\n\t=%100%1822:0#\n\t~#Wrong\n}',
      { type: 'fill', stem: { en: 'Born?' }, accepted: ['1822'], tolerance: 0 },
    ],
    [
      'missing word: the stem goes on after the answers',
      'The {=harmonic} mean of P and R is F1.',
      { type: 'fill', stem: { en: 'The _____ mean of P and R is F1.' }, accepted: ['harmonic'] },
    ],
    [
      'escaped characters',
      '::Q\\:1::Is \\{x\\} \\= 1 \\~ \\# 2\\: yes\\\\no?\\nNext line {=x\\=1 ~y \\~ z}',
      {
        // A Moodle title that is not code-shaped is a name, not our code.
        type: 'single',
        stem: { en: 'Is {x} = 1 ~ # 2: yes\\no?\nNext line' },
        options: [{ text: { en: 'x=1' }, correct: true }, { text: { en: 'y ~ z' }, correct: false }],
      },
    ],
    ['format markers are dropped', '[html]Plain?{=[plain]yes ~no}', { type: 'single', stem: { en: 'Plain?' }, options: [{ text: { en: 'yes' }, correct: true }, { text: { en: 'no' }, correct: false }] }],
    [
      'multilang spans, escaped as our export writes them',
      '<span lang\\="zh_cn" class\\="multilang">天空是蓝的吗？</span><span lang\\="en" class\\="multilang">Is the sky blue?</span>{TRUE}',
      { type: 'truefalse', answer: true, stem: { zh: '天空是蓝的吗？', en: 'Is the sky blue?' } },
    ],
  ] as const)('%s', (_label, text, expected) => {
    const result = parse(text);
    expect(result.errors).toEqual([]);
    expect(result.questions).toEqual([{ line: 1, data: expected }]);
  });

  it('when the file is Chinese, then plain text goes to zh', () => {
    const result = parse('::IT-0200::F1 分数是精确率与召回率的______平均数。{=调和 =调和平均####F1 = 2PR/(P + R)。}', zh);
    expect(result.questions[0]?.data).toEqual({
      code: 'IT-0200',
      type: 'fill',
      stem: { zh: 'F1 分数是精确率与召回率的______平均数。' },
      accepted: ['调和', '调和平均'],
      explanation: { zh: 'F1 = 2PR/(P + R)。' },
    });
  });
});

describe('GIFT parse: a Moodle file', () => {
  const file = [
    '// Exported from Moodle', //                                                      1
    '// question: 0  name: Switch category to $course$/top/intelligent-training', //   2
    '$CATEGORY: $course$/top/intelligent-training', //                                 3
    '', //                                                                             4
    '// question: 101  name: IT-9001', //                                              5
    '::IT-9001::[html]Overfitting means fitting noise.{TRUE####It generalises poorly.}', // 6
    '', //                                                                             7
    '// @ate {"levels":[3,2,1],"difficulty":2,"knowledgePoint":"cross-validation","tags":["cv"]}', // 8
    '::IT-9002:: Which k gives leave-one-out CV? {', //                                9
    '\t=k \\= n #right', //                                                           10
    '\t~k \\= 1', //                                                                  11
    '\t~k \\= 10', //                                                                 12
    '}', //                                                                           13
    '', //                                                                            14
    '$CATEGORY: $course$/top/Misc', //                                                15
    '', //                                                                            16
    '::IT-9003::[markdown]Which are regularisation techniques? {', //                 17
    '\t~%50%L2 weight decay', //                                                      18
    '\t~%50%Dropout', //                                                              19
    '\t~%-50%More layers', //                                                         20
    '\t~%-50%A higher learning rate', //                                              21
    '\t####Both restrain the model.', //                                              22
    '}', //                                                                           23
    '', //                                                                            24
    '$CATEGORY: $course$/top/Misc', //                                                25
    '// @ate {"domain":"ethics"}', //                                                 26
    '::ET-9004::Other name of cross-entropy loss? {=log loss =%50%logistic}', //      27
    '', //                                                                            28
    '::IT-9005::AUC of a random classifier? {#0.5:0.01}', //                          29
  ].join('\r\n');
  const result = parse(file);

  it('reads every question with its line and category domain', () => {
    expect(result.errors).toEqual([]);
    expect(result.questions.map((q) => [q.line, q.data.code, q.data.type, q.data.domain])).toEqual([
      [6, 'IT-9001', 'truefalse', 'intelligent-training'],
      [9, 'IT-9002', 'single', 'intelligent-training'],
      [17, 'IT-9003', 'multiple', 'intelligent-training'],
      [27, 'ET-9004', 'fill', 'ethics'],
      [29, 'IT-9005', 'fill', 'intelligent-training'],
    ]);
  });

  it('merges the @ate metadata into the question after it', () => {
    expect(result.questions[1]?.data).toEqual({
      code: 'IT-9002',
      type: 'single',
      domain: 'intelligent-training',
      levels: [3, 2, 1],
      difficulty: 2,
      knowledgePoint: 'cross-validation',
      tags: ['cv'],
      stem: { en: 'Which k gives leave-one-out CV?' },
      options: [
        { text: { en: 'k = n' }, correct: true },
        { text: { en: 'k = 1' }, correct: false },
        { text: { en: 'k = 10' }, correct: false },
      ],
    });
  });

  it('takes the general feedback as the explanation', () => {
    expect(result.questions[0]?.data.explanation).toEqual({ en: 'It generalises poorly.' });
    expect(result.questions[2]?.data.explanation).toEqual({ en: 'Both restrain the model.' });
  });

  it('warns once about a category that is no domain, and about a dropped partial answer', () => {
    expect(result.warnings).toEqual([issue(15, 'category "$course$/top/Misc"'), issue(27, '"logistic" (50%) dropped')]);
    expect(result.questions[3]?.data.accepted).toEqual(['log loss']);
  });
});

describe('GIFT parse: broken files', () => {
  it.each([
    ['an unclosed brace', 'Fine {T}\n\n::B:: What is\nit? {\n=a\n~b\n\nFine {F}', [issue(4, "'{' is not closed")], 2],
    ['an unclosed brace running into the next question', 'A? {=a ~b\nB? {=c ~d}', [issue(1, "'{' is not closed before the next '{'")], 0],
    ['a stray closing brace', 'Fine {T}\n\nOops } {=a}', [issue(3, "'}' without a '{'")], 1],
    ['two answer blocks', 'A {=a ~b} and {=c ~d}', [issue(1, 'only one answer block')], 0],
    ['a matching question', 'Fine {T}\n\n// comment\n::M:: Match. {\n=Canada -> Ottawa\n=Italy -> Rome\n}', [issue(4, 'matching questions are not supported')], 1],
    ['an essay question', 'Write about it. {}', [issue(1, 'essay questions')], 0],
    ['a description', 'Just some text\nwith no answers', [issue(1, 'descriptions')], 0],
    ['bad @ate JSON', 'Fine {T}\n\n// @ate {"difficulty": 3,}\nQ {F}', [issue(3, '@ate metadata is not valid JSON')], 2],
    ['@ate that is no object', '// @ate [1, 2]\nQ {F}', [issue(1, 'must be a JSON object')], 1],
    ['a numeric answer that is no number', 'Pi? {#three}', [issue(1, '"three" is not a number')], 0],
    ['a numeric tolerance that is no number', 'Pi? {#3.14:abc}', [issue(1, 'is not a number')], 0],
    ['numeric answers with different tolerances', 'Pi? {#=3.14:0.01 =3.1416:0.001}', [issue(1, 'different tolerances')], 0],
    ['answers without = or ~', 'What? {yes}', [issue(1, "must start with '=' or '~'")], 0],
  ] as const)('%s', (_label, text, errors, questions) => {
    const result = parse(text);
    expect(result.errors).toEqual(errors);
    expect(result.questions).toHaveLength(questions);
  });

  it('field names the part of the question that is wrong', () => {
    expect(parse('M {=a -> b =c -> d}').errors[0]?.field).toBe('type');
    expect(parse('Pi? {#3.14:abc}').errors[0]?.field).toBe('accepted');
  });

  it.each([
    ['@ate not directly before a question', '// @ate {"difficulty":1}\n\nQ {T}', issue(1, 'not directly before a question')],
    ['@ate inside a question', 'Q {\n// @ate {"difficulty":1}\n=a ~b}', issue(2, 'inside a question')],
    ['an unknown @ate key', '// @ate {"difficulty":1,"colour":"red"}\nQ {T}', issue(1, '"colour" ignored')],
    ['a language that is neither zh nor en', '<span lang\\="fr" class\\="multilang">Bonjour</span><span lang\\="en" class\\="multilang">Hi</span> {T}', issue(1, '"fr" dropped')],
    ['partial credit in a single-choice question', 'Q {=a ~%50%b ~c}', issue(1, 'partial credit (50%) dropped')],
  ] as const)('warns about %s', (_label, text, warning) => {
    const result = parse(text);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([warning]);
  });

  it('never throws, whatever the input', () => {
    const sample = '// @ate {"tags":["a"]}\n::T\\::x::[html]Q \\{ {~%50%a#f ~%50%b =c ####g}\n\n$CATEGORY: x/ethics\n{#1..2:3}\n}{{';
    for (let i = 0; i <= sample.length; i++) {
      expect(() => parse(sample.slice(0, i))).not.toThrow();
      expect(() => parse(sample.slice(i))).not.toThrow();
    }
  });
});

describe('GIFT serialize', () => {
  const base = {
    domain: 'intelligent-training',
    levels: [3, 2, 1],
    difficulty: 3,
    knowledgePoint: 'overfitting',
    tags: ['overfitting'],
    version: 1,
  } as const;
  const question = (content: Partial<ExportableQuestion>): ExportableQuestion =>
    ({ ...base, levels: [...base.levels], tags: [...base.tags], stem: {}, explanation: {}, code: 'IT-0001', type: 'single', ...content }) as ExportableQuestion;

  it('writes metadata, title, escaped multilang text, answers and general feedback the way Moodle does', () => {
    const text = serialize([
      question({
        type: 'multiple',
        stem: { zh: '选出两项', en: 'Pick {two}' },
        options: [
          { id: 'a', text: { en: 'a = 1' }, correct: true },
          { id: 'b', text: { en: 'b' }, correct: true },
          { id: 'c', text: { en: 'c' }, correct: true },
          { id: 'd', text: { en: 'd' }, correct: false },
        ],
        explanation: { en: 'Because: reasons' },
      }),
      question({ code: 'IT-0002', type: 'truefalse', answer: false, stem: { en: 'No?' } }),
    ]);
    expect(text).toBe(
      [
        '// @ate {"domain":"intelligent-training","levels":[3,2,1],"difficulty":3,"knowledgePoint":"overfitting","tags":["overfitting"]}',
        '::IT-0001::[markdown]<span lang\\="zh_cn" class\\="multilang">选出两项</span><span lang\\="en" class\\="multilang">Pick \\{two\\}</span> {',
        '\t~%33.33333%<span lang\\="en" class\\="multilang">a \\= 1</span>',
        '\t~%33.33333%<span lang\\="en" class\\="multilang">b</span>',
        '\t~%33.33333%<span lang\\="en" class\\="multilang">c</span>',
        '\t~%-33.33333%<span lang\\="en" class\\="multilang">d</span>',
        '\t####<span lang\\="en" class\\="multilang">Because\\: reasons</span>',
        '}',
        '',
        '// @ate {"domain":"intelligent-training","levels":[3,2,1],"difficulty":3,"knowledgePoint":"overfitting","tags":["overfitting"]}',
        '::IT-0002::[markdown]<span lang\\="en" class\\="multilang">No?</span> {FALSE}',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['numeric fill', { accepted: ['3.14'], tolerance: 0.01 }, '{#3.14:0.01}'],
    ['numeric fill with several values', { accepted: ['0.6', '0.60'], tolerance: 0.01 }, '{#\n\t=0.6:0.01\n\t=0.60:0.01\n}'],
    ['text fill', { accepted: ['a=b', '甲'] }, '{\n\t=a\\=b\n\t=甲\n}'],
  ])('writes a %s', (_label, fields, answers) => {
    expect(serialize([question({ type: 'fill', stem: { en: 'Q' }, ...fields })])).toContain(`</span> ${answers}\n`);
  });

  /** What the service gets back: content without option ids. */
  const withoutIds = (q: ExportableQuestion) => {
    const { version: _version, ...content } = q;
    return content.options ? { ...content, options: content.options.map(({ id: _id, ...o }) => o) } : content;
  };

  it.each([
    ['special characters and line breaks', question({ stem: { zh: '公式：a{b}=c~d#e\\f', en: 'Line one\nLine two: `x = {1}`' }, options: [{ id: 'a', text: { zh: '甲', en: 'A' }, correct: true }, { id: 'b', text: { zh: '乙', en: 'B' }, correct: false }], explanation: { zh: '因为。', en: 'Because.' } })],
    ['one language only', question({ stem: { zh: '只有中文' }, options: [{ id: 'a', text: { zh: '是' }, correct: true }, { id: 'b', text: { zh: '否' }, correct: false }], explanation: { zh: '解析' } })],
    ['explicit weights', question({ type: 'multiple', stem: { en: 'W' }, options: [{ id: 'a', text: { en: 'a' }, correct: true, weight: 70 }, { id: 'b', text: { en: 'b' }, correct: true, weight: 30 }, { id: 'c', text: { en: 'c' }, correct: false, weight: -100 }], explanation: { en: 'E' } })],
    ['a fill with text answers', question({ type: 'fill', stem: { en: 'F' }, accepted: ['x = 1', 'TRUE', '#1'], explanation: { en: 'E' } })],
    ['a numeric fill without tolerance', question({ type: 'fill', stem: { en: 'N' }, accepted: ['42'], explanation: { en: 'E' } })],
  ])('round-trips %s', (_label, q) => {
    const result = parse(serialize([q]), zh);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.questions.map((p) => p.data)).toEqual([withoutIds(q)]);
  });

  it('round-trips every seed question (all four types, bilingual, with metadata)', () => {
    const dir = path.join(__dirname, '../../../../seed/questions');
    const seed = fs
      .readdirSync(dir)
      .flatMap((domain) => fs.readdirSync(path.join(dir, domain)).map((file) => path.join(dir, domain, file)))
      .flatMap((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Omit<ExportableQuestion, 'version'> & { reviewer?: string }>)
      // Who reviewed a question is bank metadata, not question content: exports do not carry it.
      .map(({ reviewer: _reviewer, ...q }) => q);
    expect(new Set(seed.map((q) => q.type))).toEqual(new Set(['single', 'multiple', 'truefalse', 'fill']));
    const exported: ExportableQuestion[] = seed.map((q) => ({
      ...q,
      version: 1,
      ...(q.options && { options: q.options.map((o, i) => ({ ...o, id: String.fromCharCode(97 + i) })) }),
    }));
    const result = parse(serialize(exported), en);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.questions.map((p) => p.data)).toEqual(seed);
  });
});
