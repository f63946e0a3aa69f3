// GIFT, Moodle's plain-text question format (https://docs.moodle.org/en/GIFT_format). Reads what
// Moodle writes and what people write for Moodle; writes files Moodle imports, with our metadata in a
// `// @ate {...}` comment that Moodle ignores.
import {
  DOMAINS,
  type Domain,
  type ExportableQuestion,
  type ImportDefaults,
  type ImportIssue,
  type Language,
  type LocalizedText,
  type ParseResult,
  type QuestionFormat,
} from '../question.types';
import { joinMultilang, splitMultilang } from './multilang';
import { QUESTION_CODE } from '../question.schemas';

interface SourceLine {
  line: number;
  text: string;
}

const META = /^\/\/\s*@ate\b\s*(.*)$/;
const META_KEYS = ['domain', 'levels', 'difficulty', 'knowledgePoint', 'tags', 'usage', 'enemyGroup'];
const CATEGORY = /^\$CATEGORY:\s*(.*)$/;
const FORMAT_MARKER = /^\s*\[(?:markdown|html|plain|moodle)\]/i;
const WEIGHT = /^\s*%(-?\d+(?:\.\d+)?)%/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Moodle's missing-word blank, put where the answer block sat when the stem goes on after it. */
const BLANK = '_____';

