import type { QuestionContent } from '../question.types';
import { normalizeAnswer, parseNumber } from './normalize';
import type { QuestionTypeModule } from './question-type';

export const MAX_FILL_LENGTH = 200;

function matches(content: QuestionContent, response: string): boolean {
  const given = normalizeAnswer(response);
  if (!given) return false;
  if ((content.accepted ?? []).some((a) => normalizeAnswer(a) === given)) return true;
  if (content.tolerance === undefined) return false;
  const value = parseNumber(given);
  if (value === undefined) return false;
  return (content.accepted ?? []).some((a) => {
    const target = parseNumber(a);
    // A hair of slack so 0.1 + 0.2-style float noise never fails a right answer.
    return target !== undefined && Math.abs(value - target) <= content.tolerance! + 1e-9;
  });
}

/** Short answer: any accepted answer after normalising case, whitespace and full-/half-width forms. */
export const fillType: QuestionTypeModule<string> = {
  type: 'fill',
  checkDefinition(content) {
    const issues = [];
    const accepted = content.accepted ?? [];
    if (accepted.length === 0) issues.push({ path: 'accepted', message: 'A fill-in question needs at least one accepted answer.' });
    accepted.forEach((a, i) => {
      if (!normalizeAnswer(a)) issues.push({ path: `accepted[${i}]`, message: 'An accepted answer cannot be blank.' });
    });
    if (content.tolerance !== undefined) {
      if (!(content.tolerance >= 0)) issues.push({ path: 'tolerance', message: 'Tolerance must be zero or more.' });
      if (!accepted.some((a) => parseNumber(a) !== undefined)) issues.push({ path: 'tolerance', message: 'Tolerance needs a numeric accepted answer.' });
    }
    if (content.options?.length) issues.push({ path: 'options', message: 'A fill-in question has no options.' });
    return issues;
  },
  checkResponse(_content, response) {
    if (typeof response !== 'string') return { ok: false, message: 'Answer with text.' };
    if (response.length > MAX_FILL_LENGTH) return { ok: false, message: `Answer with at most ${MAX_FILL_LENGTH} characters.` };
    return { ok: true, value: response };
  },
  grade(content, response) {
    return matches(content, response) ? 1 : 0;
  },
  key(content) {
    return content.accepted?.[0] ?? '';
  },
};
