// Aiken (https://docs.moodle.org/en/Aiken_format): the stem, options `A.` or `A)` in order, then
// `ANSWER: X`. It only knows one-answer choice questions and has no explanation; import only.
import type { ImportDefaults, ImportIssue, LocalizedText, ParseResult, QuestionFormat } from '../question.types';
import { splitMultilang } from './multilang';

// A space after the letter, as Moodle wants, so a stem line like "A.I. is…" is no option.
const OPTION = /^([A-Z])[.)](?:\s+(.*))?$/;
const ANSWER = /^ANSWER\s*:\s*(.*)$/i;
const LETTERS = 'ABCDEF';

interface Draft {
  line: number;
  stem: string[];
  options: { letter: string; text: string }[];
  /** A blank line since the stem or the last option: what follows may be the next question. */
  gap: boolean;
  failed: boolean;
}

function parse(text: string, defaults: ImportDefaults): ParseResult {
  const result: ParseResult = { questions: [], errors: [], warnings: [] };
  let draft: Draft | undefined;

  const error = (issue: ImportIssue) => {
    result.errors.push(issue);
    if (draft) draft.failed = true;
  };

  const finish = (answer?: { letter: string; line: number }) => {
    if (!draft) return;
    const q = draft;
    if (q.options.length < 2) error({ line: q.line, field: 'options', message: `a question needs at least 2 options (has ${q.options.length})` });
    if (!answer) error({ line: q.line, field: 'options', message: "missing 'ANSWER: X' line after the options" });
    else if (!q.options.some((o) => o.letter === answer.letter)) {
      error({ line: answer.line, field: 'options', message: `ANSWER "${answer.letter}" names no option` });
    }
    draft = undefined;
    if (q.failed || !answer) return;
    const localized = (value: string): LocalizedText =>
      splitMultilang(value, defaults.language, (code) => result.warnings.push({ line: q.line, message: `text in language "${code}" dropped` }));
    result.questions.push({
      line: q.line,
      data: {
        type: 'single',
        stem: localized(q.stem.join('\n')),
        options: q.options.map((o) => ({ text: localized(o.text), correct: o.letter === answer.letter })),
      },
    });
  };

  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n?|\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      const trimmed = raw.trim();
      if (!trimmed) {
        if (draft) draft.gap = true;
        return;
      }
      const answer = ANSWER.exec(trimmed);
      if (answer) {
        if (draft) finish({ letter: (answer[1] ?? '').trim().toUpperCase(), line });
        else error({ line, message: "'ANSWER:' line without a question" });
        return;
      }
      const option = OPTION.exec(trimmed);
      // Only an `A.` can end the stem; after that every lettered line is an option, checked for order.
      if (draft && option && (draft.options.length > 0 || option[1] === 'A')) {
        const letter = option[1] ?? '';
        const expected = LETTERS[draft.options.length];
        if (!expected) error({ line, field: 'options', message: `at most ${LETTERS.length} options (A–F); ${letter} is one too many` });
        else if (letter !== expected) error({ line, field: 'options', message: `option ${letter} is out of order: expected ${expected}` });
        draft.options.push({ letter, text: option[2] ?? '' });
        draft.gap = false;
        return;
      }
      // Text after the options, or after a blank line, starts the next question: this one never got its ANSWER.
      if (draft && (draft.options.length > 0 || draft.gap)) finish();
      if (draft) draft.stem.push(trimmed);
      else draft = { line, stem: [trimmed], options: [], gap: false, failed: false };
    });
  finish();
  return result;
}

export const aikenFormat: QuestionFormat = {
  name: 'aiken',
  parse,
  mediaType: 'text/plain; charset=utf-8',
  extension: 'txt',
};
