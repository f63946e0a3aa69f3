// Draws papers from a bank held in memory exactly as a candidate's start does (planPaper, enemy keys), many
// times: a cell can hold enough questions and still come up short once no two of one knowledge point or
// enemy group may share a paper. Used by `npm run bank:coverage` and the seed bank's tests; no database.
import { enemyKeys, type PaperBlueprint, type QuestionContent } from '../questions';
import { planPaper, type SelectionCandidate } from './question-selection';
import { seededRandom } from './random';

export interface RehearsalShortfall {
  domain: string;
  type: string;
  need: number;
  /** The fewest the cell supplied in any draw. */
  worst: number;
}

export interface Rehearsal {
  code: string;
  draws: number;
  /** Draws in which at least one cell came up short (a candidate's start would have failed). */
  failed: number;
  short: RehearsalShortfall[];
}

export function rehearsePapers(blueprint: PaperBlueprint, questions: readonly Pick<QuestionContent, 'levels' | 'domain' | 'type' | 'usage' | 'difficulty' | 'knowledgePoint' | 'enemyGroup'>[], draws = 50): Rehearsal {
  const { difficulty } = blueprint;
  const cells = blueprint.cells.map((cell) => ({
    ...cell,
    candidates: questions.flatMap((q, i): SelectionCandidate[] =>
      (q.levels as number[]).includes(blueprint.level) &&
      q.domain === cell.domain &&
      q.type === cell.type &&
      (q.usage ?? 'practice') === blueprint.pool &&
      (!difficulty || (q.difficulty >= difficulty.min && q.difficulty <= difficulty.max))
        ? [{ id: String(i), exposure: 0, groups: enemyKeys(q) }]
        : [],
    ),
  }));
  const worst = cells.map((c) => c.need);
  let failed = 0;
  for (let seed = 1; seed <= draws; seed++) {
    const planned = planPaper(cells, new Set(), seededRandom(seed));
    let short = false;
    planned.forEach((p, i) => {
      if (p.have < cells[i]!.need) short = true;
      worst[i] = Math.min(worst[i]!, p.have);
    });
    if (short) failed++;
  }
  return {
    code: blueprint.code,
    draws,
    failed,
    short: cells.flatMap((c, i) => (worst[i]! < c.need ? [{ domain: c.domain, type: c.type, need: c.need, worst: worst[i]! }] : [])),
  };
}
