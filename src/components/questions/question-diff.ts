// Field-by-field comparison of two versions of a question, for the version history: each content
// field flattened to a path (stem.en, options[1].text.zh, options[2].correct) and only changes kept.
import type { QuestionContent } from './question.types';

export interface FieldChange {
  path: string;
  /** Absent when the field did not exist in that version. */
  before?: string;
  after?: string;
}

const mark = (value: boolean) => (value ? '✓' : '✗');

export function flattenContent(content: QuestionContent): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['type', content.type],
    ['domain', content.domain],
    ['levels', content.levels.join(', ')],
    ['difficulty', String(content.difficulty)],
    ['knowledgePoint', content.knowledgePoint],
    ['tags', content.tags.join(', ')],
  ];
  const text = (path: string, value: Partial<Record<'zh' | 'en', string>> | undefined) => {
    for (const language of ['zh', 'en'] as const) if (value?.[language] !== undefined) out.push([`${path}.${language}`, value[language]!]);
  };
  text('stem', content.stem);
  text('explanation', content.explanation);
  content.options?.forEach((option, i) => {
    text(`options[${i}].text`, option.text);
    out.push([`options[${i}].correct`, mark(option.correct)]);
    if (option.weight !== undefined) out.push([`options[${i}].weight`, String(option.weight)]);
  });
  if (content.answer !== undefined) out.push(['answer', mark(content.answer)]);
  if (content.accepted !== undefined) out.push(['accepted', content.accepted.join('\n')]);
  if (content.tolerance !== undefined) out.push(['tolerance', String(content.tolerance)]);
  return out.filter(([, value]) => value !== '');
}

/** What changed from `before` to `after`, in the order the fields appear in a question. */
export function diffContent(before: QuestionContent, after: QuestionContent): FieldChange[] {
  const old = new Map(flattenContent(before));
  const next = flattenContent(after);
  const changes: FieldChange[] = [];
  for (const [path, value] of next) {
    const previous = old.get(path);
    if (previous !== value) changes.push({ path, ...(previous !== undefined ? { before: previous } : {}), after: value });
    old.delete(path);
  }
  // Fields the new version dropped (an option removed, a type change) come last.
  for (const [path, value] of old) changes.push({ path, before: value });
  return changes;
}
