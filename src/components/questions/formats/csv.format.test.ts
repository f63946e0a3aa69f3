import type { ExportableQuestion } from '../question.types';
import { csvFormat } from './csv.format';

const zh = { language: 'zh' } as const;

const HEADER =
  'code,type,domain,levels,difficulty,knowledgePoint,tags,stem_zh,stem_en,explanation_zh,explanation_en,' +
  'option_a_zh,option_a_en,option_b_zh,option_b_en,option_c_zh,option_c_en,option_d_zh,option_d_en,correct,accepted,tolerance';

/** One row from named cells, in HEADER's column order. */
function row(cells: Record<string, string>): string {
  return HEADER.split(',')
    .map((name) => cells[name] ?? '')
    .join(',');
}

describe('csvFormat.parse', () => {
  it('reads a file with quoted commas, quotes, newlines, Chinese text and a BOM', () => {
    const text =
      '\uFEFF' +
      [
        HEADER,
        row({
          code: 'IT-0042',
          type: 'single',
          domain: 'intelligent-training',
          levels: '3|2|1',
          difficulty: '3',
          knowledgePoint: 'overfitting',
          tags: 'overfitting|regularization',
          stem_zh: '"下列哪项最能说明""过拟合""，即：\n训练好、验证差？"',
          stem_en: '"Which sign shows ""overfitting"", i.e. good on training, bad on validation?"',
          explanation_zh: '验证误差上升。',
          explanation_en: 'Validation error rises.',
          option_a_zh: '训练误差低，验证误差高',
          option_a_en: '"Low train, high validation error"',
          option_b_zh: '两者都高',
          option_b_en: 'Both high',
          option_c_zh: '两者都低',
          option_c_en: 'Both low',
          option_d_zh: '无法判断',
          option_d_en: 'Cannot tell',
          correct: 'A',
        }),
        row({ type: 'multiple', stem_en: 'Pick two.', option_a_en: 'a', option_b_en: 'b', option_c_en: 'c', correct: 'A|C' }),
        row({ type: 'truefalse', stem_zh: '数据越多越好。', correct: '错' }),
        row({ type: 'fill', stem_en: 'pi?', accepted: '3.14|3.1416', tolerance: '0.01', levels: '5|x' }),
      ].join('\r\n') +
      '\r\n\r\n';
    const result = csvFormat.parse(text, zh);
    expect(result.errors).toEqual([]);
    expect(result.questions).toEqual([
      {
        line: 2,
        data: {
          code: 'IT-0042',
          type: 'single',
          domain: 'intelligent-training',
          levels: [3, 2, 1],
          difficulty: 3,
          knowledgePoint: 'overfitting',
          tags: ['overfitting', 'regularization'],
          stem: { zh: '下列哪项最能说明"过拟合"，即：\n训练好、验证差？', en: 'Which sign shows "overfitting", i.e. good on training, bad on validation?' },
          explanation: { zh: '验证误差上升。', en: 'Validation error rises.' },
          options: [
            { text: { zh: '训练误差低，验证误差高', en: 'Low train, high validation error' }, correct: true },
            { text: { zh: '两者都高', en: 'Both high' }, correct: false },
            { text: { zh: '两者都低', en: 'Both low' }, correct: false },
            { text: { zh: '无法判断', en: 'Cannot tell' }, correct: false },
          ],
        },
      },
      // The quoted newline in row 2 pushes this row to line 4.
      {
        line: 4,
        data: {
          type: 'multiple',
          stem: { en: 'Pick two.' },
          options: [
            { text: { en: 'a' }, correct: true },
            { text: { en: 'b' }, correct: false },
            { text: { en: 'c' }, correct: true },
          ],
        },
      },
      { line: 5, data: { type: 'truefalse', stem: { zh: '数据越多越好。' }, answer: false } },
      // "x" is passed through for the schema to report.
      { line: 6, data: { type: 'fill', stem: { en: 'pi?' }, levels: [5, 'x'], accepted: ['3.14', '3.1416'], tolerance: 0.01 } },
    ]);
  });

  it.each([
    ['true', true],
    ['T', true],
    ['对', true],
    ['正确', true],
    ['FALSE', false],
    ['f', false],
    ['错误', false],
  ])('reads truefalse "%s"', (word, answer) => {
    const parsed = csvFormat.parse(`type,stem,correct\ntruefalse,s,${word}\n`, zh);
    expect(parsed.questions[0]?.data.answer).toBe(answer);
  });

  it('puts language-neutral columns in the import language, with any header case and order', () => {
    const text = 'Correct,STEM,Type,option_a,option_b,Explanation,Weights\nB|A,题干,multiple,甲,乙,解析,50|50\n';
    expect(csvFormat.parse(text, zh)).toEqual({
      questions: [
        {
          line: 2,
          data: {
            type: 'multiple',
            stem: { zh: '题干' },
            explanation: { zh: '解析' },
            options: [
              { text: { zh: '甲' }, correct: true, weight: 50 },
              { text: { zh: '乙' }, correct: true, weight: 50 },
            ],
          },
        },
      ],
      errors: [],
      warnings: [],
    });
    expect(csvFormat.parse('stem,stem_en\nHi,Hello\n', { language: 'en' }).errors).toEqual([
      { line: 1, field: 'stem_en', message: 'column "stem_en" given twice' },
    ]);
  });

  it('reports an unknown column on line 1, naming it', () => {
    expect(csvFormat.parse('type,stem,answer_key\nsingle,s,A\n', zh)).toEqual({
      questions: [],
      errors: [{ line: 1, field: 'answer_key', message: 'unknown column "answer_key"' }],
      warnings: [],
    });
  });

  it('reports a gap in the options with the row line and the column', () => {
    const text = 'type,stem_en,option_a_en,option_b_en,option_c_en,option_d_en,correct\nsingle,"two\nlines",a,b,,d,A\n';
    expect(csvFormat.parse(text, zh).errors).toEqual([{ line: 2, field: 'option_c', message: 'option C is empty but a later option is not' }]);
  });

  it('reports a bad correct cell with the line of its row', () => {
    const text = [
      'type,stem,option_a,option_b,correct',
      'single,"multi',
      'line",a,b,C',
      'truefalse,s,,,maybe',
      'multiple,s,a,b,A|?',
    ].join('\n');
    expect(csvFormat.parse(text, zh).errors).toEqual([
      { line: 2, field: 'correct', message: '"C" is not one of the options (A–B)' },
      { line: 4, field: 'correct', message: '"maybe" is not true or false (T/F, 对/错, 正确/错误)' },
      { line: 5, field: 'correct', message: '"?" is not one of the options (A–B)' },
    ]);
  });

  it('reports weights that do not match the options', () => {
    const text = 'type,stem,option_a,option_b,correct,weights\nmultiple,s,a,b,A|B,50|50|-100\n';
    expect(csvFormat.parse(text, zh).errors).toEqual([{ line: 2, field: 'weights', message: '3 weights for 2 options' }]);
  });

  it('reports an unclosed quote on the line where it opens', () => {
    const text = 'type,stem\nfill,ok\nfill,"never closed\nand more\n';
    expect(csvFormat.parse(text, zh).errors).toEqual([{ line: 3, message: expect.stringContaining('unclosed quote') }]);
  });

  it('reports text after a closing quote and values under no header', () => {
    expect(csvFormat.parse('type,stem\nfill,"a"b\n', zh).errors).toEqual([{ line: 2, message: expect.stringContaining('closing quote') }]);
    expect(csvFormat.parse('type,stem\nfill,a,extra\n', zh).errors).toEqual([{ line: 2, message: 'a value in column 3, which has no header' }]);
  });

  it('reports an empty file, and ignores blank and empty rows', () => {
    expect(csvFormat.parse('', zh).errors).toEqual([{ line: 1, message: expect.stringContaining('header') }]);
    expect(csvFormat.parse('type,stem\n\nfill,a\n,\n\n', zh).questions).toEqual([{ line: 3, data: { type: 'fill', stem: { zh: 'a' } } }]);
  });

  it('warns that correct means nothing for a fill question', () => {
    expect(csvFormat.parse('type,stem,correct,accepted\nfill,s,A,x\n', zh).warnings).toEqual([
      { line: 2, field: 'correct', message: expect.stringContaining('accepted') },
    ]);
  });
});

