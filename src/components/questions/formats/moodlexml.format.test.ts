import type { ExportableQuestion } from '../question.types';
import { moodleXmlFormat } from './moodlexml.format';

const en = { language: 'en' } as const;

/** Shaped like a Moodle 4.x question bank export (HTML editor output, feedback blocks, comments). */
const MOODLE_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for AI Trainer/intelligent-training</text>
    </category>
    <info format="moodle_auto_format">
      <text></text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>IT-0101</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr" style="text-align: left;"><span lang="zh_cn" class="multilang">下列哪种方法<strong>最</strong>能缓解过拟合？</span><span lang="en" class="multilang">Which method <strong>best</strong> reduces overfitting?</span></p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Regularization penalizes complexity.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>IT-0101</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Your answer is correct.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Your answer is partially correct.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Your answer is incorrect.</text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>L2 regularization</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>More epochs</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>A bigger model</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>Fewer training examples</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <tags>
      <tag><text>overfitting</text>
</tag>
      <tag><text>ate-level-3</text>
</tag>
      <tag><text>ate-level-2</text>
</tag>
      <tag><text>ate-difficulty-2</text>
</tag>
      <tag><text>ate-kp-regularization</text>
</tag>
    </tags>
  </question>

<!-- question: 102  -->
  <question type="multichoice">
    <name>
      <text>Metrics for imbalance</text>
    </name>
    <questiontext format="html">
      <text>&lt;p&gt;Which metrics suit &amp;lt;imbalanced&amp;gt; classes &amp;amp; why?&lt;/p&gt;</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <idnumber></idnumber>
    <single>false</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="50" format="html">
      <text>&lt;p&gt;F1&lt;/p&gt;</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="-50" format="html">
      <text>&lt;p&gt;Accuracy&lt;/p&gt;</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="50" format="html">
      <text>&lt;p&gt;PR-AUC&lt;/p&gt;</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="-50" format="html">
      <text>&lt;p&gt;Error rate&lt;/p&gt;</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>

<!-- question: 103  -->
  <question type="multichoice">
    <name>
      <text>Partial credit</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Pick the supervised methods.</text>
    </questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>SVM</text></answer>
    <answer fraction="33.33333"><text>Logistic regression</text></answer>
    <answer fraction="33.33333"><text>Random forest</text></answer>
    <answer fraction="0"><text>K-means</text></answer>
  </question>

<!-- question: 104  -->
  <question type="truefalse">
    <name>
      <text>Dropout</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Dropout is only active during training.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for AI Trainer/data-processing</text>
    </category>
  </question>

<!-- question: 105  -->
  <question type="shortanswer">
    <name>
      <text>Abbreviation</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>What does <code>ETL</code> stand for?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <idnumber></idnumber>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>extract, transform, load</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>抽取、转换、加载</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>extract load</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>

<!-- question: 106  -->
  <question type="numerical">
    <name>
      <text>Pi</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>π to two decimals?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>3.14</text>
      <feedback format="html"><text></text></feedback>
      <tolerance>0.005</tolerance>
    </answer>
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
  </question>

<!-- question: 107  -->
  <question type="description">
    <name>
      <text>Read this first</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>The next questions are about pipelines.</p>]]></text>
    </questiontext>
  </question>

</quiz>
`;

/** 1-based line of the nth occurrence of `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let index = -1;
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1);
  return text.slice(0, index).split('\n').length;
}

