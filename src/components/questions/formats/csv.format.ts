// CSV (RFC 4180) for editing questions in a spreadsheet: one question per row, one column per field, lists
// joined with "|". Export goes through lib/csv (BOM, CRLF, every cell quoted and guarded against formula
// injection); import reads spreadsheet-made files too, so it keeps its own forgiving reader with line numbers.
import { CSV_BOM, csvRow, unguardCell } from '../../../lib/csv';
import type {
  ExportableQuestion,
  ImportDefaults,
  ImportIssue,
  LocalizedText,
  ParsedQuestion,
  ParseResult,
  QuestionFormat,
} from '../question.types';

const LETTERS = 'abcdef';
const LANGUAGES = ['zh', 'en'] as const;
const SCALARS = ['code', 'type', 'domain', 'levels', 'difficulty', 'knowledgepoint', 'tags', 'usage', 'enemygroup'];
const ANSWERS = ['correct', 'accepted', 'tolerance', 'weights'];
/** Header name (lower case) → the key we read by; language-neutral names are resolved per import. */
const COLUMNS = new Set([
  ...SCALARS,
  ...ANSWERS,
  ...['stem', 'explanation', ...[...LETTERS].map((l) => `option_${l}`)].flatMap((base) => LANGUAGES.map((lang) => `${base}_${lang}`)),
]);
const NEUTRAL = new Set(['stem', 'explanation', ...[...LETTERS].map((l) => `option_${l}`)]);
const TRUE_WORDS = new Set(['true', 't', '对', '正确']);
const FALSE_WORDS = new Set(['false', 'f', '错', '错误']);

interface Row {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records with the physical line each starts on. Accepts CRLF, LF or CR line ends; a quote inside
 * an unquoted field is kept as text (as Excel does).
 */
function readCsv(text: string, errors: ImportIssue[]): Row[] {
  const rows: Row[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    // Blank lines and rows of empty cells (spreadsheets leave them at the end) carry no question.
    if (fields.some((f) => f.trim() !== '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          errors.push({ line: openedOn, message: 'unclosed quote: the quoted field runs to the end of the file' });
          return rows;
        }
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
          continue;
        }
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
        i++;
      }
      i++;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        errors.push({ line, message: 'text after a closing quote: quote the whole field and double the quotes inside it' });
        return rows;
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Numbers when they look numeric, else the raw string so the schema reports it. */
function num(raw: string): number | string {
  const value = raw.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : value;
}

const list = (raw: string) =>
  raw
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);

/** Maps header cells to our column keys, resolving language-neutral names to the import's language. */
function readHeader(header: string[], defaults: ImportDefaults, errors: ImportIssue[]): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((cell, index) => {
    const name = cell.trim().toLowerCase();
    if (name === '') return; // an unnamed column may only hold empty cells (checked per row)
    const key = NEUTRAL.has(name) ? `${name}_${defaults.language}` : name;
    if (!COLUMNS.has(key)) {
      errors.push({ line: 1, field: cell.trim(), message: `unknown column "${cell.trim()}"` });
    } else if (columns.has(key)) {
      errors.push({ line: 1, field: cell.trim(), message: `column "${key}" given twice` });
    } else {
      columns.set(key, index);
    }
  });
  return columns;
}

/** "A|C", "AC", "a, c" → option indexes; undefined after reporting a letter that is not an option. */
function readLetters(raw: string, count: number, line: number, errors: ImportIssue[]): Set<number> | undefined {
  const indexes = new Set<number>();
  for (const ch of raw.replace(/[\s|,;，、]/g, '').toLowerCase()) {
    const index = LETTERS.indexOf(ch);
    if (index === -1 || index >= count) {
      errors.push({ line, field: 'correct', message: `"${ch.toUpperCase()}" is not one of the options (A–${LETTERS[count - 1]?.toUpperCase() ?? 'none'})` });
      return undefined;
    }
    indexes.add(index);
  }
  return indexes;
}

