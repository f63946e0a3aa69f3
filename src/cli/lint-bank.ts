// `npm run lint:bank`: checks every shipped question; exits 1 on any problem.
import { lintBank } from '../components/questions/bank-lint';

const { questions, problems } = lintBank();
for (const p of problems) process.stdout.write(`${p.file}:${p.line} ${p.code ?? '-'} ${p.field ?? ''}: ${p.message}\n`);
process.stdout.write(`${questions.length} questions checked, ${problems.length} problem(s).\n`);
process.exit(problems.length ? 1 : 0);
