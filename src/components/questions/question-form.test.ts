import { diffContent } from './question-diff';
import { emptyForm, fieldForPath, formErrors, formProblems, formToInput, readForm } from './question-form';
import type { QuestionContent } from './question.types';

const base: QuestionContent = {
  type: 'single',
  domain: 'intelligent-training',
  levels: [3],
  difficulty: 3,
  knowledgePoint: 'overfitting',
  tags: ['overfitting'],
  usage: 'practice',
  stem: { zh: '题干', en: 'Stem' },
  explanation: { zh: '解析', en: 'Why' },
  options: ['a', 'b', 'c', 'd'].map((id, i) => ({ id, text: { zh: `选项${i}`, en: `Option ${i}` }, correct: i === 0 })),
};

describe('formToInput', () => {
  it('when option slots are left blank, then they are skipped and errors map back to the slot they came from', () => {
    const form = readForm({
      type: 'single',
      opt0Zh: '甲', opt0Correct: 'on', opt0Id: 'b',
      opt2En: 'C', opt2Id: 'b',
      opt5Zh: '己',
    });
    const { input, slots } = formToInput(form);
    expect(slots).toEqual([0, 2, 5]);
    // A kept id stays; a clashing or missing one gets the first free letter.
    expect((input.options as Array<{ id: string }>).map((o) => o.id)).toEqual(['b', 'a', 'c']);
    expect(fieldForPath('options[1].text.en', slots)).toBe('opt2En');
    expect(fieldForPath('options[2].weight', slots)).toBe('opt5Weight');
    expect(fieldForPath('options', slots)).toBe('options');
    expect(fieldForPath('levels[0]', slots)).toBe('levels');
    expect(fieldForPath('stem.zh', slots)).toBe('stemZh');
    expect(fieldForPath('reviewer', slots)).toBeUndefined();
  });

  it('when the type is not a choice type, then options are dropped and only that type\'s fields are sent', () => {
    const form = { ...emptyForm(), type: 'fill', accepted: ' ReLU \n\n修正线性单元 ', tolerance: '', answer: 'true', tags: 'a-b，c-d, ' };
    form.options[0] = { id: 'a', zh: '甲', en: '', correct: true, weight: '' };
    const { input } = formToInput(form);
    expect(input).toMatchObject({ type: 'fill', accepted: ['ReLU', '修正线性单元'], tags: ['a-b', 'c-d'] });
    expect(input.options).toBeUndefined();
    expect(input.answer).toBeUndefined();
    expect('options' in input).toBe(true);
  });
});

describe('formProblems and formErrors', () => {
  it('when a field is badly shaped, then the type rules are still checked and every problem is reported', () => {
    const { input, slots } = formToInput(
      readForm({ type: 'single', domain: 'intelligent-training', levels: '3', knowledgePoint: 'Not Kebab', opt0Zh: '甲', opt0Correct: '1', opt1Zh: '乙', opt1Correct: '1' }),
    );
    const problems = formProblems(input);
    expect(problems.map((p) => p.path).sort()).toEqual(['knowledgePoint', 'options', 'options', 'stem']);
    const errors = formErrors('en', problems, slots);
    expect(errors.fields.stem).toBe('Give the text in at least one language.');
    expect(errors.fields.options).toMatch(/^Give 4 to 6 options \(now 2\)\. A single-choice question needs exactly one correct option \(now 2\)\.$/);
    expect(errors.general).toEqual([]);
  });
});

describe('diffContent', () => {
  it('when a text and a key change, then only those paths are listed, old and new', () => {
    const next: QuestionContent = {
      ...base,
      stem: { zh: '题干', en: 'New stem' },
      options: base.options!.map((o, i) => (i === 1 ? { ...o, correct: true } : i === 0 ? { ...o, correct: false } : o)),
    };
    expect(diffContent(base, next)).toEqual([
      { path: 'stem.en', before: 'Stem', after: 'New stem' },
      { path: 'options[0].correct', before: '✓', after: '✗' },
      { path: 'options[1].correct', before: '✗', after: '✓' },
    ]);
  });

  it('when the type changes, then dropped fields are listed last with no new value', () => {
    const tf: QuestionContent = { ...base, type: 'truefalse', answer: true };
    delete tf.options;
    const changes = diffContent(base, tf);
    expect(changes[0]).toEqual({ path: 'type', before: 'single', after: 'truefalse' });
    expect(changes).toContainEqual({ path: 'answer', after: '✓' });
    expect(changes.at(-1)).toEqual({ path: 'options[3].correct', before: '✗' });
  });
});
