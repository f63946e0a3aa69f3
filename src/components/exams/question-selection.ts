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
  if (out.some((p, i) => p.picked.length < cells[i]!.need)) repairShortCells(cells, out);
  return out;
}

/**
 * The greedy draw can leave a cell short while a swap would fill it: a candidate of the short cell is
 * blocked by one question of another cell, and that cell has an unblocked alternative. Makes such swaps
 * (the other cell keeps its count, the short one gains one) until none is left. Each enemy key is held by
 * at most one picked question, so releasing one question's keys frees exactly those.
 */
function repairShortCells<T extends SelectionCandidate>(cells: ReadonlyArray<PaperCell<T>>, out: Array<PlannedCell<T>>): void {
  const holder = new Map<string, { cell: number; question: T }>();
  out.forEach((p, cell) => p.picked.forEach((question) => question.groups.forEach((g) => holder.set(g, { cell, question }))));
  const onPaper = new Set(out.flatMap((p) => p.picked));
  const take = (cell: number, question: T) => {
    out[cell]!.picked.push(question);
    onPaper.add(question);
    question.groups.forEach((g) => holder.set(g, { cell, question }));
  };
  const release = (cell: number, question: T) => {
    out[cell]!.picked = out[cell]!.picked.filter((q) => q !== question);
    onPaper.delete(question);
    question.groups.forEach((g) => holder.delete(g));
  };
  cells.forEach((cell, short) => {
    for (const x of cell.candidates) {
      if (out[short]!.picked.length >= cell.need) break;
      if (onPaper.has(x)) continue;
      const blockers = new Set(x.groups.flatMap((g) => (holder.has(g) ? [holder.get(g)!] : [])).map((h) => h.question));
      if (blockers.size === 0) { take(short, x); continue; }
      if (blockers.size > 1) continue;
      const [y] = [...blockers];
      const from = out.findIndex((p) => p.picked.includes(y!));
      if (from === short) continue;
      release(from, y!);
      const z = cells[from]!.candidates.find((c) => c !== y && !onPaper.has(c) && c.groups.every((g) => !holder.has(g) && !x.groups.includes(g)));
      if (!z) { take(from, y!); continue; }
      take(from, z);
      take(short, x);
    }
  });
  for (const p of out) p.have = p.picked.length;
}