interface Issues {
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

function readRow(row: Row, columns: Map<string, number>, { errors, warnings }: Issues): Record<string, unknown> | undefined {
  const { line } = row;
  const before = errors.length;
  const cell = (key: string) => {
    const index = columns.get(key);
    // Unguard before trimming: the writer's apostrophe sits in front of any leading blanks.
    return index === undefined ? '' : unguardCell(row.fields[index] ?? '').trim();
  };
  const used = new Set(columns.values());
  const stray = row.fields.findIndex((f, i) => !used.has(i) && f.trim() !== '');
  if (stray !== -1) errors.push({ line, message: `a value in column ${stray + 1}, which has no header` });
  const localized = (base: string): LocalizedText | undefined => {
    const text: LocalizedText = {};
    for (const lang of LANGUAGES) if (cell(`${base}_${lang}`)) text[lang] = cell(`${base}_${lang}`);
    return Object.keys(text).length > 0 ? text : undefined;
  };

  const data: Record<string, unknown> = {};
  const type = cell('type').toLowerCase();
  if (cell('code')) data.code = cell('code');
  if (type) data.type = type;
  if (cell('domain')) data.domain = cell('domain');
  if (cell('levels')) data.levels = list(cell('levels')).map(num);
  if (cell('difficulty')) data.difficulty = num(cell('difficulty'));
  if (cell('knowledgepoint')) data.knowledgePoint = cell('knowledgepoint');
  if (cell('tags')) data.tags = list(cell('tags'));
  if (cell('usage')) data.usage = cell('usage');
  if (cell('enemygroup')) data.enemyGroup = cell('enemygroup');
  const stem = localized('stem');
  if (stem) data.stem = stem;
  const explanation = localized('explanation');
  if (explanation) data.explanation = explanation;

  const texts = [...LETTERS].map((l) => localized(`option_${l}`));
  const count = texts.reduce((last, text, i) => (text ? i + 1 : last), 0);
  const gap = texts.slice(0, count).findIndex((t) => !t);
  if (gap !== -1) {
    errors.push({ line, field: `option_${LETTERS[gap]}`, message: `option ${LETTERS[gap]!.toUpperCase()} is empty but a later option is not` });
  }

  // What "correct" means depends on the type: a truth value, or option letters.
  const correct = cell('correct');
  let keys = new Set<number>();
  if (type === 'truefalse') {
    const word = correct.toLowerCase();
    if (TRUE_WORDS.has(word)) data.answer = true;
    else if (FALSE_WORDS.has(word)) data.answer = false;
    else if (correct) errors.push({ line, field: 'correct', message: `"${correct}" is not true or false (T/F, 对/错, 正确/错误)` });
  } else if (type === 'fill') {
    if (correct) warnings.push({ line, field: 'correct', message: 'correct is ignored for fill questions: use accepted' });
  } else if (correct) {
    keys = readLetters(correct, count, line, errors) ?? keys;
  }
  if (count > 0) data.options = texts.slice(0, count).map((text, i) => ({ text: text ?? {}, correct: keys.has(i) }));

  if (cell('weights')) {
    const weights = list(cell('weights')).map(num);
    const options = (data.options ?? []) as Record<string, unknown>[];
    if (weights.length !== options.length) {
      errors.push({ line, field: 'weights', message: `${weights.length} weights for ${options.length} options` });
    } else {
      options.forEach((option, i) => {
        option.weight = weights[i];
      });
    }
  }
  if (cell('accepted')) data.accepted = list(cell('accepted'));
  if (cell('tolerance')) data.tolerance = num(cell('tolerance'));
  return errors.length > before ? undefined : data;
}

function parse(input: string, defaults: ImportDefaults): ParseResult {
  const issues: Issues = { errors: [], warnings: [] };
  const questions: ParsedQuestion[] = [];
  try {
    const [header, ...body] = readCsv(input.replace(/^\uFEFF/, ''), issues.errors);
    if (!header) {
      if (issues.errors.length === 0) issues.errors.push({ line: 1, message: 'empty file: a header row is required' });
      return { questions, ...issues };
    }
    if (header.line !== 1) issues.errors.push({ line: header.line, message: 'the header row must be the first line' });
    const before = issues.errors.length;
    const columns = readHeader(header.fields, defaults, issues.errors);
    // Without a sound header every row would be misread: its errors are the useful ones.
    if (issues.errors.length > before) return { questions, ...issues };
    for (const row of body) {
      const data = readRow(row, columns, issues);
      if (data) questions.push({ line: row.line, data });
    }
  } catch (error) {
    issues.errors.push({ line: 1, message: `could not read the file: ${error instanceof Error ? error.message : String(error)}` });
  }
  return { questions, ...issues };
}

// --- serialize ---

function serialize(questions: ExportableQuestion[]): string {
  const optionCount = Math.max(0, ...questions.map((q) => q.options?.length ?? 0));
  const letters = [...LETTERS.slice(0, optionCount)];
  const weighted = questions.some((q) => q.options?.some((o) => o.weight !== undefined));
  const header = [
    'code', 'type', 'domain', 'levels', 'difficulty', 'knowledgePoint', 'tags', 'usage', 'enemyGroup',
    'stem_zh', 'stem_en', 'explanation_zh', 'explanation_en',
    ...letters.flatMap((l) => [`option_${l}_zh`, `option_${l}_en`]),
    'correct', 'accepted', 'tolerance',
    ...(weighted ? ['weights'] : []),
  ];
  const rows = questions.map((q) => {
    const options = q.options ?? [];
    const correct =
      q.type === 'truefalse'
        ? q.answer === undefined ? '' : String(q.answer)
        : options.flatMap((o, i) => (o.correct ? [LETTERS[i]!.toUpperCase()] : [])).join('|');
    const weights = options.some((o) => o.weight !== undefined) ? options.map((o) => o.weight ?? '').join('|') : '';
    return [
      q.code, q.type, q.domain, q.levels.join('|'), String(q.difficulty), q.knowledgePoint, q.tags.join('|'), q.usage, q.enemyGroup ?? '',
      q.stem.zh ?? '', q.stem.en ?? '', q.explanation.zh ?? '', q.explanation.en ?? '',
      ...letters.flatMap((_l, i) => [options[i]?.text.zh ?? '', options[i]?.text.en ?? '']),
      correct, (q.accepted ?? []).join('|'), q.tolerance === undefined ? '' : String(q.tolerance),
      ...(weighted ? [weights] : []),
    ];
  });
  return CSV_BOM + [header, ...rows].map(csvRow).join('');
}

export const csvFormat: QuestionFormat = {
  name: 'csv',
  parse,
  serialize,
  mediaType: 'text/csv; charset=utf-8',
  extension: 'csv',
};
