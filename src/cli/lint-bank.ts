// `npm run lint:bank`: checks every shipped question, then the bank's health on every shipped exam (how far
// content-blind tricks get, key and wording balance, near-duplicates); exits 1 on any problem.
import { seedExamBlueprints } from '../components/exams';
import { bankHealth, HEALTH_BANDS } from '../components/questions';
import { lintBank } from '../components/questions/bank-lint';

const { questions, problems } = lintBank();
for (const p of problems) process.stdout.write(`${p.file}:${p.line} ${p.code ?? '-'} ${p.field ?? ''}: ${p.message}\n`);
process.stdout.write(`${questions.length} questions checked, ${problems.length} problem(s).\n\n`);

const pct = (n: number) => `${Math.round(n * 100)}%`;
const health = bankHealth(questions, seedExamBlueprints());
process.stdout.write(`Bank health on the shipped exams (bands: longest-option key <= ${pct(HEALTH_BANDS.maxLongestKeyShare)}, absolute-word statements ${pct(HEALTH_BANDS.absoluteTrueShare.min)}-${pct(HEALTH_BANDS.absoluteTrueShare.max)} true, no key count above ${pct(HEALTH_BANDS.maxKeyCountShare)}, content-blind best < ${pct(HEALTH_BANDS.maxGuessingShare)} of the marks)\n`);
for (const exam of health.exams) {
  const { rates, guessing } = exam;
  const absolute = (['zh', 'en'] as const).map((l) => `${l} ${rates.absolute[l].total ? pct(rates.absolute[l].true / rates.absolute[l].total) : '-'} of ${rates.absolute[l].total}`).join(', ');
  const counts = Object.entries(rates.keyCounts).map(([k, n]) => `${k} keys: ${n}`).join(', ') || '-';
  process.stdout.write(
    `\n${exam.blueprint.code} (level ${exam.blueprint.level}, ${exam.blueprint.pool} pool, ${rates.questions} questions)\n` +
      `  key is the longest option: zh ${pct(rates.longestKey.zh)}, en ${pct(rates.longestKey.en)} of ${rates.singles} single; shortest: zh ${pct(rates.shortestKey.zh)}, en ${pct(rates.shortestKey.en)}\n` +
      `  true/false: ${pct(rates.trueShare)} true of ${rates.statements}; with an absolute word, true: ${absolute}\n` +
      `  multiple choice: ${counts}; key positions A-F: ${rates.keyPositions.join('/')}\n` +
      `  content-blind best: ${guessing.best.points} of ${guessing.totalPoints} (${pct(guessing.best.share)}, reading ${guessing.best.language}: ${Object.entries(guessing.best.picks).map(([t, s]) => `${t} ${s}`).join(', ')}); chance ${guessing.chancePoints}; pass mark ${guessing.passPoints}\n` +
      `  near-duplicate pairs that could share a paper: ${exam.nearDuplicates.length}${exam.nearDuplicates.length ? ` (${exam.nearDuplicates.slice(0, 5).map((p) => `${p.a}~${p.b} ${p.similarity}`).join(', ')})` : ''}\n`,
  );
}
process.stdout.write(`\nsecure questions nearly repeating a practice one: ${health.leaks.length}${health.leaks.length ? ` (${health.leaks.slice(0, 10).map((p) => `${p.a}~${p.b}`).join(', ')})` : ''}\n`);
for (const p of health.problems) process.stdout.write(`PROBLEM ${p.message}\n`);
process.stdout.write(`${health.problems.length} health problem(s).\n`);
process.exit(problems.length || health.problems.length ? 1 : 0);
