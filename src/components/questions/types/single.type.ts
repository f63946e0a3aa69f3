import type { QuestionTypeModule } from './question-type';
import { checkChoiceOptions } from './choice-options';

/** Exactly one correct option among 4–6; the response is one option id. */
export const singleType: QuestionTypeModule<string> = {
  type: 'single',
  checkDefinition(content) {
    const issues = checkChoiceOptions(content);
    const keys = (content.options ?? []).filter((o) => o.correct).length;
    if (keys !== 1) issues.push({ path: 'options', message: `A single-choice question needs exactly one correct option (has ${keys}).` });
    return issues;
  },
  checkResponse(content, response) {
    if (typeof response !== 'string') return { ok: false, message: 'Choose one option id.' };
    if (!(content.options ?? []).some((o) => o.id === response)) return { ok: false, message: `No option "${response}".` };
    return { ok: true, value: response };
  },
  grade(content, response) {
    return (content.options ?? []).some((o) => o.id === response && o.correct) ? 1 : 0;
  },
  key(content) {
    return (content.options ?? []).find((o) => o.correct)?.id ?? '';
  },
};
