// Which questions go on one paper: pure, so the rules are tested without a database.
import { shuffle, type Random } from './random';

export interface SelectionCandidate {
  id: string;
  exposure: number;
  /** Enemy keys (questions/enemy-groups.ts): no two questions sharing one go on one paper. */
  groups: readonly string[];
}

/**
 * Picks up to `count` distinct candidates: first those this candidate has not seen recently, and within
 * each group the least exposed, ties (and near ties) broken at random so papers still differ. Skips any
 * candidate sharing an enemy key with one already on the paper (`blocked`, which it extends).
 * Returns fewer than `count` when the cell cannot supply them.
 */
export function selectQuestions<T extends SelectionCandidate>(
  candidates: readonly T[],
  count: number,
  recentlySeen: ReadonlySet<string>,
  random: Random,
  blocked: Set<string> = new Set(),
): T[] {
  // Shuffling first makes the stable sort below break ties randomly.
  const ranked = shuffle(candidates, random).sort((a, b) => {
    const seen = Number(recentlySeen.has(a.id)) - Number(recentlySeen.has(b.id));
    // Exposure in bands of 2 draws: a question drawn once more than another is not starved.
    return seen || Math.floor(a.exposure / 2) - Math.floor(b.exposure / 2);
  });
  const picked: T[] = [];
  for (const candidate of ranked) {
    if (picked.length === count) break;
    if (candidate.groups.some((g) => blocked.has(g))) continue;
    picked.push(candidate);
    for (const g of candidate.groups) blocked.add(g);
  }
  return picked;
}

export interface PaperCell<T> {
  need: number;
  candidates: readonly T[];
}

export interface PlannedCell<T> {
  picked: T[];
  /** How many the cell could supply given the enemies already on the paper (fewer than need: short). */
  have: number;
}

/**
 * Draws every cell of one paper with no two enemies on it. Cells with the least slack go first, so a
 * knowledge point shared by a tight cell and a roomy one is spent where it is scarce. Returns the picks
 * in the cells' own order.
 */
export function planPaper<T extends SelectionCandidate>(cells: ReadonlyArray<PaperCell<T>>, recentlySeen: ReadonlySet<string>, random: Random): Array<PlannedCell<T>> {
  const blocked = new Set<string>();
  const order = cells.map((cell, index) => ({ cell, index })).sort((a, b) => a.cell.candidates.length - a.cell.need - (b.cell.candidates.length - b.cell.need));
  const out: Array<PlannedCell<T>> = new Array(cells.length);
  for (const { cell, index } of order) {
    const picked = selectQuestions(cell.candidates, cell.need, recentlySeen, random, blocked);
    out[index] = { picked, have: picked.length };
  }
  return out;
}
