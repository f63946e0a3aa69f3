// `npm run bank:coverage`: the (level, domain, type) table for the default papers; exits 1 when short.
import { composition, coverage, COVERAGE_FACTOR } from '../components/questions/bank-coverage';
import { readSeedBank } from '../components/questions/question-seed.service';

const { questions, problems } = readSeedBank();
if (problems.length) process.stdout.write(`warning: ${problems.length} seed question(s) are invalid and not counted (run npm run lint:bank)\n`);
const rows = coverage(questions);
process.stdout.write(`Level  Domain                 Type        Paper  Need(x${COVERAGE_FACTOR})  Have\n`);
for (const r of rows) {
  process.stdout.write(
    `${String(r.level).padEnd(7)}${r.domain.padEnd(23)}${r.type.padEnd(12)}${String(r.need).padStart(5)}  ${String(r.want).padStart(9)}  ${String(r.have).padStart(4)}${r.ok ? '' : '  SHORT'}\n`,
  );
}
const shape = composition(questions);
process.stdout.write(`\n${shape.total} questions: ${Object.entries(shape.byType).map(([t, n]) => `${t} ${n} (${((n / shape.total) * 100).toFixed(1)}%)`).join(', ')}\n`);
process.stdout.write(`true/false keys true: ${(shape.trueShare * 100).toFixed(1)}%; single keys by position A-D: ${shape.singleKeyPositions.join('/')}\n`);
process.stdout.write(`difficulty: ${Object.entries(shape.byDifficulty).map(([d, n]) => `${d}:${n}`).join(' ')}\n`);
for (const p of shape.problems) process.stdout.write(`PROBLEM: ${p}\n`);
const short = rows.filter((r) => !r.ok);
process.stdout.write(short.length ? `${short.length} cell(s) short.\n` : 'Every cell is covered.\n');
process.exit(short.length || shape.problems.length ? 1 : 0);
