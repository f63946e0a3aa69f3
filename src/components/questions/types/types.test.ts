import type { QuestionContent } from '../question.types';
import { questionType } from '.';
import { normalizeAnswer, parseNumber } from './normalize';

const text = (s: string) => ({ zh: `${s}（中）`, en: s });
const base = { domain: 'intelligent-training' as const, difficulty: 3 as const, knowledgePoint: 'x', tags: ['x'], usage: 'practice' as const, stem: text('Q'), explanation: text('E') };
const options = (correct: number[], n = 4) =>
  Array.from({ length: n }, (_, i) => ({ id: String.fromCharCode(97 + i), text: text(`option ${i}`), correct: correct.includes(i) }));

const single: QuestionContent = { ...base, levels: [3], type: 'single', options: options([1]) };
const multiple: QuestionContent = { ...base, levels: [3], type: 'multiple', options: options([0, 2], 5) };
const weighted: QuestionContent = {
  ...base,
  levels: [3],
  type: 'multiple',
  options: [
    { id: 'a', text: text('a'), correct: true, weight: 50 },
    { id: 'b', text: text('b'), correct: true, weight: 50 },
    { id: 'c', text: text('c'), correct: false, weight: -100 },
    { id: 'd', text: text('d'), correct: false, weight: 0 },
  ],
};
const tf: QuestionContent = { ...base, levels: [3], type: 'truefalse', answer: false };
const fill: QuestionContent = { ...base, levels: [3], type: 'fill', accepted: ['ReLU', '修正线性单元'] };
const numeric: QuestionContent = { ...base, levels: [3], type: 'fill', accepted: ['0.75'], tolerance: 0.001 };

function grade(content: QuestionContent, response: unknown, partialCredit = false): number | string {
  const module = questionType(content.type);
  const checked = module.checkResponse(content, response);
  return checked.ok ? module.grade(content, checked.value, { partialCredit }) : `invalid: ${checked.message}`;
}

describe('grading', () => {
  it.each([
    ['single: the key', single, 'b', 1],
    ['single: a distractor', single, 'a', 0],
    ['single: unknown option', single, 'z', 'invalid: No option "z".'],
    ['single: wrong shape', single, ['b'], 'invalid: Choose one option id.'],
    ['multiple: exactly the keys', multiple, ['c', 'a'], 1],
    ['multiple: a key missing scores 0 (all-or-nothing)', multiple, ['a'], 0],
    ['multiple: an extra option scores 0', multiple, ['a', 'c', 'd'], 0],
    ['multiple: nothing chosen', multiple, [], 0],
    ['multiple: an option twice', multiple, ['a', 'a'], 'invalid: An option is chosen twice.'],
    ['multiple: extra option id', multiple, ['a', 'f'], 'invalid: No option "f".'],
    ['truefalse: right', tf, false, 1],
    ['truefalse: wrong', tf, true, 0],
    ['truefalse: a string is not a boolean', tf, 'false', 'invalid: Answer true or false.'],
    ['fill: exact', fill, 'ReLU', 1],
    ['fill: case and spaces ignored', fill, '  relu ', 1],
    ['fill: full-width letters', fill, 'ＲｅＬＵ', 1],
    ['fill: the Chinese answer', fill, '修正线性单元', 1],
    ['fill: repeated inner whitespace', { ...fill, accepted: ['gradient descent'] }, 'Gradient   Descent', 1],
    ['fill: wrong', fill, 'sigmoid', 0],
    ['fill: empty', fill, '', 0],
    ['fill: blank', fill, '   ', 0],
    ['fill: numeric within tolerance', numeric, '0.7505', 1],
    ['fill: numeric, full-width digits', numeric, '０．７５', 1],
    ['fill: numeric outside tolerance', numeric, '0.76', 0],
    ['fill: numeric text that is not a number', numeric, 'three quarters', 0],
    ['fill: too long', fill, 'x'.repeat(201), 'invalid: Answer with at most 200 characters.'],
  ] as const)('%s', (_label, content, response, expected) => {
    expect(grade(content as QuestionContent, response)).toBe(expected);
  });

  it.each([
    ['both keys', ['a', 'b'], 1],
    ['one key', ['a'], 0.5],
    ['one key and the -100% option', ['a', 'c'], 0],
    ['both keys and a zero-weight option', ['a', 'b', 'd'], 1],
    ['everything', ['a', 'b', 'c', 'd'], 0],
  ])('multiple with partial credit and Moodle weights: %s -> %s', (_label, response, expected) => {
    expect(grade(weighted, response, true)).toBe(expected);
  });

  it('multiple with partial credit and no weights: each key earns 1/k, each wrong option costs 1/k', () => {
    expect(grade(multiple, ['a'], true)).toBe(0.5);
    expect(grade(multiple, ['a', 'b'], true)).toBe(0);
    expect(grade(multiple, ['a', 'c', 'b'], true)).toBe(0.5);
  });
});

describe('definition rules', () => {
  const paths = (content: QuestionContent) => questionType(content.type).checkDefinition(content).map((i) => i.path);
  it.each([
    ['a valid single', single, []],
    ['single with two keys', { ...single, options: options([0, 1]) }, ['options']],
    ['single with three options', { ...single, options: options([0], 3) }, ['options']],
    ['single with seven options', { ...single, options: options([0], 7) }, ['options']],
    ['single with duplicate option text', { ...single, options: [...options([0], 3), { id: 'd', text: text('OPTION 0'), correct: false }] }, ['options[3].text.zh', 'options[3].text.en']],
    ['multiple with one key', { ...multiple, options: options([0]) }, ['options']],
    ['multiple with weights not adding up', { ...weighted, options: weighted.options!.map((o) => (o.id === 'a' ? { ...o, weight: 30 } : o)) }, ['options']],
    ['multiple with a positive weight on a wrong option', { ...weighted, options: weighted.options!.map((o) => (o.id === 'd' ? { ...o, weight: 10 } : o)) }, ['options[3].weight', 'options']],
    ['truefalse without answer', { ...tf, answer: undefined }, ['answer']],
    ['fill without accepted answers', { ...fill, accepted: [] }, ['accepted']],
    ['fill with a blank accepted answer', { ...fill, accepted: ['ok', ' '] }, ['accepted[1]']],
    ['fill with tolerance but no number', { ...fill, tolerance: 0.1 }, ['tolerance']],
  ] as const)('%s', (_label, content, expected) => {
    expect(paths(content as QuestionContent)).toEqual(expected);
  });
});

describe('normalisation', () => {
  it.each([
    ['  Hello   World ', 'hello world'],
    ['ＡＢＣ１２３', 'abc123'],
    ['Ｒｅ　ＬＵ', 're lu'],
  ])('normalizeAnswer(%j) = %j', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['3.14', 3.14],
    ['１，０００', 1000],
    ['-2e3', -2000],
    ['.5', 0.5],
    ['3.1.4', undefined],
    ['abc', undefined],
  ])('parseNumber(%j) = %j', (input, expected) => {
    expect(parseNumber(input)).toBe(expected);
  });
});
