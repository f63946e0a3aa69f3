import { planPaper, selectQuestions, type SelectionCandidate } from './question-selection';
import { seededRandom } from './random';

const candidate = (id: string, groups: string[], exposure = 0): SelectionCandidate => ({ id, groups, exposure });

describe('selectQuestions', () => {
  it('when two candidates share a knowledge point, then a paper never holds both, whatever the seed', () => {
    const cell = [candidate('a', ['kp:iou']), candidate('b', ['kp:iou']), candidate('c', ['kp:map']), candidate('d', ['kp:nms'])];
    for (let seed = 1; seed <= 50; seed++) {
      const picked = selectQuestions(cell, 3, new Set(), seededRandom(seed)).map((c) => c.id);
      expect(picked).toHaveLength(3);
      expect(picked.includes('a') && picked.includes('b')).toBe(false);
    }
  });

  it('when enemies leave too few candidates, then it returns fewer rather than break the rule', () => {
    const cell = [candidate('a', ['group:twins']), candidate('b', ['group:twins']), candidate('c', ['kp:x', 'group:twins'])];
    expect(selectQuestions(cell, 2, new Set(), seededRandom(3))).toHaveLength(1);
  });

  it('prefers questions the candidate has not seen, then the least exposed', () => {
    const cell = [candidate('seen', ['kp:1']), candidate('worn', ['kp:2'], 10), candidate('fresh', ['kp:3'])];
    expect(selectQuestions(cell, 1, new Set(['seen']), seededRandom(1)).map((c) => c.id)).toEqual(['fresh']);
  });
});

describe('planPaper', () => {
  it('when a knowledge point spans a tight cell and a roomy one, then the tight cell gets it and both cells fill', () => {
    // Tight: exactly two candidates for two places, one sharing kp:shared with the roomy cell.
    const tight = { need: 2, candidates: [candidate('t1', ['kp:shared']), candidate('t2', ['kp:t2'])] };
    const roomy = { need: 2, candidates: [candidate('r1', ['kp:shared']), candidate('r2', ['kp:r2']), candidate('r3', ['kp:r3'])] };
    for (let seed = 1; seed <= 30; seed++) {
      const [a, b] = planPaper([roomy, tight], new Set(), seededRandom(seed));
      expect(b!.picked.map((c) => c.id).sort()).toEqual(['t1', 't2']);
      expect(a!.picked.map((c) => c.id).sort()).toEqual(['r2', 'r3']);
    }
  });

  it('when the greedy draw leaves a cell short but a swap with another cell fills it, then every seed fills both cells', () => {
    // Both cells have slack 1. Whenever the first cell takes a1, b1 is blocked and b2/b3 share kp:k2: the
    // second cell gets one of two unless a1 is swapped for a2.
    const first = { need: 1, candidates: [candidate('a1', ['kp:k1']), candidate('a2', ['kp:k3'])] };
    const second = { need: 2, candidates: [candidate('b1', ['kp:k1']), candidate('b2', ['kp:k2']), candidate('b3', ['kp:k2'])] };
    for (let seed = 1; seed <= 50; seed++) {
      const plan = planPaper([first, second], new Set(), seededRandom(seed));
      expect(plan.map((p) => p.have)).toEqual([1, 2]);
      expect(plan[0]!.picked.map((c) => c.id)).toEqual(['a2']);
      const groups = plan.flatMap((p) => p.picked.flatMap((c) => c.groups));
      expect(new Set(groups).size).toBe(groups.length);
    }
  });

  it('never puts two of one enemy group on a paper across cells', () => {
    const cells = [0, 1, 2].map((k) => ({ need: 3, candidates: Array.from({ length: 6 }, (_, i) => candidate(`${k}-${i}`, [`kp:${i}`])) }));
    const plan = planPaper(cells, new Set(), seededRandom(7));
    const groups = plan.flatMap((p) => p.picked.flatMap((c) => c.groups));
    expect(new Set(groups).size).toBe(groups.length);
    expect(plan.map((p) => p.have)).toEqual([3, 3, 0]);
  });
});