describe('csvFormat.serialize', () => {
  const base: Pick<ExportableQuestion, 'domain' | 'levels' | 'difficulty' | 'knowledgePoint' | 'tags' | 'usage' | 'version'> = {
    domain: 'intelligent-training',
    levels: [3, 2, 1],
    difficulty: 3,
    knowledgePoint: 'overfitting',
    tags: ['overfitting', 'regularization'],
    usage: 'practice',
    version: 2,
  };
  const options = (texts: [string, string][], correct: number[], weights?: number[]) =>
    texts.map(([zhText, en], i) => ({
      id: String.fromCharCode(97 + i),
      text: { zh: zhText, en },
      correct: correct.includes(i),
      ...(weights && { weight: weights[i] }),
    }));
  const questions: ExportableQuestion[] = [
    {
      ...base,
      code: 'IT-0042',
      type: 'single',
      stem: { zh: '下列哪项说明模型"过拟合"，即：\n训练好、验证差？', en: 'Which, of these, shows "overfitting"?' },
      explanation: { zh: '验证误差上升。', en: 'Validation error rises.' },
      options: options(
        [
          ['训练误差低，验证误差高', 'Low train, high validation'],
          ['两者都高', 'Both high'],
          ['两者都低', 'Both low'],
          ['无法判断', 'Cannot tell'],
          ['以上都不是', 'None of these'],
        ],
        [0],
      ),
    },
    {
      ...base,
      code: 'IT-0043',
      type: 'multiple',
      stem: { zh: '哪些可缓解过拟合？', en: 'Which reduce overfitting?' },
      explanation: { zh: '正则化与早停。', en: 'Regularization, early stopping.' },
      options: options(
        [
          ['L2 正则化', 'L2'],
          ['早停', 'Early stopping'],
          ['增加层数', 'More layers'],
          ['去掉验证集', 'No validation set'],
        ],
        [0, 1],
        [60, 40, 0, -100],
      ),
    },
    {
      ...base,
      domain: 'ethics',
      code: 'ET-0001',
      type: 'truefalse',
      stem: { zh: '匿名化数据无法被重新识别。', en: 'Anonymized data cannot be re-identified.' },
      explanation: { zh: '链接攻击。', en: 'Linkage attacks.' },
      answer: false,
    },
    {
      ...base,
      code: 'IT-0044',
      type: 'fill',
      stem: { zh: '0.1 + 0.2 约等于？', en: '0.1 + 0.2 is about?' },
      explanation: { zh: '约 0.3。', en: 'About 0.3.' },
      accepted: ['0.3', '三分之一弱'],
      tolerance: 0.01,
    },
  ];
  const csv = csvFormat.serialize!(questions);

  it('round-trips every type, bilingual text with commas, quotes and newlines, metadata and code', () => {
    const parsed = csvFormat.parse(csv, zh);
    expect(parsed.errors).toEqual([]);
    expect(parsed.questions.map((q) => q.data)).toEqual(
      questions.map(({ version: _version, options: opts, ...q }) => ({
        ...q,
        ...(opts && { options: opts.map(({ id: _id, ...o }) => o) }),
      })),
    );
    // The single question's quoted newline makes the next row start a line later.
    expect(parsed.questions.map((q) => q.line)).toEqual([2, 4, 5, 6]);
  });

  it('writes a BOM, CRLF line ends, every cell quoted, the documented header and option letters', () => {
    expect(csv.startsWith('\uFEFF"code","type","domain","levels","difficulty","knowledgePoint","tags","usage","enemyGroup","stem_zh","stem_en","explanation_zh","explanation_en","option_a_zh",')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/,"option_e_en","correct","accepted","tolerance","weights"$/);
    expect(lines[1]).toMatch(/^"IT-0042","single","intelligent-training","3\|2\|1","3","overfitting","overfitting\|regularization","practice","","下列哪项说明模型""过拟合""，即：\n/);
    expect(csv).toContain(',"A|B","","","60|40|0|-100"\r\n');
    expect(csv).toContain(',"false","","",""\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('leaves the weights column out when no question has weights', () => {
    const header = csvFormat.serialize!([questions[0]!]).split('\r\n')[0];
    expect(header).toMatch(/,"correct","accepted","tolerance"$/);
  });
});

describe('CSV injection', () => {
  it('when a text starts with a formula character, then the export neutralises it and the import restores it', () => {
    const question = {
      code: 'IT-0999',
      version: 1,
      type: 'single' as const,
      domain: 'intelligent-training' as const,
      levels: [3 as const],
      difficulty: 3 as const,
      knowledgePoint: 'x',
      tags: ['x'],
      usage: 'practice' as const,
      stem: { en: '=HYPERLINK("http://evil.example","click")' },
      explanation: { en: '-1 is the answer' },
      options: ['+1', '-1', '@SUM(A1)', "'quoted", '＝1+1'].map((t, i) => ({ id: 'abcde'[i]!, text: { en: t }, correct: i === 1 })),
    };
    const csv = csvFormat.serialize!([question]);
    expect(csv).not.toMatch(/(^|,)"?[=+\-@]/m);
    const back = csvFormat.parse(csv, { language: 'en' });
    expect(back.errors).toEqual([]);
    expect(back.questions[0]?.data.stem).toEqual(question.stem);
    expect((back.questions[0]?.data.options as Array<{ text: unknown }>).map((o) => o.text)).toEqual(question.options.map((o) => o.text));
  });
});
