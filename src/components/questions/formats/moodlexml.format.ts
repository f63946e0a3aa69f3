// Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): files exported by Moodle's question bank, and
// files Moodle can import. Bilingual text travels as multilang spans; our metadata travels as ate-* tags so
// that it survives a trip through a Moodle site.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  DOMAINS,
  type ExportableQuestion,
  type ImportDefaults,
  type ImportIssue,
  type LocalizedText,
  type ParsedQuestion,
  type ParseResult,
  type QuestionFormat,
} from '../question.types';
import { QUESTION_CODE } from '../question.schemas';
import { joinMultilang, splitMultilang } from './multilang';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // "1.0000000" must stay a string: we decide what is a number, and text like "007" must survive.
  parseTagValue: false,
  parseAttributeValue: false,
  // Decodes numeric character references (&#20320;), which some non-Moodle tools write.
  htmlEntities: true,
  // The only reliable way to get element positions (for line numbers) out of fast-xml-parser.
  captureMetaData: true,
  isArray: (name) => name === 'question' || name === 'answer' || name === 'tag' || name === 'unit',
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Text-only items in a quiz: nothing to import, so they are skipped with a warning instead of failing it. */
const SKIPPED = new Set(['description']);
const METADATA_TAG = /^ate-(level|difficulty|kp|domain|usage|enemy)-(.+)$/i;
/** Tags whose content htmlToMarkdown keeps as plain text without comment (layout only). */
const LAYOUT_TAGS = /^(p|div|span|h[1-6]|ul|ol|li|br|strong|b|em|i|code)$/i;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): XmlNode[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (isNode(v) ? v : { '#text': v }));
}

/** The text of an element, whether the parser gave a string, a number or {#text, @_attr}. */
function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isNode(value)) return str(value['#text']);
  return '';
}

/** The <text> child of an element like <name>, <questiontext>, <answer>. */
function textOf(node: unknown): string {
  return isNode(node) ? str(node.text) : '';
}

/** Numbers when they look numeric, else the raw string so the schema reports it. */
function num(raw: string): number | string {
  const value = raw.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : value;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Moodle's HTML editor output as our Markdown subset: paragraphs, line breaks, emphasis, inline code and
 * lists survive; other markup (images, tables, styles) is reported and removed.
 */
function htmlToMarkdown(html: string, onDropped: (tag: string) => void): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|ul|ol)\s*>/gi, '\n\n')
    .replace(/<li(\s[^>]*)?>/gi, '- ')
    .replace(/<\/li\s*>/gi, '\n')
    .replace(/<\/?(strong|b)(\s[^>]*)?>/gi, '**')
    .replace(/<\/?(em|i)(\s[^>]*)?>/gi, '*')
    .replace(/<\/?code(\s[^>]*)?>/gi, '`')
    .replace(/<\/?([a-z][\w-]*)[^>]*>/gi, (_tag, name: string) => {
      if (!LAYOUT_TAGS.test(name)) onDropped(name.toLowerCase());
      return '';
    });
  return decodeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** State shared by the questions of one file. */
interface Reader {
  defaults: ImportDefaults;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  domain?: string;
  warnedCategory: boolean;
}

/** Text of a <questiontext>, <generalfeedback> or <answer> as {zh, en}, HTML turned into Markdown. */
function localized(reader: Reader, node: unknown, line: number, field: string): LocalizedText {
  const raw = textOf(node);
  const html = isNode(node) && str(node['@_format']).toLowerCase() === 'html';
  const dropped = new Set<string>();
  const split = splitMultilang(raw, reader.defaults.language, (code) =>
    reader.warnings.push({ line, field, message: `text in language "${code}" dropped` }),
  );
  const out: LocalizedText = {};
  for (const language of ['zh', 'en'] as const) {
    const value = split[language];
    if (value === undefined) continue;
    const text = html ? htmlToMarkdown(value, (tag) => dropped.add(tag)) : value;
    if (text) out[language] = text;
  }
  if (dropped.size > 0) {
    const tags = [...dropped].map((t) => `<${t}>`).join(', ');
    reader.warnings.push({ line, field, message: `unsupported HTML removed: ${tags}` });
  }
  return out;
}

function readCategory(reader: Reader, question: XmlNode, line: number): void {
  const path = textOf(question.category).trim();
  const last = path.split('/').filter(Boolean).pop() ?? '';
  if ((DOMAINS as readonly string[]).includes(last)) {
    reader.domain = last;
    return;
  }
  // A category that is not a domain ends the previous domain's run: its questions are not in that domain.
  reader.domain = undefined;
  if (!reader.warnedCategory) {
    reader.warnedCategory = true;
    reader.warnings.push({
      line,
      field: 'domain',
      message: `category "${path}" does not end in a domain key; its questions get the import's domain (later such categories are not reported)`,
    });
  }
}

