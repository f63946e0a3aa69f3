// The quality gate for the shipped bank (`npm run lint:bank`, also run by the test suite).
import { readSeedBank, SEED_QUESTIONS_DIR, type SeedProblem, type SeedQuestion } from './question-seed.service';
import { stemKey } from './types';

/** Character bigrams of a normalised stem: robust to small edits in either language. */
function bigrams(text: string): Set<string> {
  const key = stemKey(text);
  const out = new Set<string>();
  for (let i = 0; i < key.length - 1; i++) out.add(key.slice(i, i + 2));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

export const NEAR_DUPLICATE_THRESHOLD = 0.85;

export function findNearDuplicates(questions: SeedQuestion[], threshold = NEAR_DUPLICATE_THRESHOLD): SeedProblem[] {
  const problems: SeedProblem[] = [];
  const prepared = questions.map((q) => ({ q, zh: bigrams(q.content.stem.zh ?? ''), en: bigrams(q.content.stem.en ?? '') }));
  for (let i = 0; i < prepared.length; i++) {
    for (let j = i + 1; j < prepared.length; j++) {
      const a = prepared[i]!;
      const b = prepared[j]!;
      const similarity = Math.max(jaccard(a.zh, b.zh), jaccard(a.en, b.en));
      if (similarity >= threshold) {
        problems.push({
          file: b.q.file,
          line: b.q.line,
          code: b.q.code,
          field: 'stem',
          message: `${similarity === 1 ? 'Same' : 'Nearly the same'} stem as ${a.q.code} (${a.q.file}:${a.q.line}; similarity ${similarity.toFixed(2)}).`,
        });
      }
    }
  }
  return problems;
}

export function lintBank(dir = SEED_QUESTIONS_DIR): { questions: SeedQuestion[]; problems: SeedProblem[] } {
  const { questions, problems } = readSeedBank(dir);
  for (const q of questions) {
    if (!q.reviewer) problems.push({ file: q.file, line: q.line, code: q.code, field: 'reviewer', message: 'Record who reviewed the question.' });
  }
  problems.push(...findNearDuplicates(questions));
  return { questions, problems };
}