describe('moodleXmlFormat.parse', () => {
  const result = moodleXmlFormat.parse(MOODLE_EXPORT, en);
  const byLine = (line: number) => result.questions.find((q) => q.line === line)?.data;

  it('reads every supported question of a Moodle export, without errors', () => {
    expect(result.errors).toEqual([]);
    expect(result.questions.map((q) => q.data.type)).toEqual(['single', 'multiple', 'multiple', 'truefalse', 'fill', 'fill']);
  });

  it('gives each question the line its <question> element starts on', () => {
    expect(result.questions.map((q) => q.line)).toEqual([
      lineOf(MOODLE_EXPORT, '<question type="multichoice">', 1),
      lineOf(MOODLE_EXPORT, '<question type="multichoice">', 2),
      lineOf(MOODLE_EXPORT, '<question type="multichoice">', 3),
      lineOf(MOODLE_EXPORT, '<question type="truefalse">'),
      lineOf(MOODLE_EXPORT, '<question type="shortanswer">'),
      lineOf(MOODLE_EXPORT, '<question type="numerical">'),
    ]);
  });

  it('reads a single-choice question: multilang HTML, metadata tags, the category as domain', () => {
    expect(byLine(lineOf(MOODLE_EXPORT, '<question type="multichoice">'))).toEqual({
      type: 'single',
      code: 'IT-0101',
      domain: 'intelligent-training',
      levels: [3, 2],
      difficulty: 2,
      knowledgePoint: 'regularization',
      tags: ['overfitting'],
      stem: { zh: '下列哪种方法**最**能缓解过拟合？', en: 'Which method **best** reduces overfitting?' },
      explanation: { en: 'Regularization penalizes complexity.' },
      options: [
        { text: { en: 'L2 regularization' }, correct: true },
        { text: { en: 'More epochs' }, correct: false },
        { text: { en: 'A bigger model' }, correct: false },
        { text: { en: 'Fewer training examples' }, correct: false },
      ],
    });
  });

  it('decodes HTML-escaped text once per layer and drops the default weight pattern', () => {
    const data = byLine(lineOf(MOODLE_EXPORT, '<question type="multichoice">', 2))!;
    expect(data.stem).toEqual({ en: 'Which metrics suit <imbalanced> classes & why?' });
    // A title as <name> is not one of our codes: the service assigns one.
    expect(data.code).toBeUndefined();
    expect(data.options).toEqual([
      { text: { en: 'F1' }, correct: true },
      { text: { en: 'Accuracy' }, correct: false },
      { text: { en: 'PR-AUC' }, correct: true },
      { text: { en: 'Error rate' }, correct: false },
    ]);
  });

  it('keeps fractions as weights when they are not the default pattern', () => {
    const data = byLine(lineOf(MOODLE_EXPORT, '<question type="multichoice">', 3))!;
    expect(data.stem).toEqual({ en: 'Pick the supervised methods.' });
    expect(data.options).toEqual([
      { text: { en: 'SVM' }, correct: true, weight: 33.33333 },
      { text: { en: 'Logistic regression' }, correct: true, weight: 33.33333 },
      { text: { en: 'Random forest' }, correct: true, weight: 33.33333 },
      { text: { en: 'K-means' }, correct: false, weight: 0 },
    ]);
  });

  it('reads true/false, short answer and numerical questions', () => {
    expect(byLine(lineOf(MOODLE_EXPORT, '<question type="truefalse">'))).toMatchObject({
      type: 'truefalse',
      answer: true,
      domain: 'intelligent-training',
      stem: { en: 'Dropout is only active during training.' },
    });
    expect(byLine(lineOf(MOODLE_EXPORT, '<question type="shortanswer">'))).toEqual({
      type: 'fill',
      domain: 'data-processing',
      stem: { en: 'What does `ETL` stand for?' },
      accepted: ['extract, transform, load', '抽取、转换、加载'],
    });
    expect(byLine(lineOf(MOODLE_EXPORT, '<question type="numerical">'))).toEqual({
      type: 'fill',
      domain: 'data-processing',
      stem: { en: 'π to two decimals?' },
      accepted: ['3.14'],
      tolerance: 0.005,
    });
  });

  it('warns about what it dropped: a non-domain category, a partial-credit short answer, a description', () => {
    const messages = result.warnings.map((w) => [w.line, w.message]);
    expect(messages).toEqual(
      expect.arrayContaining([
        [lineOf(MOODLE_EXPORT, '<question type="shortanswer">'), expect.stringContaining('"extract load" (50%) dropped')],
        [lineOf(MOODLE_EXPORT, '<question type="description">'), expect.stringContaining('skipped')],
      ]),
    );
    expect(result.warnings.some((w) => w.field === 'domain')).toBe(false);
    const other = moodleXmlFormat.parse(
      '<quiz><question type="category"><category><text>$course$/top/Misc</text></category></question>' +
        '<question type="category"><category><text>$course$/top/Other</text></category></question></quiz>',
      en,
    );
    expect(other.warnings).toEqual([expect.objectContaining({ line: 1, field: 'domain', message: expect.stringContaining('$course$/top/Misc') })]);
  });

  it('puts text without multilang markup in the default language, and reads Chinese', () => {
    const xml = `<quiz>
  <question type="truefalse">
    <name><text>FD-0007</text></name>
    <questiontext format="plain_text"><text>训练集和测试集应来自同一分布。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
</quiz>`;
    expect(moodleXmlFormat.parse(xml, { language: 'zh' })).toEqual({
      questions: [{ line: 2, data: { type: 'truefalse', code: 'FD-0007', stem: { zh: '训练集和测试集应来自同一分布。' }, answer: false } }],
      errors: [],
      warnings: [],
    });
  });

  it('reports malformed XML once, with the line the validator gives', () => {
    const xml = '<?xml version="1.0"?>\n<quiz>\n  <question type="truefalse">\n    <name><text>x</name>\n  </question>\n</quiz>\n';
    const parsed = moodleXmlFormat.parse(xml, en);
    expect(parsed.questions).toEqual([]);
    expect(parsed.errors).toEqual([{ line: 4, message: expect.stringMatching(/^malformed XML: /) }]);
  });

  it('reports an unsupported type with its line and still reads the rest', () => {
    const xml = `<?xml version="1.0"?>
<quiz>
  <!-- <question type="essay"> in a comment is not a question -->
  <question type="matching">
    <name><text>Match</text></name>
    <questiontext format="html"><text><![CDATA[<question type="x">]]></text></questiontext>
  </question>
  <question type="truefalse">
    <answer fraction="100"><text>true</text></answer>
  </question>
  <question type="cloze"><name><text>c</text></name></question>
</quiz>`;
    const parsed = moodleXmlFormat.parse(xml, en);
    expect(parsed.errors).toEqual([
      { line: 4, field: 'type', message: 'question type "matching" is not supported' },
      { line: 11, field: 'type', message: 'question type "cloze" is not supported' },
    ]);
    expect(parsed.questions).toEqual([{ line: 8, data: { type: 'truefalse', answer: true } }]);
  });

  it('reports a file that is not a Moodle quiz, and never throws', () => {
    expect(moodleXmlFormat.parse('<questions/>', en).errors).toEqual([{ line: 1, message: expect.stringContaining('<quiz>') }]);
    expect(moodleXmlFormat.parse('', en).errors).toHaveLength(1);
    expect(moodleXmlFormat.parse('<quiz><question type="truefalse"/></quiz>', en).errors).toEqual([
      { line: 1, field: 'answer', message: expect.any(String) },
    ]);
  });
});