function readTags(question: XmlNode, data: Record<string, unknown>): void {
  const tags: string[] = [];
  const levels: unknown[] = [];
  for (const tag of asArray(isNode(question.tags) ? question.tags.tag : undefined)) {
    const value = textOf(tag).trim();
    const meta = METADATA_TAG.exec(value);
    const kind = meta?.[1]?.toLowerCase();
    const key = meta?.[2] ?? '';
    if (kind === 'level') levels.push(num(key));
    else if (kind === 'difficulty') data.difficulty = num(key);
    else if (kind === 'kp') data.knowledgePoint = key;
    else if (kind === 'domain') data.domain = key;
    else if (kind === 'usage') data.usage = key;
    else if (kind === 'enemy') data.enemyGroup = key;
    else if (value) tags.push(value);
  }
  if (levels.length > 0) data.levels = levels;
  if (tags.length > 0) data.tags = tags;
}

interface Answer {
  node: XmlNode;
  fraction: number;
  field: string;
}

function readAnswers(reader: Reader, question: XmlNode, line: number, field: (i: number) => string): Answer[] {
  return asArray(question.answer).map((node, i) => {
    const raw = str(node['@_fraction']);
    const fraction = raw.trim() === '' ? 0 : Number(raw);
    if (!Number.isFinite(fraction)) {
      reader.errors.push({ line, field: field(i), message: `answer fraction "${raw}" is not a number` });
    }
    if (textOf(node.feedback).trim()) {
      reader.warnings.push({ line, field: field(i), message: 'answer feedback dropped (not supported)' });
    }
    return { node, fraction, field: field(i) };
  });
}

const close = (a: number, b: number) => Math.abs(a - b) < 0.01;

/**
 * Fraction of a multiple-choice answer without a weight: what the grader (types/multiple.type.ts) uses,
 * +100/k for each of k correct options and -100/k for each wrong one.
 */
function defaultFraction(correct: boolean, keys: number): number {
  return (correct ? 100 : -100) / Math.max(keys, 1);
}

/**
 * The rule for keeping weights: fractions equal to defaultFraction (within Moodle's 5-decimal rounding)
 * grade exactly like no weights, so they are dropped; any other pattern (wrong answers at 0 or -100,
 * unequal shares) keeps every answer's fraction as its weight, so Moodle's grading survives the import.
 */
function isDefaultPattern(fractions: number[]): boolean {
  const keys = fractions.filter((f) => f > 0).length;
  return keys > 0 && fractions.every((f) => close(f, defaultFraction(f > 0, keys)));
}

function readMultichoice(reader: Reader, question: XmlNode, line: number, data: Record<string, unknown>): void {
  // Moodle writes true/false; very old exports 1/0. Moodle's own default is single.
  const single = !/^(false|0)$/i.test(str(question.single).trim());
  data.type = single ? 'single' : 'multiple';
  const answers = readAnswers(reader, question, line, (i) => `options[${i}]`);
  const fractions = answers.map((a) => a.fraction);
  const keepWeights = !single && !isDefaultPattern(fractions);
  data.options = answers.map(({ node, fraction, field }) => {
    if (single && fraction > 0 && !close(fraction, 100)) {
      reader.warnings.push({ line, field, message: `partial credit (${fraction}%) dropped: the answer counts as wrong` });
    }
    const option: Record<string, unknown> = {
      text: localized(reader, node, line, `${field}.text`),
      correct: single ? close(fraction, 100) : fraction > 0,
    };
    if (keepWeights) option.weight = fraction;
    return option;
  });
}

function readTrueFalse(reader: Reader, question: XmlNode, line: number, data: Record<string, unknown>): void {
  data.type = 'truefalse';
  const right = readAnswers(reader, question, line, () => 'answer').find((a) => close(a.fraction, 100));
  const value = right ? textOf(right.node).trim().toLowerCase() : '';
  if (value === 'true' || value === 'false') data.answer = value === 'true';
  else reader.errors.push({ line, field: 'answer', message: 'no answer "true" or "false" with fraction 100' });
}

