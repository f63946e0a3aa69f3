import type { QuestionContent } from '../question.types';
import { checkChoiceOptions } from './choice-options';
import type { QuestionTypeModule } from './question-type';

/** Option weights as fractions: given Moodle percentages, else +1/k for each of k keys and -1/k for wrong. */
function weights(content: QuestionContent): Map<string, number> {
  const options = content.options ?? [];
  const keys = options.filter((o) => o.correct).length || 1;
  return new Map(options.map((o) => [o.id, o.weight !== undefined ? o.weight / 100 : o.correct ? 1 / keys : -1 / keys]));
}

/** Two or more correct options among 4–6; the response is a set of option ids. */
export const multipleType: QuestionTypeModule<string[]> = {
  type: 'multiple',
  checkDefinition(content) {
    const issues = checkChoiceOptions(content);
    const options = content.options ?? [];
    const keys = options.filter((o) => o.correct).length;
    if (keys < 2) issues.push({ path: 'options', message: `A multiple-choice question needs at least two correct options (has ${keys}).` });
    options.forEach((o, i) => {
      if (o.weight === undefined) return;
      if (o.correct !== o.weight > 0) issues.push({ path: `options[${i}].weight`, message: 'A correct option needs a positive weight, a wrong one zero or less.' });
    });
    const positive = options.reduce((sum, o) => sum + (o.weight !== undefined && o.weight > 0 ? o.weight : 0), 0);
    if (options.some((o) => o.weight !== undefined) && Math.abs(positive - 100) > 0.5) {
      issues.push({ path: 'options', message: `Positive weights must add up to 100 (they add up to ${positive}).` });
    }
    return issues;
  },
  checkResponse(content, response) {
    if (!Array.isArray(response) || response.some((r) => typeof r !== 'string')) return { ok: false, message: 'Choose a list of option ids.' };
    const ids = new Set((content.options ?? []).map((o) => o.id));
    const unknown = response.find((r) => !ids.has(r));
    if (unknown !== undefined) return { ok: false, message: `No option "${unknown}".` };
    if (new Set(response).size !== response.length) return { ok: false, message: 'An option is chosen twice.' };
    return { ok: true, value: response as string[] };
  },
  grade(content, response, { partialCredit }) {
    const chosen = new Set(response);
    const options = content.options ?? [];
    if (!partialCredit) {
      // The national exam's rule: any wrong or missing option scores zero.
      return options.every((o) => o.correct === chosen.has(o.id)) ? 1 : 0;
    }
    const w = weights(content);
    const sum = [...chosen].reduce((total, id) => total + (w.get(id) ?? 0), 0);
    return Math.min(1, Math.max(0, Math.round(sum * 1e6) / 1e6));
  },
  key(content) {
    return (content.options ?? []).filter((o) => o.correct).map((o) => o.id);
  },
};
