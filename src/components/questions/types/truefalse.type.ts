import type { QuestionTypeModule } from './question-type';

/** A statement judged true or false; the response is a boolean. */
export const trueFalseType: QuestionTypeModule<boolean> = {
  type: 'truefalse',
  checkDefinition(content) {
    const issues = [];
    if (typeof content.answer !== 'boolean') issues.push({ path: 'answer', message: 'A true/false question needs answer true or false.' });
    if (content.options?.length) issues.push({ path: 'options', message: 'A true/false question has no options.' });
    return issues;
  },
  checkResponse(_content, response) {
    return typeof response === 'boolean' ? { ok: true, value: response } : { ok: false, message: 'Answer true or false.' };
  },
  grade(content, response) {
    return response === content.answer ? 1 : 0;
  },
  key(content) {
    return content.answer === true;
  },
};
