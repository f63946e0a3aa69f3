// The bank health check: does a pool measure knowledge, or can test-taking tricks pass it? Per exam pool:
// how often the key is the longest option, how absolute words split between true and false statements, how
// many keys multiple-choice questions have, key positions, near-duplicate pairs, and what each content-blind
// strategy (guessing-strategies.ts) is expected to score on the exam's blueprint beside its pass mark.
// Used by `npm run lint:bank` (the seed), the live bank's health page, and the import report. Pure.
import { areEnemies } from './enemy-groups';
import { ABSOLUTE_WORDS, chanceCredit, jaccard, poolHints, STRATEGIES, tokens, type StrategyType } from './guessing-strategies';
import type { Domain, Language, QuestionContent, QuestionUse } from './question.types';

/** The bands a healthy pool stays within (issue 12; seed check and health page alike). */
export const HEALTH_BANDS = {
  /** Keys that are strictly the longest option, among single-choice questions. */
  maxLongestKeyShare: 0.35,
  /** True statements among true/false statements with an absolute word. */
  absoluteTrueShare: { min: 0.35, max: 0.65 },
  /** The most common number of keys, among multiple-choice questions. */
  maxKeyCountShare: 0.5,
  /** The best content-blind combination, as a share of the paper's marks. */
  maxGuessingShare: 0.45,
  /** Stem-and-key similarity from which two questions count as near-duplicates. */
  nearDuplicate: 0.6,
  /** Fewer items than this and a rate is shown but not judged. */
  minItemsForRate: 20,
};

export interface HealthQuestion {
  code: string;
  content: QuestionContent;
}

export interface PaperCell {
  domain: Domain | string;
  type: string;
  need: number;
  points: number;
}

/** What the check needs to know of an exam: its pool and what one paper draws from each cell. */
export interface PaperBlueprint {
  code: string;
  title: Record<Language, string>;
  level: number;
  pool: QuestionUse;
  passPercent: number;
  partialCredit: boolean;
  difficulty?: { min: number; max: number };
  cells: PaperCell[];
}

export interface PoolRates {
  questions: number;
  byType: Record<string, number>;
  singles: number;
  /** Share of single-choice keys strictly the longest / shortest option, per language. */
  longestKey: Record<Language, number>;
  shortestKey: Record<Language, number>;
  statements: number;
  trueShare: number;
  /** True/false statements with an absolute word, and how many of them are true, per language. */
  absolute: Record<Language, { total: number; true: number }>;
  /** Multiple-choice questions by number of keys. */
  keyCounts: Record<string, number>;
  /** Key positions (file order, A first) of single and multiple choice: shuffled per candidate when the exam does. */
  keyPositions: number[];
}

const textOf = (t: Partial<Record<Language, string>> | undefined, lang: Language): string => t?.[lang] ?? t?.zh ?? t?.en ?? '';
const LANGS: Language[] = ['zh', 'en'];

export function poolRates(questions: readonly QuestionContent[]): PoolRates {
  const byType: Record<string, number> = {};
  const longestKey = { zh: 0, en: 0 };
  const shortestKey = { zh: 0, en: 0 };
  const absolute = { zh: { total: 0, true: 0 }, en: { total: 0, true: 0 } };
  const keyCounts: Record<string, number> = {};
  const keyPositions = [0, 0, 0, 0, 0, 0];
  let singles = 0;
  let statements = 0;
  let trues = 0;
  for (const q of questions) {
    byType[q.type] = (byType[q.type] ?? 0) + 1;
    const options = q.options ?? [];
    options.forEach((o, i) => {
      if (o.correct && i < keyPositions.length) keyPositions[i]! += 1;
    });
    if (q.type === 'single' && options.length) {
      singles++;
      const key = options.findIndex((o) => o.correct);
      for (const lang of LANGS) {
        const lengths = options.map((o) => [...textOf(o.text, lang)].length);
        if (lengths.every((n, i) => i === key || n < lengths[key]!)) longestKey[lang]++;
        if (lengths.every((n, i) => i === key || n > lengths[key]!)) shortestKey[lang]++;
      }
    }
    if (q.type === 'truefalse') {
      statements++;
      if (q.answer) trues++;
      for (const lang of LANGS) {
        if (!ABSOLUTE_WORDS[lang].test(textOf(q.stem, lang))) continue;
        absolute[lang].total++;
        if (q.answer) absolute[lang].true++;
      }
    }
    if (q.type === 'multiple') {
      const k = String(options.filter((o) => o.correct).length);
      keyCounts[k] = (keyCounts[k] ?? 0) + 1;
    }
  }
  const share = (n: number, of: number) => (of ? n / of : 0);
  return {
    questions: questions.length,
    byType,
    singles,
    longestKey: { zh: share(longestKey.zh, singles), en: share(longestKey.en, singles) },
    shortestKey: { zh: share(shortestKey.zh, singles), en: share(shortestKey.en, singles) },
    statements,
    trueShare: share(trues, statements),
    absolute,
    keyCounts,
    keyPositions,
  };
}