function readShortAnswer(reader: Reader, question: XmlNode, line: number, data: Record<string, unknown>): void {
  data.type = 'fill';
  if (str(question.usecase).trim() === '1') {
    reader.warnings.push({ line, field: 'accepted', message: 'case-sensitive matching dropped: grading ignores case' });
  }
  const accepted: string[] = [];
  for (const { node, fraction, field } of readAnswers(reader, question, line, () => 'accepted')) {
    const texts = Object.values(splitMultilang(textOf(node), reader.defaults.language));
    if (!close(fraction, 100)) {
      reader.warnings.push({ line, field, message: `answer "${texts.join(' / ')}" (${fraction}%) dropped: only fully correct answers are kept` });
      continue;
    }
    for (const text of texts) {
      // Moodle's * is a wildcard and \* a literal star; we match literally.
      if (/(^|[^\\])\*/.test(text)) {
        reader.warnings.push({ line, field, message: `wildcard * in "${text}" is matched as a literal star` });
      }
      accepted.push(text.replace(/\\\*/g, '*'));
    }
  }
  data.accepted = accepted;
}

function readNumerical(reader: Reader, question: XmlNode, line: number, data: Record<string, unknown>): void {
  data.type = 'fill';
  const accepted: string[] = [];
  const tolerances = new Set<string>();
  for (const { node, fraction, field } of readAnswers(reader, question, line, () => 'accepted')) {
    const value = textOf(node).trim();
    if (!close(fraction, 100) || value === '*') {
      reader.warnings.push({ line, field, message: `answer "${value}" (${fraction}%) dropped: only fully correct values are kept` });
      continue;
    }
    accepted.push(value);
    tolerances.add(str(node.tolerance).trim() || '0');
  }
  data.accepted = accepted;
  const [tolerance] = tolerances;
  if (tolerance !== undefined) data.tolerance = num(tolerance);
  if (tolerances.size > 1) {
    reader.warnings.push({ line, field: 'tolerance', message: `answers have different tolerances; ${tolerance} is used for all` });
  }
  if (isNode(question.units) && asArray(question.units.unit).length > 0) {
    reader.warnings.push({ line, field: 'accepted', message: 'units dropped (not supported): enter the number only' });
  }
}

const READERS: Record<string, (reader: Reader, question: XmlNode, line: number, data: Record<string, unknown>) => void> = {
  multichoice: readMultichoice,
  truefalse: readTrueFalse,
  shortanswer: readShortAnswer,
  numerical: readNumerical,
};

/**
 * Our exports put the code in both <idnumber> and <name>. In other Moodle files the name is a title
 * ("Overfitting 2") and the idnumber Moodle's own: those are not our codes, and the question gets a new one.
 */
function readCode(reader: Reader, question: XmlNode, line: number): string | undefined {
  const idnumber = str(question.idnumber).trim();
  const code = [idnumber, textOf(question.name).trim()].find((c) => QUESTION_CODE.test(c));
  if (!code && idnumber) {
    reader.warnings.push({ line, field: 'code', message: `idnumber "${idnumber}" is not a question code (like IT-0042); a new code is assigned` });
  }
  return code;
}

function readQuestion(reader: Reader, question: XmlNode, line: number): Record<string, unknown> | undefined {
  const type = str(question['@_type']).trim();
  if (type === 'category') {
    readCategory(reader, question, line);
    return undefined;
  }
  if (SKIPPED.has(type)) {
    reader.warnings.push({ line, field: 'type', message: `"${type}" question skipped (it has no answer)` });
    return undefined;
  }
  const read = READERS[type];
  if (!read) {
    reader.errors.push({ line, field: 'type', message: `question type "${type || '(none)'}" is not supported` });
    return undefined;
  }
  const data: Record<string, unknown> = {};
  const code = readCode(reader, question, line);
  if (code) data.code = code;
  if (reader.domain) data.domain = reader.domain;
  const stem = localized(reader, question.questiontext, line, 'stem');
  if (Object.keys(stem).length > 0) data.stem = stem;
  const explanation = localized(reader, question.generalfeedback, line, 'explanation');
  if (Object.keys(explanation).length > 0) data.explanation = explanation;
  read(reader, question, line, data);
  readTags(question, data);
  return data;
}

function parse(input: string, defaults: ImportDefaults): ParseResult {
  const reader: Reader = { defaults, errors: [], warnings: [], warnedCategory: false };
  const questions: ParsedQuestion[] = [];
  try {
    const xml = input.replace(/^\uFEFF/, '');
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
      return { questions, errors: [{ line: valid.err.line || 1, message: `malformed XML: ${valid.err.msg}` }], warnings: [] };
    }
    const root: unknown = parser.parse(xml);
    if (!isNode(root) || !('quiz' in root)) {
      return { questions, errors: [{ line: 1, message: 'not Moodle XML: no <quiz> element' }], warnings: [] };
    }
    let line = 1;
    for (const question of asArray(isNode(root.quiz) ? root.quiz.question : undefined)) {
      const start = (question as { [META]?: { startIndex?: number } })[META]?.startIndex;
      if (start !== undefined) line = lineAt(xml, start);
      const data = readQuestion(reader, question, line);
      if (data) questions.push({ line, data });
    }
  } catch (error) {
    reader.errors.push({ line: 1, message: `could not read the file: ${error instanceof Error ? error.message : String(error)}` });
  }
  return { questions, errors: reader.errors, warnings: reader.warnings };
}

