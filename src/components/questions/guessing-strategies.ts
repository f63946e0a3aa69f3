// Content-blind ways to answer: what a candidate who knows nothing but test-taking tricks would do. The bank
// health check measures what each earns, so a bank whose keys give themselves away is caught before a paper is.
// Pure functions over question content; nothing here reads the database.
import type { Language, QuestionContent } from './question.types';
import { questionType, stemKey } from './types';

export const ABSOLUTE_WORDS: Record<Language, RegExp> = {
  zh: /只要|必须|一定|总是|所有|任何|绝对|完全|从不|永远|只有|唯一|立即|全部|必然|无需|不需要|不可能|均可|都能|都会|都应|都是|总能|永不|毫无|彻底|越.{1,12}越/,
  en: /\b(always|never|must|only|any|all|every|completely|entirely|guarantee[sd]?|no need|cannot|impossible|none|whenever|solely)\b/i,
};
const HEDGE_WORDS: Record<Language, RegExp> = {
  zh: /通常|一般|往往|可能|多数|大多|有时|适当|尽量|倾向|视情况/,
  en: /\b(usually|generally|often|may|might|typically|tends?|most|sometimes|appropriate|depending)\b/i,
};
const NEGATION_WORDS: Record<Language, RegExp> = {
  zh: /不|没有|无法|未|非/,
  en: /\b(not|no|never|without|cannot|isn't|doesn't|don't|aren't)\b|n't\b/i,
};

export type StrategyType = 'truefalse' | 'single' | 'multiple';

/** What a strategy may know about the pool it is used on (a candidate could learn it from mocks). */
export interface PoolHints {
  /** Median stem length of true/false statements per language. */
  medianStatementLength: Record<Language, number>;
  /** The most common number of keys among multiple-choice questions. */
  modalKeyCount: number;
}

export interface GuessingStrategy {
  id: string;
  type: StrategyType;
  label: Record<Language, string>;
  /** Expected fraction of the item's points earned when reading `lang` (ties broken at random). */
  credit(question: QuestionContent, lang: Language, hints: PoolHints, options: { partialCredit: boolean }): number;
}

const textOf = (t: Partial<Record<Language, string>> | undefined, lang: Language): string => t?.[lang] ?? t?.zh ?? t?.en ?? '';
const lengthOf = (s: string): number => [...s].length;

/** Word-ish tokens: character bigrams for Chinese, lower-case words for English. */
export function tokens(text: string, lang: Language): Set<string> {
  const out = new Set<string>();
  if (lang === 'zh') {
    const key = stemKey(text);
    for (let i = 0; i < key.length - 1; i++) out.add(key.slice(i, i + 2));
  } else {
    for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) if (w.length > 2) out.add(w);
  }
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

// ---------------------------------------------------------------- single choice: pick one by a rule

/** Indexes the rule picks; a guesser chooses among them at random. Empty or all: no information. */
type OptionRule = (texts: string[], stem: string, lang: Language) => number[];

function argBest(scores: number[], better: (a: number, b: number) => boolean): number[] {
  let best: number[] = [];
  scores.forEach((s, i) => {
    if (!best.length || better(s, scores[best[0]!]!)) best = [i];
    else if (s === scores[best[0]!]) best.push(i);
  });
  return best;
}

const longest: OptionRule = (texts) => argBest(texts.map(lengthOf), (a, b) => a > b);
const shortest: OptionRule = (texts) => argBest(texts.map(lengthOf), (a, b) => a < b);
const stemEcho: OptionRule = (texts, stem, lang) => {
  const s = tokens(stem, lang);
  const scores = texts.map((t) => overlap(tokens(t, lang), s));
  return Math.max(...scores) > 0 ? argBest(scores, (a, b) => a > b) : [];
};
/** The option most like the others: test-wise candidates say the key is the one the distractors vary. */
const convergence: OptionRule = (texts, _stem, lang) => {
  const sets = texts.map((t) => tokens(t, lang));
  return argBest(sets.map((a, i) => sets.reduce((sum, b, j) => (i === j ? sum : sum + jaccard(a, b)), 0)), (a, b) => a > b);
};
const hedged: OptionRule = (texts, _stem, lang) => texts.flatMap((t, i) => (HEDGE_WORDS[lang].test(t) ? [i] : []));
const notAbsolute: OptionRule = (texts, _stem, lang) => texts.flatMap((t, i) => (ABSOLUTE_WORDS[lang].test(t) ? [] : [i]));

function singleStrategy(id: string, label: Record<Language, string>, rule: OptionRule): GuessingStrategy {
  return {
    id,
    type: 'single',
    label,
    credit(q, lang) {
      const options = q.options ?? [];
      if (!options.length) return 0;
      let picked = rule(options.map((o) => textOf(o.text, lang)), textOf(q.stem, lang), lang);
      if (!picked.length) picked = options.map((_, i) => i);
      const key = options.findIndex((o) => o.correct);
      return picked.includes(key) ? 1 / picked.length : 0;
    },
  };
}

// ---------------------------------------------------------------- true/false: answer by a surface feature

function statementStrategy(id: string, label: Record<Language, string>, say: (stem: string, lang: Language, hints: PoolHints) => boolean): GuessingStrategy {
  return { id, type: 'truefalse', label, credit: (q, lang, hints) => (say(textOf(q.stem, lang), lang, hints) === q.answer ? 1 : 0) };
}

// ---------------------------------------------------------------- multiple choice: choose a set by a rule

