import type { ImportIssue } from '../question.types';
import { aikenFormat } from './aiken.format';

const parse = (text: string, language: 'zh' | 'en' = 'en') => aikenFormat.parse(text, { language });
const issue = (line: number, message: string) => expect.objectContaining({ line, message: expect.stringContaining(message) }) as ImportIssue;
const options = (texts: string[], correct: number, language: 'zh' | 'en' = 'en') =>
  texts.map((t, i) => ({ text: { [language]: t }, correct: i === correct }));

describe('Aiken parse', () => {
  it('reads a file with both option styles, Chinese text and multilang spans', () => {
    const file = [
      'Which metric is the harmonic mean of precision and recall?', //  1
      'A. Accuracy', //                                                  2
      'B. F1 score', //                                                  3
      'C. AUC', //                                                       4
      'D. Log loss', //                                                  5
      'ANSWER: B', //                                                    6
      '', //                                                             7
      '下列哪种方法可以缓解过拟合？', //                                  8
      'A) 增加模型层数', //                                               9
      'B) 减少训练数据', //                                              10
      'C) L2 正则化', //                                                 11
      'answer: c', //                                                   12
      '<span lang="zh_cn" class="multilang">ReLU 的输出范围是？</span>', // 13
      '<span lang="en" class="multilang">What is the range of ReLU?</span>', // 14
      'A. [0, +∞)', //                                                  15
      'B. (-1, 1)', //                                                  16
      'ANSWER:A', //                                                    17
    ].join('\r\n');
    const result = parse(file, 'zh');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.questions).toEqual([
      {
        line: 1,
        data: {
          type: 'single',
          stem: { zh: 'Which metric is the harmonic mean of precision and recall?' },
          options: options(['Accuracy', 'F1 score', 'AUC', 'Log loss'], 1, 'zh'),
        },
      },
      { line: 8, data: { type: 'single', stem: { zh: '下列哪种方法可以缓解过拟合？' }, options: options(['增加模型层数', '减少训练数据', 'L2 正则化'], 2, 'zh') } },
      { line: 13, data: { type: 'single', stem: { zh: 'ReLU 的输出范围是？', en: 'What is the range of ReLU?' }, options: options(['[0, +∞)', '(-1, 1)'], 0, 'zh') } },
    ]);
    expect(result.questions[0]?.data).not.toHaveProperty('explanation');
  });

  it('keeps a stem of several lines, and a blank line before the options', () => {
    const result = parse('First line,\nsecond line: A.I. is not an option.\n\nA. yes\nB. no\nANSWER: A');
    expect(result.errors).toEqual([]);
    expect(result.questions[0]?.data.stem).toEqual({ en: 'First line,\nsecond line: A.I. is not an option.' });
    expect(result.questions[0]?.data.options).toEqual(options(['yes', 'no'], 0));
  });

  it.each([
    ['option letters out of order', 'Q?\nA. a\nC. c\nB. b\nANSWER: A', [issue(3, 'option C is out of order: expected B'), issue(4, 'option B is out of order: expected C')], 0],
    ['more options than A–F', 'Q?\nA. a\nB. b\nC. c\nD. d\nE. e\nF. f\nG. g\nANSWER: A', [issue(8, 'at most 6 options')], 0],
    ['fewer than 2 options', 'Fine?\nA. y\nB. n\nANSWER: A\n\nQ?\nA. only\nANSWER: A', [issue(6, 'at least 2 options (has 1)')], 1],
    ['a missing ANSWER line', 'Q1?\nA. a\nB. b\n\nQ2?\nA. a\nB. b\nANSWER: B', [issue(1, "missing 'ANSWER: X'")], 1],
    ['a missing ANSWER line at the end', 'Q1?\nA. a\nB. b\nANSWER: B\nQ2?\nA. a\nB. b', [issue(5, "missing 'ANSWER: X'")], 1],
    ['ANSWER naming a letter with no option', 'Q?\nA. a\nB. b\nANSWER: D', [issue(4, 'ANSWER "D" names no option')], 0],
    ['ANSWER with no question', '\nANSWER: A', [issue(2, 'without a question')], 0],
    ['a stem with no options', 'Just a sentence.\n\nQ?\nA. a\nB. b\nANSWER: A', [issue(1, 'at least 2 options (has 0)'), issue(1, "missing 'ANSWER: X'")], 1],
  ] as const)('reports %s with its line', (_label, text, errors, questions) => {
    const result = parse(text);
    expect(result.errors).toEqual(errors);
    expect(result.questions).toHaveLength(questions);
  });

  it('is tolerant of a missing blank line after ANSWER', () => {
    const result = parse('Q1?\nA. a\nB. b\nANSWER: A\nQ2?\nA. c\nB. d\nANSWER: B');
    expect(result.errors).toEqual([]);
    expect(result.questions.map((q) => q.line)).toEqual([1, 5]);
  });

  it('is import only', () => {
    expect(aikenFormat.serialize).toBeUndefined();
  });
});
