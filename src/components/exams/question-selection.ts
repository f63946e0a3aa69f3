// Which questions of a cell go on one paper: pure, so the rules are tested without a database.
import { shuffle, type Random } from './random';

export interface SelectionCandidate {
  id: string;
  exposure: number;
}

/**
 * Picks `count` distinct candidates: first those this candidate has not seen recently, and within
 * each group the least exposed, ties (and near ties) broken at random so papers still differ.
 * Returns undefined when the cell is short.
 */
export function selectQuestions<T extends SelectionCandidate>(
  candidates: readonly T[],
  count: number,
  recentlySeen: ReadonlySet<string>,
  random: Random,
): T[] | undefined {
  if (candidates.length < count) return undefined;
  // Shuffling first makes the stable sort below break ties randomly.
  const ranked = shuffle(candidates, random).sort((a, b) => {
    const seen = Number(recentlySeen.has(a.id)) - Number(recentlySeen.has(b.id));
    // Exposure in bands of 2 draws: a question drawn once more than another is not starved.
    return seen || Math.floor(a.exposure / 2) - Math.floor(b.exposure / 2);
  });
  return ranked.slice(0, count);
}
