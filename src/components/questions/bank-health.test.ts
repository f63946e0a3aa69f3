import { bankHealth, guessingOnBlueprint, judgePool, similarPairs, type HealthQuestion, type PaperBlueprint } from './bank-health';
import { STRATEGIES } from './guessing-strategies';
import type { QuestionContent, QuestionUse } from './question.types';

let n = 0;
const text = (zh: string, en: string) => ({ zh, en });

/** A single-choice question whose key is option `key` and whose options have the given lengths. */
function single(lengths: number[], key: number, extra: Partial<QuestionContent> = {}): HealthQuestion {
  n++;
  const options = lengths.map((len, i) => ({ id: `o${i}`, text: text(`选项${'甲乙丙丁戊己'[i]}${'字'.repeat(len)}`, `option ${i} ${'w'.repeat(len)}`), correct: i === key }));
  return { code: `IT-${String(n).padStart(4, '0')}`, content: { type: 'single', domain: 'intelligent-training', levels: [3], difficulty: 3, knowledgePoint: `kp-${n}`, tags: ['t'], usage: 'practice', stem: text(`题干${n}：哪一项正确？`, `Stem ${n}: which is right?`), explanation: text('解释', 'Why'), options, ...extra } };
}

function statement(zh: string, en: string, answer: boolean, extra: Partial<QuestionContent> = {}): HealthQuestion {
  n++;
  return { code: `IT-${String(n).padStart(4, '0')}`, content: { type: 'truefalse', domain: 'intelligent-training', levels: [3], difficulty: 3, knowledgePoint: `kp-${n}`, tags: ['t'], usage: 'practice', stem: text(`${zh}（${n}）`, `${en} (${n})`), explanation: text('解释', 'Why'), answer, ...extra } };
}

function multiple(keys: number, extra: Partial<QuestionContent> = {}): HealthQuestion {
  n++;
  const options = [0, 1, 2, 3, 4].map((i) => ({ id: `o${i}`, text: text(`说法${i}：${n}`, `claim ${i} of ${n}`), correct: i < keys }));
  return { code: `IT-${String(n).padStart(4, '0')}`, content: { type: 'multiple', domain: 'intelligent-training', levels: [3], difficulty: 3, knowledgePoint: `kp-${n}`, tags: ['t'], usage: 'practice', stem: text(`题干${n}：哪些正确？`, `Stem ${n}: which are right?`), explanation: text('解释', 'Why'), options, ...extra } };
}

function blueprint(pool: QuestionUse, cells: PaperBlueprint['cells']): PaperBlueprint {
  return { code: 'T-1', title: text('测试', 'Test'), level: 3, pool, passPercent: 60, partialCredit: false, cells };
}

const times = <T>(k: number, make: (i: number) => T): T[] => Array.from({ length: k }, (_, i) => make(i));

