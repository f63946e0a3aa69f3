// The bank we ship (seed/questions/<domain>/*.json), loaded idempotently by code and version:
// re-running changes nothing; an edited seed question becomes a new approved version, never a duplicate.
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { issuesToDetails } from '../../lib/validation';
import { jsonFormat } from './formats/json.format';
import { checkContent, questionContentSchema, toContent, withOptionIds } from './question.schemas';
import * as repo from './question.repository';
import { noteUsedCodes } from './question.service';
import { DOMAIN_PREFIX, type ImportIssue, type QuestionContent } from './question.types';

export const SEED_QUESTIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'seed', 'questions');

export interface SeedQuestion {
  file: string;
  line: number;
  code: string;
  reviewer: string | null;
  content: QuestionContent;
}

export interface SeedProblem extends ImportIssue {
  file: string;
  code?: string;
}

export function seedFiles(dir = SEED_QUESTIONS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads and checks every seed file; seed questions must be ready for approval and carry a code. */
export function readSeedBank(dir = SEED_QUESTIONS_DIR): { questions: SeedQuestion[]; problems: SeedProblem[] } {
  const questions: SeedQuestion[] = [];
  const problems: SeedProblem[] = [];
  for (const file of seedFiles(dir)) {
    const relative = path.relative(path.dirname(dir), file);
    const parsed = jsonFormat.parse(fs.readFileSync(file, 'utf8'), { language: 'zh' });
    problems.push(...parsed.errors.map((e) => ({ ...e, file: relative })));
    for (const { line, data } of parsed.questions) {
      const code = typeof data.code === 'string' ? data.code : undefined;
      const result = questionContentSchema.safeParse(data);
      if (!result.success) {
        problems.push(...issuesToDetails(result.error.issues).map((d) => ({ file: relative, line, code, field: d.path, message: d.message })));
        continue;
      }
      const content = toContent(withOptionIds(result.data));
      const issues = checkContent(content, { forApproval: true });
      problems.push(...issues.map((i) => ({ file: relative, line, code, field: i.path, message: i.message })));
      if (!code) problems.push({ file: relative, line, field: 'code', message: 'Seed questions need a code.' });
      else if (!code.startsWith(`${DOMAIN_PREFIX[content.domain]}-`)) {
        problems.push({ file: relative, line, code, field: 'code', message: `Code prefix does not match domain ${content.domain}.` });
      }
      if (!issues.length && code) questions.push({ file: relative, line, code, reviewer: result.data.reviewer ?? null, content });
    }
  }
  const seen = new Map<string, SeedQuestion>();
  for (const q of questions) {
    const first = seen.get(q.code);
    if (first) problems.push({ file: q.file, line: q.line, code: q.code, field: 'code', message: `Code also used at ${first.file}:${first.line}.` });
    seen.set(q.code, q);
  }
  return { questions, problems };
}

/** Key order and absent fields normalised, so stored and seed content compare exactly. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface SeedReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Codes already used by questions examiners wrote: never overwritten. */
  skipped: string[];
}

export class SeedInvalidError extends Error {
  constructor(readonly problems: SeedProblem[]) {
    super(`The seed bank has ${problems.length} problem(s):\n${problems.slice(0, 20).map((p) => `  ${p.file}:${p.line} ${p.code ?? ''} ${p.field ?? ''} ${p.message}`).join('\n')}`);
    this.name = 'SeedInvalidError';
  }
}

export async function seedQuestionBank(dir = SEED_QUESTIONS_DIR): Promise<SeedReport> {
  const { questions, problems } = readSeedBank(dir);
  if (problems.length) throw new SeedInvalidError(problems);
  const existing = new Map((await repo.findByCodes(questions.map((q) => q.code))).map((q) => [q.code, q]));
  const report: SeedReport = { created: 0, updated: 0, unchanged: 0, skipped: [] };
  const fresh: repo.NewQuestion[] = [];

  for (const seed of questions) {
    const current = existing.get(seed.code);
    if (!current) {
      const _id = new Types.ObjectId();
      fresh.push({
        _id,
        code: seed.code,
        content: seed.content,
        status: 'approved',
        author: null,
        reviewer: seed.reviewer,
        pool: repo.poolEntry(1, seed.content),
        seedSource: seed.file,
      });
      continue;
    }
    if (!current.seedSource) {
      report.skipped.push(seed.code);
      continue;
    }
    if (canonicalJson(repo.pickContent(current)) === canonicalJson(seed.content) && current.reviewer === seed.reviewer) {
      report.unchanged += 1;
      continue;
    }
    // A changed seed question: the next version, approved (seed content is reviewed before it ships).
    const version = current.pool?.version === current.version ? current.version + 1 : current.version;
    const saved = await repo.saveVersion(current, { version, content: seed.content, status: 'approved', by: null, reviewer: seed.reviewer, seedSource: seed.file });
    if (saved) await repo.setStatus(saved, 'approved', { pool: repo.poolEntry(version, seed.content) });
    report.updated += 1;
  }
  await repo.insertQuestions(fresh, `seed:${new Date().toISOString()}`);
  report.created = fresh.length;
  await noteUsedCodes(questions.map((q) => q.code));
  return report;
}
