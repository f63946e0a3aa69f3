// The canonical format (docs/question-format.md): a JSON array of question objects, as seed files use.
import type { ExportableQuestion, ParseResult, QuestionFormat } from '../question.types';

/** Line on which each top-level array element starts, found by a small scan that respects strings. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/[\s,\]]/.test(ch)) {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1 && ch === '[') expectValue = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectValue = true;
  }
  return lines;
}

function lineOfPosition(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (!position) return 1;
  return text.slice(0, Number(position[1])).split('\n').length;
}

export const jsonFormat: QuestionFormat = {
  name: 'json',
  mediaType: 'application/json',
  extension: 'json',
  parse(text): ParseResult {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      return { questions: [], errors: [{ line: lineOfPosition(text, message), message: `Not valid JSON: ${message}` }], warnings: [] };
    }
    // Accept both a bare array and {"questions": [...]}, as exports of other tools often wrap.
    const list = Array.isArray(data) ? data : (data as { questions?: unknown })?.questions;
    if (!Array.isArray(list)) return { questions: [], errors: [{ line: 1, message: 'Expected a JSON array of questions.' }], warnings: [] };
    const lines = Array.isArray(data) ? elementLines(text) : [];
    const questions = [];
    const errors = [];
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      const line = lines[i] ?? 1;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) errors.push({ line, message: `Item ${i + 1} is not an object.` });
      else questions.push({ line, data: item as Record<string, unknown> });
    }
    return { questions, errors, warnings: [] };
  },
  serialize(questions: ExportableQuestion[]): string {
    return JSON.stringify(
      questions.map(({ version: _version, ...q }) => q),
      null,
      2,
    ) + '\n';
  },
};