// Escaped characters become private-use placeholders up front, so every syntax character left in the
// text is real syntax and plain indexOf/split work; restore() turns them back into text at the end.
const ESCAPED = ['\\', ':', '#', '=', '{', '}', '~', 'n'];
const RESTORED = ['\\', ':', '#', '=', '{', '}', '~', '\n'];
const PLACEHOLDER = 0xe000;
const protect = (text: string) =>
  text.replace(/\\([\\:#={}~n])/g, (_, c: string) => String.fromCharCode(PLACEHOLDER + ESCAPED.indexOf(c)));
const restore = (text: string) =>
  text.replace(/[\ue000-\ue007]/g, (c) => RESTORED[c.charCodeAt(0) - PLACEHOLDER] ?? c);

/** One answer in braces; fraction is Moodle's grade in percent. */
interface Answer {
  mark: '=' | '~';
  text: string;
  fraction: number;
  weighted: boolean;
}

/** One question block: the data, or the errors that stop it being imported. */
class QuestionReader {
  readonly errors: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  private readonly source: string;

  constructor(
    private readonly lines: SourceLine[],
    private readonly language: Language,
  ) {
    this.source = protect(lines.map((l) => l.text).join('\n'));
  }

  get start(): number {
    return this.lines[0]?.line ?? 0;
  }

  read(base: Record<string, unknown>): Record<string, unknown> | undefined {
    const data: Record<string, unknown> = { ...base };
    let offset = 0;
    // Like Moodle, an unclosed `::` is no title at all rather than an error.
    const title = /^\s*::([\s\S]*?)::/.exec(this.source);
    if (title) {
      // Moodle titles are usually names ("Q1", the stem's start); only a code-shaped title is our code.
      const code = restore(title[1] ?? '').trim();
      if (QUESTION_CODE.test(code)) data.code = code;
      offset = title[0].length;
    }
    const body = this.source.slice(offset);
    const open = body.indexOf('{');
    const close = body.indexOf('}');
    if (open < 0 && close < 0) return this.fail('questions without an answer block (descriptions) are not supported', 'type');
    if (open < 0 || (close >= 0 && close < open)) return this.fail("'}' without a '{' before it", undefined, offset + close);
    if (close < 0) return this.fail("'{' is not closed", undefined, offset + open);
    const inner = body.slice(open + 1, close);
    if (inner.includes('{')) return this.fail("'{' is not closed before the next '{'", undefined, offset + open);
    const after = body.slice(close + 1);
    const extra = after.search(/[{}]/);
    if (extra >= 0) return this.fail('only one answer block per question is supported', undefined, offset + close + 1 + extra);

    const before = body.slice(0, open);
    data.stem = this.text(after.trim() ? before + BLANK + after : before);

    // Moodle takes the last `####` as the general feedback separator.
    const separator = inner.lastIndexOf('####');
    const answers = (separator >= 0 ? inner.slice(0, separator) : inner).trim();
    if (separator >= 0) {
      const explanation = this.text(inner.slice(separator + 4));
      if (Object.keys(explanation).length) data.explanation = explanation;
    }
    const fields = this.answers(answers);
    return fields && Object.assign(data, fields);
  }

  /** Decides the type the way Moodle does, in Moodle's order. */
  private answers(answers: string): Record<string, unknown> | undefined {
    if (!answers) return this.fail('essay questions ({}) are not supported', 'type');
    if (answers.startsWith('#')) return this.numeric(answers.slice(1));
    if (answers.includes('~')) return this.choice(answers);
    if (answers.includes('=') && answers.includes('->')) return this.fail('matching questions are not supported', 'type');
    const truth = (answers.split('#')[0] ?? '').trim().toUpperCase();
    if (['T', 'TRUE', 'F', 'FALSE'].includes(truth)) return { type: 'truefalse', answer: truth.startsWith('T') };
    return this.shortAnswer(answers);
  }

  private choice(answers: string): Record<string, unknown> | undefined {
    const parts = this.split(answers, 'options');
    if (!parts) return undefined;
    // Moodle: an `=` answer makes it a one-answer question; otherwise the positive weights are the keys.
    const keys = parts.filter((p) => p.fraction > 0).length;
    const single = parts.filter((p) => p.mark === '=').length === 1 || keys <= 1;
    if (single) {
      const options = parts.map((p) => {
        const correct = Math.abs(p.fraction - 100) < 0.01;
        if (p.fraction > 0 && !correct) this.warn(`partial credit (${p.fraction}%) dropped: the answer counts as wrong`, 'options');
        return { text: this.text(p.text), correct };
      });
      return { type: 'single', options };
    }
    const weighted = parts.some((p) => p.weighted) && !isDefaultWeights(parts.map((p) => p.fraction));
    const options = parts.map((p) => ({ text: this.text(p.text), correct: p.fraction > 0, ...(weighted && { weight: p.fraction }) }));
    return { type: 'multiple', options };
  }

  private shortAnswer(answers: string): Record<string, unknown> | undefined {
    const parts = this.split(answers, 'accepted');
    if (!parts) return undefined;
    const accepted: string[] = [];
    for (const part of parts) {
      const value = restore(part.text).trim();
      if (part.fraction === 100) accepted.push(value);
      else this.warn(`answer "${value}" (${part.fraction}%) dropped: only full-credit answers are imported`, 'accepted');
    }
    return { type: 'fill', accepted };
  }

  private numeric(answers: string): Record<string, unknown> | undefined {
    // Moodle writes the feedback for any other answer as a trailing `~#…`.
    const body = (answers.split('~')[0] ?? '').trim();
    const parts = body.startsWith('=')
      ? this.split(body, 'accepted')
      : [{ mark: '=' as const, text: body.split('#')[0] ?? '', fraction: 100, weighted: false }];
    if (!parts) return undefined;
    const accepted: string[] = [];
    const tolerances = new Set<number | undefined>();
    for (const part of parts) {
      const spec = restore(part.text).trim();
      const answer = numericAnswer(spec);
      if (!answer) return this.fail(`"${spec}" is not a number, number:tolerance or min..max`, 'accepted');
      if (part.fraction !== 100) {
        this.warn(`answer "${spec}" (${part.fraction}%) dropped: only full-credit answers are imported`, 'accepted');
        continue;
      }
      accepted.push(answer.value);
      tolerances.add(answer.tolerance);
    }
    if (tolerances.size > 1) return this.fail('numeric answers with different tolerances are not supported', 'tolerance');
    const [tolerance] = tolerances;
    return tolerance === undefined ? { type: 'fill', accepted } : { type: 'fill', accepted, tolerance };
  }

  /** `=a ~%50%b #feedback` into answers with their fraction in percent; per-answer feedback dropped. */
  private split(answers: string, field: string): Answer[] | undefined {
    if (!/^[=~]/.test(answers)) return this.fail("each answer must start with '=' or '~'", field);
    return (answers.match(/[=~][^=~]*/g) ?? []).map((raw) => {
      const weight = WEIGHT.exec(raw.slice(1));
      const rest = weight ? raw.slice(1).slice(weight[0].length) : raw.slice(1);
      const fraction = weight ? Number(weight[1]) : raw.startsWith('=') ? 100 : 0;
      return { mark: raw[0] as Answer['mark'], text: rest.split('#')[0] ?? '', fraction, weighted: weight !== null };
    });
  }

  private text(raw: string): LocalizedText {
    return splitMultilang(restore(raw.replace(FORMAT_MARKER, '')), this.language, (code) =>
      this.warn(`text in language "${code}" dropped`),
    );
  }

  /** The file line of a position in the (protected) source. */
  private lineAt(index: number): number {
    const row = this.source.slice(0, index).split('\n').length - 1;
    return this.lines[row]?.line ?? this.start;
  }

  private fail(message: string, field?: string, index?: number): undefined {
    this.errors.push({ line: index === undefined ? this.start : this.lineAt(index), ...(field && { field }), message });
    return undefined;
  }

  private warn(message: string, field?: string): void {
    this.warnings.push({ line: this.start, ...(field && { field }), message });
  }
}

/** `3.14`, `3.14:0.01`, or Moodle's `min..max` (the midpoint, with half the width as tolerance). */
function numericAnswer(spec: string): { value: string; tolerance?: number } | undefined {
  const range = /^(.+?)\.\.(.+)$/.exec(spec);
  if (range) {
    const [min, max] = [range[1]!.trim(), range[2]!.trim()];
    if (!NUMBER.test(min) || !NUMBER.test(max)) return undefined;
    const round = (n: number) => Number(n.toPrecision(12));
    return { value: String(round((Number(min) + Number(max)) / 2)), tolerance: round(Math.abs(Number(max) - Number(min)) / 2) };
  }
  const [value = '', tolerance, ...rest] = spec.split(':').map((s) => s.trim());
  if (!NUMBER.test(value) || rest.length || (tolerance !== undefined && !NUMBER.test(tolerance))) return undefined;
  return tolerance === undefined ? { value } : { value, tolerance: Number(tolerance) };
}

/**
 * The service's own default weights (each key +100/k, each wrong -100/k, see types/multiple.type.ts):
 * weights that say no more than that are left out so a re-import is the question that was exported.
 */
function defaultWeight(correct: boolean, keys: number): number {
  return (correct ? 100 : -100) / keys;
}

function isDefaultWeights(fractions: number[]): boolean {
  const keys = fractions.filter((f) => f > 0).length;
  return fractions.every((f) => Math.abs(f - defaultWeight(f > 0, keys)) < 0.01);
}

function readMeta(json: string, line: number, result: ParseResult): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    result.errors.push({ line, message: `@ate metadata is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    result.errors.push({ line, message: '@ate metadata must be a JSON object' });
    return undefined;
  }
  const meta: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (META_KEYS.includes(key)) meta[key] = v;
    else result.warnings.push({ line, message: `@ate key "${key}" ignored` });
  }
  return meta;
}

function parse(text: string, defaults: ImportDefaults): ParseResult {
  const result: ParseResult = { questions: [], errors: [], warnings: [] };
  const warnedCategories = new Set<string>();
  let domain: Domain | undefined;
  let block: SourceLine[] = [];
  let blockMeta: Record<string, unknown> | undefined;
  let pending: { line: number; meta: Record<string, unknown> } | undefined;

  const dropPending = () => {
    if (pending) result.warnings.push({ line: pending.line, message: '@ate metadata is not directly before a question; ignored' });
    pending = undefined;
  };
  const flush = () => {
    if (block.length) {
      const reader = new QuestionReader(block, defaults.language);
      const data = reader.read({ ...(domain && { domain }), ...blockMeta });
      result.errors.push(...reader.errors);
      result.warnings.push(...reader.warnings);
      if (data) result.questions.push({ line: reader.start, data });
    }
    block = [];
    blockMeta = undefined;
  };

  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n?|\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      const trimmed = raw.trim();
      if (!trimmed) {
        flush();
        dropPending();
        return;
      }
      const meta = META.exec(trimmed);
      if (meta) {
        const value = readMeta(meta[1] ?? '', line, result);
        if (block.length) result.warnings.push({ line, message: '@ate metadata inside a question; ignored' });
        else {
          dropPending();
          if (value) pending = { line, meta: value };
        }
        return;
      }
      if (trimmed.startsWith('//')) return;
      const category = CATEGORY.exec(trimmed);
      if (category) {
        // Moodle wants a blank line after $CATEGORY; a missing one should not glue it to a question.
        flush();
        dropPending();
        const path = category[1] ?? '';
        const last = path.split('/').map((s) => s.trim()).filter(Boolean).pop() ?? '';
        if ((DOMAINS as readonly string[]).includes(last)) domain = last as Domain;
        else if (!warnedCategories.has(path)) {
          warnedCategories.add(path);
          result.warnings.push({ line, message: `category "${path}" does not name a domain; ignored` });
        }
        return;
      }
      if (!block.length) {
        blockMeta = pending?.meta;
        pending = undefined;
      }
      block.push({ line, text: raw });
    });
  flush();
  dropPending();
  return result;
}

const escapeGift = (text: string) => text.replace(/[\\~=#{}:]/g, '\\$&').replace(/\r\n?|\n/g, '\\n');
const gift = (text: LocalizedText | undefined) => escapeGift(joinMultilang(text ?? {}));
/** Moodle writes fractions to 5 decimals (33.33333). */
const percent = (n: number) => String(Number(n.toFixed(5)));
/** Moodle's layout: one answer per tab-indented line. */
const answerLines = (answers: string[], head = '') => `{${head}\n${answers.map((a) => `\t${a}\n`).join('')}}`;

function answerBlock(q: ExportableQuestion, general: string[]): string {
  const options = q.options ?? [];
  switch (q.type) {
    case 'truefalse':
      return `{${q.answer ? 'TRUE' : 'FALSE'}${general.join('')}}`;
    case 'single':
      return answerLines([...options.map((o) => `${o.correct ? '=' : '~'}${gift(o.text)}`), ...general]);
    case 'multiple': {
      const keys = options.filter((o) => o.correct).length;
      const weight = (o: (typeof options)[number]) => o.weight ?? defaultWeight(o.correct, keys);
      return answerLines([...options.map((o) => `~%${percent(weight(o))}%${gift(o.text)}`), ...general]);
    }
    case 'fill': {
      const accepted = (q.accepted ?? []).map((a) => a.trim());
      if (q.tolerance !== undefined && accepted.length > 0 && accepted.every((a) => NUMBER.test(a))) {
        const specs = accepted.map((a) => `${a}:${q.tolerance}`);
        return specs.length === 1 ? `{#${specs[0]}${general.join('')}}` : answerLines([...specs.map((s) => `=${s}`), ...general], '#');
      }
      return answerLines([...accepted.map((a) => `=${escapeGift(a)}`), ...general]);
    }
  }
}

function serialize(questions: ExportableQuestion[]): string {
  return questions
    .map((q) => {
      const meta = { domain: q.domain, levels: q.levels, difficulty: q.difficulty, knowledgePoint: q.knowledgePoint, tags: q.tags, usage: q.usage, ...(q.enemyGroup ? { enemyGroup: q.enemyGroup } : {}) };
      const explanation = gift(q.explanation);
      const general = explanation ? [`####${explanation}`] : [];
      return `// @ate ${JSON.stringify(meta)}\n::${escapeGift(q.code)}::[markdown]${gift(q.stem)} ${answerBlock(q, general)}\n`;
    })
    .join('\n');
}

export const giftFormat: QuestionFormat = {
  name: 'gift',
  parse,
  serialize,
  mediaType: 'text/plain; charset=utf-8',
  extension: 'gift',
};