// --- serialize ---

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A "]]>" inside the text would end the section: split it across two sections. */
const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** Moodle-style fraction: 33.33333 for a third. */
const fraction = (value: number) => String(Number(value.toFixed(5)));

function textElement(name: string, text: LocalizedText): string {
  return `    <${name} format="markdown">\n      <text>${cdata(joinMultilang(text))}</text>\n    </${name}>`;
}

function answer(value: number, body: string, format: string, extra = ''): string {
  return `    <answer fraction="${fraction(value)}" format="${format}">\n      <text>${body}</text>${extra}\n    </answer>`;
}

function choiceAnswers(q: ExportableQuestion): string[] {
  const options = q.options ?? [];
  const right = options.filter((o) => o.correct).length;
  const weighted = q.type === 'multiple' && options.some((o) => o.weight !== undefined);
  return options.map((o) => {
    const fallback = q.type === 'single' ? (o.correct ? 100 : 0) : defaultFraction(o.correct, right);
    return answer(weighted ? (o.weight ?? fallback) : fallback, cdata(joinMultilang(o.text)), 'markdown');
  });
}

const isNumeric = (text: string) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim());

function body(q: ExportableQuestion): { type: string; lines: string[] } {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return {
        type: 'multichoice',
        lines: [
          `    <single>${q.type === 'single'}</single>`,
          '    <shuffleanswers>1</shuffleanswers>',
          '    <answernumbering>ABCD</answernumbering>',
          ...choiceAnswers(q),
        ],
      };
    case 'truefalse':
      return {
        type: 'truefalse',
        lines: [answer(q.answer ? 100 : 0, 'true', 'moodle_auto_format'), answer(q.answer ? 0 : 100, 'false', 'moodle_auto_format')],
      };
    case 'fill': {
      const accepted = q.accepted ?? [];
      // Numerical only when Moodle can grade it as a number; otherwise the tolerance has no meaning there.
      if (q.tolerance !== undefined && accepted.length > 0 && accepted.every(isNumeric)) {
        const tolerance = `\n      <tolerance>${q.tolerance}</tolerance>`;
        return { type: 'numerical', lines: accepted.map((a) => answer(100, escapeXml(a.trim()), 'moodle_auto_format', tolerance)) };
      }
      return {
        type: 'shortanswer',
        lines: ['    <usecase>0</usecase>', ...accepted.map((a) => answer(100, cdata(a.replace(/\*/g, '\\*')), 'moodle_auto_format'))],
      };
    }
  }
}

function question(q: ExportableQuestion): string {
  const { type, lines } = body(q);
  const tags = [
    ...q.tags,
    ...q.levels.map((level) => `ate-level-${level}`),
    `ate-difficulty-${q.difficulty}`,
    ...(q.knowledgePoint ? [`ate-kp-${q.knowledgePoint}`] : []),
    `ate-usage-${q.usage}`,
    ...(q.enemyGroup ? [`ate-enemy-${q.enemyGroup}`] : []),
  ];
  return [
    `  <question type="${type}">`,
    `    <name>\n      <text>${escapeXml(q.code)}</text>\n    </name>`,
    textElement('questiontext', q.stem),
    textElement('generalfeedback', q.explanation),
    '    <defaultgrade>1</defaultgrade>',
    `    <idnumber>${escapeXml(q.code)}</idnumber>`,
    ...lines,
    '    <tags>',
    ...tags.map((tag) => `      <tag>\n        <text>${escapeXml(tag)}</text>\n      </tag>`),
    '    </tags>',
    '  </question>',
  ].join('\n');
}

function serialize(questions: ExportableQuestion[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<quiz>'];
  let domain: string | undefined;
  for (const q of questions) {
    if (q.domain !== domain) {
      domain = q.domain;
      out.push(`  <question type="category">\n    <category>\n      <text>$course$/top/${escapeXml(domain)}</text>\n    </category>\n  </question>`);
    }
    out.push(question(q));
  }
  out.push('</quiz>', '');
  return out.join('\n');
}

export const moodleXmlFormat: QuestionFormat = {
  name: 'moodlexml',
  parse,
  serialize,
  mediaType: 'application/xml',
  extension: 'xml',
};