// ---------------------------------------------------------------- near-duplicates

export interface SimilarPair {
  a: string;
  b: string;
  similarity: number;
}

interface Comparable {
  code: string;
  content: QuestionContent;
  sets: Record<Language, Set<string>>;
}

function comparable(q: HealthQuestion): Comparable {
  // The stem and the keys: two questions that share both give each other away.
  const text = (lang: Language) => [textOf(q.content.stem, lang), ...(q.content.options ?? []).filter((o) => o.correct).map((o) => textOf(o.text, lang))].join(' ');
  return { code: q.code, content: q.content, sets: { zh: tokens(text('zh'), 'zh'), en: tokens(text('en'), 'en') } };
}

/**
 * Pairs whose stem-and-key similarity (Jaccard, the higher of the two languages) reaches `threshold`. A
 * prefix-filtered similarity join: only pairs sharing one of their rarest tokens are compared, so a large
 * bank is not compared pair by pair; exact for Jaccard at or above the threshold.
 */
export function similarPairs(questions: readonly HealthQuestion[], threshold = HEALTH_BANDS.nearDuplicate, among?: (a: HealthQuestion, b: HealthQuestion) => boolean): SimilarPair[] {
  const items = questions.map(comparable);
  const candidates = new Set<string>();
  for (const lang of LANGS) {
    const frequency = new Map<string, number>();
    for (const item of items) for (const t of item.sets[lang]) frequency.set(t, (frequency.get(t) ?? 0) + 1);
    const index = new Map<string, number[]>();
    items.forEach((item, i) => {
      const ordered = [...item.sets[lang]].sort((x, y) => frequency.get(x)! - frequency.get(y)! || (x < y ? -1 : 1));
      const prefix = ordered.length - Math.ceil(threshold * ordered.length) + 1;
      for (const t of ordered.slice(0, Math.max(prefix, 0))) {
        const list = index.get(t);
        if (list) {
          for (const j of list) candidates.add(j < i ? `${j}:${i}` : `${i}:${j}`);
          list.push(i);
        } else index.set(t, [i]);
      }
    });
  }
  const pairs: SimilarPair[] = [];
  for (const key of candidates) {
    const [i, j] = key.split(':').map(Number) as [number, number];
    const a = items[i]!;
    const b = items[j]!;
    if (among && !among(questions[i]!, questions[j]!)) continue;
    const similarity = Math.max(jaccard(a.sets.zh, b.sets.zh), jaccard(a.sets.en, b.sets.en));
    if (similarity >= threshold) pairs.push({ a: a.code, b: b.code, similarity: Math.round(similarity * 100) / 100 });
  }
  return pairs.sort((x, y) => y.similarity - x.similarity || x.a.localeCompare(y.a));
}

// ---------------------------------------------------------------- guessing on a blueprint

export interface StrategyScore {
  id: string;
  type: StrategyType;
  label: Record<Language, string>;
  language: Language;
  /** Expected points on the section of this type, and that as a share of the section's marks. */
  points: number;
  share: number;
}

export interface GuessingReport {
  totalPoints: number;
  passPoints: number;
  /** Chance alone, for comparison. */
  chancePoints: number;
  strategies: StrategyScore[];
  /** The best content-blind combination: one strategy per section type, in the language that suits it best. */
  best: { language: Language; points: number; share: number; picks: Record<string, string> };
}

function inCell(blueprint: PaperBlueprint, cell: PaperCell, q: QuestionContent): boolean {
  return (
    q.type === cell.type &&
    q.domain === cell.domain &&
    (q.usage ?? 'practice') === blueprint.pool &&
    (q.levels as number[]).includes(blueprint.level) &&
    (!blueprint.difficulty || (q.difficulty >= blueprint.difficulty.min && q.difficulty <= blueprint.difficulty.max))
  );
}

