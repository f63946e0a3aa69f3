import type { QuestionContent } from '../question.types';
import type { DefinitionIssue } from './question-type';
import { normalizeAnswer } from './normalize';

export const MIN_OPTIONS = 4;
export const MAX_OPTIONS = 6;

/** Rules single and multiple share: 4–6 options, unique ids, no two options saying the same thing. */
export function checkChoiceOptions(content: QuestionContent): DefinitionIssue[] {
  const options = content.options ?? [];
  const issues: DefinitionIssue[] = [];
  if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
    issues.push({ path: 'options', message: `Give ${MIN_OPTIONS} to ${MAX_OPTIONS} options (has ${options.length}).` });
  }
  const ids = new Set<string>();
  options.forEach((option, i) => {
    if (ids.has(option.id)) issues.push({ path: `options[${i}].id`, message: `Option id "${option.id}" is used twice.` });
    ids.add(option.id);
  });
  for (const language of ['zh', 'en'] as const) {
    const seen = new Map<string, number>();
    options.forEach((option, i) => {
      const text = option.text[language];
      if (!text) return;
      // Signs and symbols matter here (−0.5 vs 0.5), so only case and spacing are folded.
      const key = normalizeAnswer(text);
      const first = seen.get(key);
      if (first !== undefined) issues.push({ path: `options[${i}].text.${language}`, message: `Same text as options[${first}].` });
      else seen.set(key, i);
    });
  }
  return issues;
}