describe('moodleXmlFormat.serialize', () => {
  const base: Pick<ExportableQuestion, 'domain' | 'levels' | 'difficulty' | 'knowledgePoint' | 'tags' | 'usage' | 'version'> = {
    domain: 'intelligent-training',
    levels: [3, 2, 1],
    difficulty: 3,
    knowledgePoint: 'overfitting',
    tags: ['overfitting', 'regularization'],
    usage: 'practice',
    version: 1,
  };
  const questions: ExportableQuestion[] = [
    {
      ...base,
      code: 'IT-0042',
      type: 'single',
      stem: { zh: '下列哪项最能说明模型**过拟合**？', en: 'Which sign best shows **overfitting**?' },
      explanation: { zh: '训练误差低而验证误差高。', en: 'Low training error, high validation error.' },
      options: [
        { id: 'a', text: { zh: '训练误差低、验证误差高', en: 'Low train, high validation error' }, correct: true },
        { id: 'b', text: { zh: '两者都高', en: 'Both high' }, correct: false },
        { id: 'c', text: { zh: '两者都低', en: 'Both low' }, correct: false },
        { id: 'd', text: { zh: '数据含有 `]]>` 与 <标签> & 符号', en: 'Data has `]]>`, <tags> & signs' }, correct: false },
      ],
    },
    {
      ...base,
      code: 'IT-0043',
      type: 'multiple',
      difficulty: 4,
      stem: { zh: '哪些方法可缓解过拟合？', en: 'Which reduce overfitting?' },
      explanation: { zh: '正则化与早停。', en: 'Regularization and early stopping.' },
      options: [
        { id: 'a', text: { zh: 'L2 正则化', en: 'L2 regularization' }, correct: true },
        { id: 'b', text: { zh: '早停', en: 'Early stopping' }, correct: true },
        { id: 'c', text: { zh: '增加层数', en: 'More layers' }, correct: false },
        { id: 'd', text: { zh: '去掉验证集', en: 'Drop the validation set' }, correct: false },
      ],
    },
    {
      ...base,
      code: 'IT-0044',
      type: 'multiple',
      stem: { zh: '选出监督学习方法。', en: 'Pick the supervised methods.' },
      explanation: { zh: '聚类是无监督的。', en: 'Clustering is unsupervised.' },
      options: [
        { id: 'a', text: { zh: '支持向量机', en: 'SVM' }, correct: true, weight: 60 },
        { id: 'b', text: { zh: '逻辑回归', en: 'Logistic regression' }, correct: true, weight: 40 },
        { id: 'c', text: { zh: 'K 均值', en: 'K-means' }, correct: false, weight: 0 },
        { id: 'd', text: { zh: 'DBSCAN', en: 'DBSCAN' }, correct: false, weight: -100 },
      ],
    },
    {
      ...base,
      domain: 'ethics',
      levels: [5, 4, 3, 2, 1],
      code: 'ET-0001',
      type: 'truefalse',
      knowledgePoint: 'privacy',
      tags: ['privacy'],
      stem: { zh: '匿名化数据永远无法被重新识别。', en: 'Anonymized data can never be re-identified.' },
      explanation: { zh: '链接攻击可以重新识别。', en: 'Linkage attacks can re-identify people.' },
      answer: false,
    },
    {
      ...base,
      domain: 'ethics',
      code: 'ET-0002',
      type: 'fill',
      stem: { zh: '欧盟的数据保护条例简称是？', en: 'The EU data protection regulation is abbreviated as?' },
      explanation: { zh: 'GDPR。', en: 'GDPR.' },
      accepted: ['GDPR', '通用数据保护条例', 'a*b'],
    },
    {
      ...base,
      code: 'IT-0045',
      type: 'fill',
      stem: { zh: '0.1 + 0.2 约等于？', en: '0.1 + 0.2 is about?' },
      explanation: { zh: '约 0.3。', en: 'About 0.3.' },
      accepted: ['0.3'],
      tolerance: 0.01,
    },
  ];
  const xml = moodleXmlFormat.serialize!(questions);

  it('round-trips every type, bilingual text, metadata and code', () => {
    const parsed = moodleXmlFormat.parse(xml, { language: 'en' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.questions.map((q) => q.data)).toEqual(
      questions.map(({ version: _version, options, ...q }) => ({
        ...q,
        ...(options && { options: options.map(({ id: _id, ...o }) => o) }),
      })),
    );
  });

  it('writes what Moodle imports: a category per run of one domain, markdown text, default fractions', () => {
    expect(xml.match(/<category>\s*<text>[^<]*<\/text>/g)?.map((c) => c.replace(/\s+/g, ' '))).toEqual([
      '<category> <text>$course$/top/intelligent-training</text>',
      '<category> <text>$course$/top/ethics</text>',
      '<category> <text>$course$/top/intelligent-training</text>',
    ]);
    expect(xml).toContain('<questiontext format="markdown">\n      <text><![CDATA[<span lang="zh_cn" class="multilang">下列哪项');
    expect(xml).toContain('<idnumber>IT-0042</idnumber>');
    expect(xml).toContain('<single>false</single>');
    expect(xml).toContain('<answer fraction="50" format="markdown">');
    expect(xml).toContain('<answer fraction="-50" format="markdown">');
    expect(xml).toContain('<tolerance>0.01</tolerance>');
    expect(xml).toContain('<text>ate-kp-overfitting</text>');
    expect(xml).toContain('<![CDATA[a\\*b]]>');
  });
});