/** The questions a blueprint draws from, per cell. */
export function blueprintPool(blueprint: PaperBlueprint, questions: readonly HealthQuestion[]): Array<{ cell: PaperCell; questions: HealthQuestion[] }> {
  return blueprint.cells.map((cell) => ({ cell, questions: questions.filter((q) => inCell(blueprint, cell, q.content)) }));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function guessingOnBlueprint(blueprint: PaperBlueprint, questions: readonly HealthQuestion[]): GuessingReport {
  const cells = blueprintPool(blueprint, questions);
  const hints = poolHints(cells.flatMap((c) => c.questions.map((q) => q.content)));
  const totalPoints = blueprint.cells.reduce((sum, c) => sum + c.need * c.points, 0);
  const sectionPoints = new Map<string, number>();
  for (const c of blueprint.cells) sectionPoints.set(c.type, (sectionPoints.get(c.type) ?? 0) + c.need * c.points);
  // Expected points of a per-item credit function over a cell: what `need` random draws from it earn.
  const expected = (credit: (q: QuestionContent) => number, type?: string) =>
    cells.reduce((sum, { cell, questions: qs }) => {
      if ((type && cell.type !== type) || !qs.length) return sum;
      return sum + (cell.need * cell.points * qs.reduce((s, q) => s + credit(q.content), 0)) / qs.length;
    }, 0);
  const strategies: StrategyScore[] = [];
  for (const strategy of STRATEGIES) {
    const section = sectionPoints.get(strategy.type);
    if (!section) continue;
    for (const language of LANGS) {
      const points = expected((q) => strategy.credit(q, language, hints, { partialCredit: blueprint.partialCredit }), strategy.type);
      strategies.push({ id: strategy.id, type: strategy.type, label: strategy.label, language, points: round2(points), share: round2(points / section) });
    }
  }
  let best: GuessingReport['best'] = { language: 'zh', points: 0, share: 0, picks: {} };
  for (const language of LANGS) {
    const picks: Record<string, string> = {};
    let points = 0;
    for (const type of sectionPoints.keys()) {
      const top = strategies.filter((s) => s.language === language && s.type === type).sort((a, b) => b.points - a.points)[0];
      // A type no strategy models (fill-in) earns nothing blind.
      if (top) {
        picks[type] = top.id;
        points += top.points;
      }
    }
    if (points > best.points || !Object.keys(best.picks).length) best = { language, points: round2(points), share: totalPoints ? round2(points / totalPoints) : 0, picks };
  }
  return { totalPoints: round2(totalPoints), passPoints: round2((totalPoints * blueprint.passPercent) / 100), chancePoints: round2(expected(chanceCredit)), strategies, best };
}

// ---------------------------------------------------------------- the report

/** A rate out of its band, with a stable code (messages come from the i18n files). */
export interface HealthProblem {
  code: 'longest_key' | 'absolute_words' | 'key_counts' | 'guessing' | 'near_duplicates' | 'pool_leak' | 'pool_short';
  /** The exam (blueprint code) it concerns, or null for the bank as a whole. */
  exam: string | null;
  message: string;
  params: Record<string, string | number>;
}

export interface PoolJudgement {
  rates: PoolRates;
  nearDuplicates: SimilarPair[];
  problems: HealthProblem[];
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The rates of one set of questions against the bands (an exam's pool, or an examiner's import). */
export function judgePool(questions: readonly HealthQuestion[], exam: string | null): PoolJudgement {
  const rates = poolRates(questions.map((q) => q.content));
  const problems: HealthProblem[] = [];
  const where = exam ? `${exam}: ` : '';
  if (rates.singles >= HEALTH_BANDS.minItemsForRate) {
    for (const lang of LANGS) {
      if (rates.longestKey[lang] > HEALTH_BANDS.maxLongestKeyShare) {
        problems.push({ code: 'longest_key', exam, message: `${where}the key is the longest option in ${pct(rates.longestKey[lang])} of single-choice questions (${lang}); keep it at most ${pct(HEALTH_BANDS.maxLongestKeyShare)}.`, params: { share: pct(rates.longestKey[lang]), language: lang } });
      }
    }
  }
  for (const lang of LANGS) {
    const a = rates.absolute[lang];
    if (a.total < HEALTH_BANDS.minItemsForRate / 2) continue;
    const share = a.true / a.total;
    if (share < HEALTH_BANDS.absoluteTrueShare.min || share > HEALTH_BANDS.absoluteTrueShare.max) {
      problems.push({ code: 'absolute_words', exam, message: `${where}${pct(share)} of the ${a.total} true/false statements with an absolute word are true (${lang}); keep it within ${pct(HEALTH_BANDS.absoluteTrueShare.min)}–${pct(HEALTH_BANDS.absoluteTrueShare.max)}.`, params: { share: pct(share), total: a.total, language: lang } });
    }
  }
  const multiples = rates.byType.multiple ?? 0;
  if (multiples >= HEALTH_BANDS.minItemsForRate / 2) {
    for (const [keys, n] of Object.entries(rates.keyCounts)) {
      if (n / multiples > HEALTH_BANDS.maxKeyCountShare) {
        problems.push({ code: 'key_counts', exam, message: `${where}${pct(n / multiples)} of multiple-choice questions have ${keys} keys; no count should exceed ${pct(HEALTH_BANDS.maxKeyCountShare)}.`, params: { share: pct(n / multiples), keys } });
      }
    }
  }
  // Near-duplicates that could meet on one paper (enemies never do).
  const nearDuplicates = similarPairs(questions, HEALTH_BANDS.nearDuplicate, (x, y) => !areEnemies(x.content, y.content));
  if (nearDuplicates.length) {
    problems.push({ code: 'near_duplicates', exam, message: `${where}${nearDuplicates.length} near-duplicate pair(s) can land on one paper (e.g. ${nearDuplicates[0]!.a} ~ ${nearDuplicates[0]!.b}); merge them or give them one enemy group.`, params: { count: nearDuplicates.length, first: `${nearDuplicates[0]!.a} ~ ${nearDuplicates[0]!.b}` } });
  }
  return { rates, nearDuplicates, problems };
}

export interface ExamHealth extends PoolJudgement {
  blueprint: PaperBlueprint;
  guessing: GuessingReport;
  cells: Array<PaperCell & { have: number }>;
}

export interface BankHealth {
  exams: ExamHealth[];
  /** Secure questions nearly the same as a practice one: the practice pool shows its key. */
  leaks: SimilarPair[];
  problems: HealthProblem[];
}

export function bankHealth(questions: readonly HealthQuestion[], blueprints: readonly PaperBlueprint[]): BankHealth {
  const exams = blueprints.map((blueprint): ExamHealth => {
    const cells = blueprintPool(blueprint, questions);
    const seen = new Set<string>();
    const pool = cells.flatMap((c) => c.questions).filter((q) => !seen.has(q.code) && seen.add(q.code));
    const judged = judgePool(pool, blueprint.code);
    const guessing = guessingOnBlueprint(blueprint, questions);
    if (guessing.best.share >= HEALTH_BANDS.maxGuessingShare) {
      judged.problems.push({ code: 'guessing', exam: blueprint.code, message: `${blueprint.code}: a content-blind candidate is expected to score ${guessing.best.points} of ${guessing.totalPoints} (${pct(guessing.best.share)}; pass mark ${guessing.passPoints}); keep it below ${pct(HEALTH_BANDS.maxGuessingShare)}.`, params: { points: guessing.best.points, total: guessing.totalPoints, share: pct(guessing.best.share), pass: guessing.passPoints } });
    }
    const short = cells.filter((c) => c.questions.length < c.cell.need);
    if (short.length) {
      judged.problems.push({ code: 'pool_short', exam: blueprint.code, message: `${blueprint.code}: ${short.length} cell(s) hold fewer questions than one paper draws (e.g. ${short[0]!.cell.domain} ${short[0]!.cell.type}: ${short[0]!.questions.length} of ${short[0]!.cell.need}).`, params: { count: short.length } });
    }
    return { blueprint, guessing, cells: cells.map((c) => ({ ...c.cell, have: c.questions.length })), ...judged };
  });
  const leaks = similarPairs(questions, HEALTH_BANDS.nearDuplicate, (x, y) => (x.content.usage ?? 'practice') !== (y.content.usage ?? 'practice'));
  const problems = exams.flatMap((e) => e.problems);
  if (leaks.length) {
    problems.push({ code: 'pool_leak', exam: null, message: `${leaks.length} secure question(s) nearly repeat a practice question, whose key mocks may show (e.g. ${leaks[0]!.a} ~ ${leaks[0]!.b}); move both to one pool.`, params: { count: leaks.length, first: `${leaks[0]!.a} ~ ${leaks[0]!.b}` } });
  }
  return { exams, leaks, problems };
}
