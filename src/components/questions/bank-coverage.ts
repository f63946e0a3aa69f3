// Can the shipped bank assemble the default certification papers, with room to vary them?
// Every (level, domain, type) cell must hold at least 1.5x what one paper draws from it.
import { NATIONAL_FORMATS, paperDemand } from '../exams/national-format';
import type { SeedQuestion } from './question-seed.service';
import type { Domain, QuestionType } from './question.types';

export const COVERAGE_FACTOR = 1.5;

export interface CoverageRow {
  level: number;
  domain: Domain;
  type: QuestionType;
  need: number;
  want: number;
  have: number;
  ok: boolean;
}

export function coverage(questions: SeedQuestion[], levels: Array<3 | 4 | 5> = [5, 4, 3]): CoverageRow[] {
  return levels.flatMap((level) =>
    paperDemand(NATIONAL_FORMATS[level]).map((cell) => {
      const have = questions.filter((q) => q.content.domain === cell.domain && q.content.type === cell.type && q.content.levels.includes(level as never)).length;
      const want = Math.ceil(cell.need * COVERAGE_FACTOR);
      return { ...cell, want, have, ok: have >= want };
    }),
  );
}

export interface Composition {
  total: number;
  byType: Record<string, number>;
  trueShare: number;
  singleKeyPositions: number[];
  byDifficulty: Record<string, number>;
  problems: string[];
}

/** Bank-wide shape: type shares, true/false balance, key positions, difficulty spread. */
export function composition(questions: SeedQuestion[]): Composition {
  const byType: Record<string, number> = {};
  const byDifficulty: Record<string, number> = {};
  const positions = [0, 0, 0, 0, 0, 0];
  let trues = 0;
  for (const q of questions) {
    byType[q.content.type] = (byType[q.content.type] ?? 0) + 1;
    byDifficulty[q.content.difficulty] = (byDifficulty[q.content.difficulty] ?? 0) + 1;
    if (q.content.type === 'truefalse' && q.content.answer) trues++;
    if (q.content.type === 'single') positions[q.content.options!.findIndex((o) => o.correct)]! += 1;
  }
  const total = questions.length;
  const share = (type: string) => (byType[type] ?? 0) / Math.max(total, 1);
  const trueShare = trues / Math.max(byType.truefalse ?? 0, 1);
  const problems: string[] = [];
  if (share('truefalse') < 0.25) problems.push(`true/false is ${(share('truefalse') * 100).toFixed(1)}% of the bank (needs 25%+)`);
  if (share('multiple') < 0.1) problems.push(`multiple choice is ${(share('multiple') * 100).toFixed(1)}% (needs 10%+)`);
  if (share('fill') < 0.03) problems.push(`fill-in is ${(share('fill') * 100).toFixed(1)}% (needs 3%+)`);
  if (trueShare < 0.4 || trueShare > 0.6) problems.push(`${(trueShare * 100).toFixed(1)}% of true/false keys are true (needs 40–60%)`);
  const singles = byType.single ?? 0;
  positions.slice(0, 4).forEach((n, i) => {
    if (singles && Math.abs(n / singles - 0.25) > 0.05) problems.push(`single-choice key at position ${'ABCD'[i]} in ${((n / singles) * 100).toFixed(1)}% (needs 20–30%)`);
  });
  return { total, byType, trueShare, singleKeyPositions: positions.slice(0, 4), byDifficulty, problems };
}
