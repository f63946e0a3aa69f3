// Grading a whole paper: pure, from the question type registry. No database, no clock.
import { questionType, type QuestionContent } from '../questions';
import type { AttemptItem, AttemptResult, ItemResult, SavedResponse } from './attempt.model';

export interface GradingInput {
  items: AttemptItem[];
  /** Content of each item's exact version, keyed `${questionId}:${version}`. */
  contents: Map<string, QuestionContent>;
  responses: Record<string, SavedResponse | undefined>;
  partialCredit: boolean;
  passPercent: number;
  startedAt: Date;
  finishedAt: Date;
  finalizedBy: 'submitted' | 'deadline';
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function gradeItem(content: QuestionContent, response: unknown, points: number, partialCredit: boolean): { earned: number; correct: boolean } {
  if (response === undefined || response === null) return { earned: 0, correct: false };
  const module = questionType(content.type);
  const checked = module.checkResponse(content, response);
  if (!checked.ok) return { earned: 0, correct: false };
  const fraction = module.grade(content, checked.value, { partialCredit });
  return { earned: round(fraction * points, 4), correct: fraction === 1 };
}

export function gradeAttempt(input: GradingInput): AttemptResult {
  const items: ItemResult[] = [];
  const domains = new Map<string, { score: number; max: number }>();
  for (const item of input.items) {
    const content = input.contents.get(`${item.questionId.toHexString()}:${item.version}`);
    // A version that cannot be found scores nothing rather than failing the whole paper.
    const response = input.responses[item.itemId]?.response ?? null;
    const { earned, correct } = content ? gradeItem(content, response, item.points, input.partialCredit) : { earned: 0, correct: false };
    items.push({ itemId: item.itemId, earned, points: item.points, correct, response });
    const d = domains.get(item.domain) ?? { score: 0, max: 0 };
    d.score += earned;
    d.max += item.points;
    domains.set(item.domain, d);
  }
  const score = round(items.reduce((s, i) => s + i.earned, 0));
  const max = round(items.reduce((s, i) => s + i.points, 0));
  const percent = max ? round((score / max) * 100, 1) : 0;
  return {
    score,
    max,
    percent,
    passed: percent >= input.passPercent,
    byDomain: [...domains].map(([domain, d]) => ({ domain, score: round(d.score), max: round(d.max), percent: d.max ? round((d.score / d.max) * 100, 1) : 0 })),
    items,
    timeUsedSeconds: Math.max(0, Math.round((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000)),
    gradedAt: input.finishedAt,
    finalizedBy: input.finalizedBy,
  };
}