describe('the content-blind strategies', () => {
  it('when every key is the longest option, then "pick the longest" earns every single-choice mark and the pool is out of band', () => {
    const bank = times(40, (i) => single([10, 10, 10, 10].map((l, j) => (j === i % 4 ? 20 : l)), i % 4));
    const report = guessingOnBlueprint(blueprint('practice', [{ domain: 'intelligent-training', type: 'single', need: 20, points: 1 }]), bank);
    expect(report.strategies.find((s) => s.id === 'single-longest' && s.language === 'zh')!.share).toBe(1);
    expect(report.best.share).toBe(1);
    expect(judgePool(bank, null).problems.map((p) => p.code)).toContain('longest_key');
  });

  it('when option lengths say nothing, then no single-choice strategy does better than chance', () => {
    // Equal lengths: longest/shortest rules tie every option, so they guess among all four.
    const bank = times(40, (i) => single([10, 10, 10, 10], i % 4));
    const report = guessingOnBlueprint(blueprint('practice', [{ domain: 'intelligent-training', type: 'single', need: 20, points: 1 }]), bank);
    for (const s of report.strategies) expect(s.share).toBeLessThanOrEqual(0.25 + 1e-9);
    // (The fixtures' stems are alike, so only the length bands are asked about.)
    expect(judgePool(bank, null).problems.map((p) => p.code)).not.toContain('longest_key');
  });

  it('when every statement with an absolute word is false, then "false if absolute" earns every true/false mark and the band is broken', () => {
    const bank = [
      ...times(15, () => statement('只要数据足够多，模型就不会过拟合', 'As long as there is enough data, a model never overfits', false)),
      ...times(15, () => statement('验证集用于选择超参数', 'A validation set is used to choose hyper-parameters', true)),
    ];
    const report = guessingOnBlueprint(blueprint('practice', [{ domain: 'intelligent-training', type: 'truefalse', need: 10, points: 1 }]), bank);
    expect(report.strategies.find((s) => s.id === 'tf-absolute-false' && s.language === 'zh')!.share).toBe(1);
    expect(judgePool(bank, null).problems.map((p) => p.code)).toContain('absolute_words');
  });

  it('when every multiple-choice question has 3 keys and they are the first three, then the key-count band is broken', () => {
    const bank = times(12, () => multiple(3));
    expect(judgePool(bank, null).problems.map((p) => p.code)).toContain('key_counts');
    const mixed = times(12, (i) => multiple(2 + (i % 3)));
    expect(judgePool(mixed, null).problems.map((p) => p.code)).not.toContain('key_counts');
  });

  it('lists a strategy for every question type the papers use', () => {
    expect(new Set(STRATEGIES.map((s) => s.type))).toEqual(new Set(['truefalse', 'single', 'multiple']));
  });
});

describe('near-duplicates and pools', () => {
  const stem = (q: HealthQuestion, zh: string, en: string): HealthQuestion => ({ ...q, content: { ...q.content, stem: text(zh, en) } });
  const twinA = stem(single([10, 10, 10, 10], 0), '训练损失持续下降而验证损失上升，最可能的原因是什么？', 'Training loss keeps falling while validation loss rises; what is the most likely cause?');
  const twinB = stem({ ...single([10, 10, 10, 10], 0), content: { ...twinA.content, knowledgePoint: 'another-point' } }, '训练损失持续下降而验证损失上升，最可能的原因是？', 'Training loss keeps falling while validation loss rises: the most likely cause?');

  it('when two questions nearly repeat each other with different knowledge points, then they are a near-duplicate pair that can share a paper', () => {
    const pairs = similarPairs([twinA, twinB]);
    expect(pairs).toHaveLength(1);
    expect(judgePool([twinA, twinB], null).problems.map((p) => p.code)).toContain('near_duplicates');
  });

  it('when the same two share an enemy group, then assembly keeps them apart and the check does not flag them', () => {
    const grouped = [twinA, { ...twinB, content: { ...twinB.content, enemyGroup: 'overfitting-curves' } }].map((q) => ({ ...q, content: { ...q.content, enemyGroup: 'overfitting-curves' } }));
    expect(judgePool(grouped, null).problems.map((p) => p.code)).not.toContain('near_duplicates');
  });

  it('when a secure question nearly repeats a practice one, then it is reported as a leak; a secure exam reads only secure questions', () => {
    const secure = { ...twinB, content: { ...twinB.content, usage: 'secure' as const } };
    const health = bankHealth([twinA, secure], [blueprint('secure', [{ domain: 'intelligent-training', type: 'single', need: 1, points: 1 }])]);
    expect(health.leaks).toEqual([expect.objectContaining({ similarity: expect.any(Number) })]);
    expect(health.problems.map((p) => p.code)).toContain('pool_leak');
    expect(health.exams[0]!.rates.questions).toBe(1);
  });

  it('when a secure exam has no secure questions, then its cells are short', () => {
    const health = bankHealth(times(5, () => single([10, 10, 10, 10], 1)), [blueprint('secure', [{ domain: 'intelligent-training', type: 'single', need: 2, points: 1 }])]);
    expect(health.problems.map((p) => p.code)).toContain('pool_short');
  });
});
