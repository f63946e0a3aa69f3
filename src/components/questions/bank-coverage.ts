// Can the shipped bank assemble the default papers, with room to rotate them, from pools kept apart?
// Every (level, domain, type) cell must hold at least 3x what one paper draws from it, at least half of it
// secure (certification) and the rest practice (mocks); and each level must reach the official review banks'
// scale (../shared/DOMAIN.md). The papers' demand is given by the caller (exams know their format).
import type { SeedQuestion } from './question-seed.service';
import type { Domain, QuestionType } from './question.types';

export const COVERAGE_FACTOR = 3;
/** At least this share of each cell is secure. */
export const SECURE_SHARE = 0.5;

/** One cell of a default paper: what a paper at `level` draws of (domain, type). */
export interface CellDemand {
  level: number;
  domain: Domain;
  type: QuestionType;
  need: number;
}

export interface CoverageRow extends CellDemand {
  want: number;
  have: number;
  secure: number;
  practice: number;
  /** Each pool fills one paper on its own: the exams can be published (the floor). */
  publishable: boolean;
  /** The target: 3x one paper, at least half secure, each pool filling a paper. */
  ok: boolean;
}

const inLevel = (q: SeedQuestion, level: number) => (q.content.levels as number[]).includes(level);

export function coverage(questions: SeedQuestion[], demand: CellDemand[]): CoverageRow[] {
  return demand.map((cell) => {
    const here = questions.filter((q) => q.content.domain === cell.domain && q.content.type === cell.type && inLevel(q, cell.level));
    const secure = here.filter((q) => q.content.usage === 'secure').length;
    const practice = here.length - secure;
    const want = Math.ceil(cell.need * COVERAGE_FACTOR);
    // Both pools must fill a paper on their own; the target adds room to rotate, at least half of it secure.
    const publishable = secure >= cell.need && practice >= cell.need;
    const ok = publishable && here.length >= want && secure >= Math.ceil(here.length * SECURE_SHARE);
    return { ...cell, want, have: here.length, secure, practice, publishable, ok };
  });
}

/** The official review banks' size per level and type, and how much of level 5 must not be level 4's. */
export const OFFICIAL_SCALE: Record<3 | 4 | 5, Partial<Record<QuestionType, number>>> = {
  3: { truefalse: 300, single: 300, multiple: 300 },
  4: { truefalse: 250, single: 500 },
  5: { truefalse: 250, single: 500 },
};
export const LEVEL_5_OWN_SHARE = 0.4;

export interface ScaleRow {
  level: number;
  type: QuestionType;
  want: number;
  have: number;
  ok: boolean;
}

export function scale(questions: SeedQuestion[]): { rows: ScaleRow[]; level5Own: number; level5Total: number; ok: boolean } {
  const rows: ScaleRow[] = [];
  for (const [level, types] of Object.entries(OFFICIAL_SCALE)) {
    for (const [type, want] of Object.entries(types) as Array<[QuestionType, number]>) {
      const have = questions.filter((q) => q.content.type === type && inLevel(q, Number(level))).length;
      rows.push({ level: Number(level), type, want, have, ok: have >= want });
    }
  }
  const level5 = questions.filter((q) => inLevel(q, 5) && ['truefalse', 'single'].includes(q.content.type));
  const level5Own = level5.filter((q) => !inLevel(q, 4)).length;
  const ok = rows.every((r) => r.ok) && level5Own >= level5.length * LEVEL_5_OWN_SHARE;
  return { rows, level5Own, level5Total: level5.length, ok };
}

export interface Composition {
  total: number;
  byType: Record<string, number>;
  trueShare: number;
  singleKeyPositions: number[];
  byDifficulty: Record<string, number>;
  /** Mean rated difficulty per level: level 3 should be the hardest of 5, 4, 3. */
  meanDifficulty: Record<string, number>;
  problems: string[];
}

/** Bank-wide shape: type shares, true/false balance, key positions, difficulty spread by level. */
export function composition(questions: SeedQuestion[]): Composition {
  const byType: Record<string, number> = {};
  const byDifficulty: Record<string, number> = {};
  const positions = [0, 0, 0, 0, 0, 0];
  const difficultySum: Record<string, { sum: number; n: number }> = {};
  let trues = 0;
  for (const q of questions) {
    byType[q.content.type] = (byType[q.content.type] ?? 0) + 1;
    byDifficulty[q.content.difficulty] = (byDifficulty[q.content.difficulty] ?? 0) + 1;
    for (const level of q.content.levels) {
      const d = (difficultySum[level] ??= { sum: 0, n: 0 });
      d.sum += q.content.difficulty;
      d.n += 1;
    }
    if (q.content.type === 'truefalse' && q.content.answer) trues++;
    if (q.content.type === 'single') positions[q.content.options!.findIndex((o) => o.correct)]! += 1;
  }
  const total = questions.length;
  const trueShare = trues / Math.max(byType.truefalse ?? 0, 1);
  const meanDifficulty = Object.fromEntries(Object.entries(difficultySum).map(([level, d]) => [level, Math.round((d.sum / d.n) * 100) / 100]));
  const problems: string[] = [];
  if (trueShare < 0.4 || trueShare > 0.6) problems.push(`${(trueShare * 100).toFixed(1)}% of true/false keys are true (needs 40–60%)`);
  const singles = byType.single ?? 0;
  positions.slice(0, 4).forEach((n, i) => {
    if (singles && Math.abs(n / singles - 0.25) > 0.05) problems.push(`single-choice key at position ${'ABCD'[i]} in ${((n / singles) * 100).toFixed(1)}% (needs 20–30%)`);
  });
  const [d5, d4, d3] = [meanDifficulty[5], meanDifficulty[4], meanDifficulty[3]];
  if (d5 !== undefined && d4 !== undefined && d3 !== undefined && !(d5 < d4 && d4 < d3)) {
    problems.push(`mean difficulty by level 5/4/3 is ${d5}/${d4}/${d3} (each level should be harder than the one below)`);
  }
  return { total, byType, trueShare, singleKeyPositions: positions.slice(0, 4), byDifficulty, meanDifficulty, problems };
}
