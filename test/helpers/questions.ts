// Builders for question payloads in the canonical JSON format (docs/question-format.md).
let counter = 0;

export interface SampleQuestion {
  code?: string;
  type: string;
  domain: string;
  levels: number[];
  difficulty: number;
  knowledgePoint: string;
  tags: string[];
  stem: { zh: string; en: string };
  explanation: { zh: string; en: string };
  options: Array<{ text: { zh: string; en: string }; correct: boolean }>;
}

/** A valid bilingual single-choice question with a unique stem. */
export function sampleQuestion(overrides: Partial<SampleQuestion> = {}): SampleQuestion {
  counter += 1;
  const n = `${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    type: 'single',
    domain: 'intelligent-training',
    levels: [3, 2, 1],
    difficulty: 3,
    // Its own knowledge point: questions sharing one never go on one paper.
    knowledgePoint: `overfitting-${counter}`,
    tags: ['overfitting'],
    stem: { zh: `第${n}题：哪种做法最能缓解过拟合？`, en: `Question ${n}: which practice best reduces overfitting?` },
    explanation: { zh: '增加正则化会限制模型复杂度。', en: 'Regularisation limits model complexity.' },
    options: [
      { text: { zh: '增加 L2 正则化', en: 'Add L2 regularisation' }, correct: true },
      { text: { zh: '增加模型层数', en: 'Add more layers' }, correct: false },
      { text: { zh: '减少训练数据', en: 'Use less training data' }, correct: false },
      { text: { zh: '去掉验证集', en: 'Drop the validation set' }, correct: false },
    ],
    ...overrides,
  };
}
