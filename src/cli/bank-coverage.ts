// `npm run bank:coverage`: the (level, domain, type) table for the default papers, per pool, and the bank's
// scale against the official review banks; exits 1 when short.
import { NATIONAL_FORMATS, paperDemand, rehearsePapers, seedExamBlueprints } from '../components/exams';
import { composition, COVERAGE_FACTOR, coverage, LEVEL_5_OWN_SHARE, scale } from '../components/questions/bank-coverage';
import { readSeedBank } from '../components/questions/question-seed.service';

const { questions, problems } = readSeedBank();
if (problems.length) process.stdout.write(`warning: ${problems.length} seed question(s) are invalid and not counted (run npm run lint:bank)\n`);
const rows = coverage(questions, ([5, 4, 3] as const).flatMap((level) => paperDemand(NATIONAL_FORMATS[level])));
process.stdout.write(`Level  Domain                 Type        Paper  Need(x${COVERAGE_FACTOR})  Have  Secure  Practice\n`);
for (const r of rows) {
  process.stdout.write(
    `${String(r.level).padEnd(7)}${r.domain.padEnd(23)}${r.type.padEnd(12)}${String(r.need).padStart(5)}  ${String(r.want).padStart(8)}  ${String(r.have).padStart(4)}  ${String(r.secure).padStart(6)}  ${String(r.practice).padStart(8)}${r.ok ? '' : r.publishable ? '  below target' : '  SHORT'}\n`,
  );
}
const size = scale(questions);
process.stdout.write('\nOfficial scale per level:\n');
for (const r of size.rows) process.stdout.write(`  level ${r.level} ${r.type.padEnd(10)} ${String(r.have).padStart(4)} of ${r.want}${r.ok ? '' : '  SHORT'}\n`);
process.stdout.write(`  level 5 questions not shared with level 4: ${size.level5Own} of ${size.level5Total} (needs ${Math.round(LEVEL_5_OWN_SHARE * 100)}%)\n`);
const shape = composition(questions);
process.stdout.write(`\n${shape.total} questions: ${Object.entries(shape.byType).map(([t, n]) => `${t} ${n} (${((n / shape.total) * 100).toFixed(1)}%)`).join(', ')}\n`);
process.stdout.write(`true/false keys true: ${(shape.trueShare * 100).toFixed(1)}%; single keys by position A-D: ${shape.singleKeyPositions.join('/')}\n`);
process.stdout.write(`difficulty: ${Object.entries(shape.byDifficulty).map(([d, n]) => `${d}:${n}`).join(' ')}; mean by level: ${Object.entries(shape.meanDifficulty).map(([l, d]) => `${l}:${d}`).join(' ')}\n`);
for (const p of shape.problems) process.stdout.write(`PROBLEM: ${p}\n`);
const short = rows.filter((r) => !r.publishable);
const belowTarget = rows.filter((r) => r.publishable && !r.ok);
process.stdout.write(short.length ? `${short.length} cell(s) cannot fill one paper from each pool.\n` : 'Every cell fills one paper from each pool.\n');
if (belowTarget.length) process.stdout.write(`${belowTarget.length} cell(s) below the target of ${COVERAGE_FACTOR}x one paper, at least half secure.\n`);
// Drawn as candidates' starts draw them: enemy keys can leave a cell short that holds enough questions.
const rehearsals = seedExamBlueprints().map((blueprint) => rehearsePapers(blueprint, questions.map((q) => q.content), 40));
const failing = rehearsals.filter((r) => r.failed > 0);
for (const r of failing) {
  process.stdout.write(`DRAW ${r.code}: short in ${r.failed} of ${r.draws} draws (${r.short.map((c) => `${c.domain} ${c.type} ${c.worst}/${c.need}`).join(', ')})\n`);
}
process.stdout.write(failing.length ? `${failing.length} shipped exam(s) cannot always be drawn.\n` : `Every shipped exam was drawn ${rehearsals[0]?.draws ?? 0} times with no cell short.\n`);
process.exit(short.length || failing.length || belowTarget.length || shape.problems.length || !size.ok ? 1 : 0);