function byLength(texts: string[]): number[] {
  return texts.map((t, i) => ({ i, n: lengthOf(t) })).sort((a, b) => b.n - a.n || a.i - b.i).map((x) => x.i);
}

function setStrategy(id: string, label: Record<Language, string>, choose: (texts: string[], stem: string, lang: Language, hints: PoolHints) => number[]): GuessingStrategy {
  return {
    id,
    type: 'multiple',
    label,
    credit(q, lang, hints, { partialCredit }) {
      const options = q.options ?? [];
      const chosen = choose(options.map((o) => textOf(o.text, lang)), textOf(q.stem, lang), lang, hints);
      return questionType('multiple').grade(q, chosen.map((i) => options[i]!.id), { partialCredit });
    },
  };
}

const longestK = (k: number) => (texts: string[]) => byLength(texts).slice(0, k);

export const STRATEGIES: readonly GuessingStrategy[] = [
  statementStrategy('tf-always-true', { zh: '全部判“对”', en: 'Always “true”' }, () => true),
  statementStrategy('tf-always-false', { zh: '全部判“错”', en: 'Always “false”' }, () => false),
  statementStrategy('tf-absolute-false', { zh: '含绝对化用语判“错”，否则判“对”', en: '“False” if it has an absolute word, else “true”' }, (s, l) => !ABSOLUTE_WORDS[l].test(s)),
  statementStrategy('tf-absolute-true', { zh: '含绝对化用语判“对”，否则判“错”', en: '“True” if it has an absolute word, else “false”' }, (s, l) => ABSOLUTE_WORDS[l].test(s)),
  statementStrategy('tf-negation-false', { zh: '含否定词判“错”，否则判“对”', en: '“False” if it has a negation, else “true”' }, (s, l) => !NEGATION_WORDS[l].test(s)),
  statementStrategy('tf-hedge-true', { zh: '含“通常/可能”等留有余地的词判“对”，否则判“错”', en: '“True” if hedged (usually, may…), else “false”' }, (s, l) => HEDGE_WORDS[l].test(s)),
  statementStrategy('tf-long-true', { zh: '比一般题干长的判“对”', en: '“True” if longer than the median statement' }, (s, l, h) => lengthOf(s) > h.medianStatementLength[l]),
  singleStrategy('single-longest', { zh: '选最长的选项', en: 'Pick the longest option' }, longest),
  singleStrategy('single-shortest', { zh: '选最短的选项', en: 'Pick the shortest option' }, shortest),
  singleStrategy('single-stem-echo', { zh: '选与题干用词重合最多的选项', en: 'Pick the option sharing most words with the stem' }, stemEcho),
  singleStrategy('single-convergence', { zh: '选与其他选项最相似的选项', en: 'Pick the option most like the others' }, convergence),
  singleStrategy('single-hedged', { zh: '选带“通常/可能”等词的选项', en: 'Pick a hedged option (usually, may…)' }, hedged),
  singleStrategy('single-not-absolute', { zh: '排除含绝对化用语的选项', en: 'Rule out options with absolute words' }, notAbsolute),
  setStrategy('multiple-all', { zh: '全选', en: 'Choose every option' }, (texts) => texts.map((_, i) => i)),
  setStrategy('multiple-longest-2', { zh: '选最长的两项', en: 'Choose the two longest' }, longestK(2)),
  setStrategy('multiple-longest-3', { zh: '选最长的三项', en: 'Choose the three longest' }, longestK(3)),
  setStrategy('multiple-longest-4', { zh: '选最长的四项', en: 'Choose the four longest' }, longestK(4)),
  setStrategy('multiple-longest-modal', { zh: '按最常见的答案个数选最长的几项', en: 'Choose the longest, as many as keys usually are' }, (texts, _s, _l, h) => byLength(texts).slice(0, h.modalKeyCount)),
  setStrategy('multiple-not-absolute', { zh: '选所有不含绝对化用语的选项', en: 'Choose every option without an absolute word' }, (texts, _s, lang) => texts.flatMap((t, i) => (ABSOLUTE_WORDS[lang].test(t) ? [] : [i]))),
  setStrategy('multiple-stem-echo', { zh: '按最常见的答案个数选与题干重合最多的几项', en: 'Choose those sharing most words with the stem, as many as keys usually are' }, (texts, stem, lang, h) => {
    const s = tokens(stem, lang);
    return texts.map((t, i) => ({ i, n: overlap(tokens(t, lang), s) })).sort((a, b) => b.n - a.n || a.i - b.i).slice(0, h.modalKeyCount).map((x) => x.i);
  }),
];

/** Pure chance, for comparison: half of true/false, one in n of single choice, one in 2^n − n − 1 of multiple. */
export function chanceCredit(q: QuestionContent): number {
  const n = q.options?.length ?? 0;
  if (q.type === 'truefalse') return 0.5;
  if (q.type === 'single') return n ? 1 / n : 0;
  if (q.type === 'multiple') return n ? 1 / (2 ** n - n - 1) : 0;
  return 0;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function poolHints(questions: readonly QuestionContent[]): PoolHints {
  const statements = questions.filter((q) => q.type === 'truefalse');
  const counts = new Map<number, number>();
  for (const q of questions) if (q.type === 'multiple') {
    const k = (q.options ?? []).filter((o) => o.correct).length;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const modal = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 3;
  return {
    medianStatementLength: { zh: median(statements.map((q) => lengthOf(textOf(q.stem, 'zh')))), en: median(statements.map((q) => lengthOf(textOf(q.stem, 'en')))) },
    modalKeyCount: modal,
  };
}
