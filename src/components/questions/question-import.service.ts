// Imports are all or nothing: the whole file is parsed and validated before anything is written,
// duplicates are reported and skipped, and a failed write removes what it wrote.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, ConflictError } from '../../lib/errors';
import { issuesToDetails } from '../../lib/validation';
import type { PublicUser } from '../accounts';
import { FORMATS } from './formats';
import { checkContent, questionContentSchema, toContent, type QuestionInput } from './question.schemas';
import { judgePool, type HealthProblem, type PoolRates } from './bank-health';
import * as repo from './question.repository';
import { allocateCodes, noteUsedCodes } from './question.service';
import { DOMAIN_PREFIX, type ImportDefaults, type ImportIssue, type QuestionContent, type QuestionFormat } from './question.types';

export const MAX_REPORTED_ERRORS = 500;

export interface ImportReport {
  created: number;
  duplicates: Array<{ line: number; code?: string; duplicateOf: string }>;
  warnings: ImportIssue[];
  codes: string[];
  /** The bank health check on the imported questions (as `/bank/health` runs it per exam pool). */
  health: ImportHealth;
}

export interface ImportHealth {
  rates: PoolRates;
  problems: Array<HealthProblem & { text?: string }>;
}

interface Candidate {
  line: number;
  input: QuestionInput;
  content: QuestionContent;
  stemKeys: string[];
}

export class ImportInvalidError extends AppError {
  constructor(errors: ImportIssue[]) {
    const shown = errors.slice(0, MAX_REPORTED_ERRORS).sort((a, b) => a.line - b.line);
    super(400, 'import_invalid', `The file has ${errors.length} problem(s); nothing was imported.`, {
      errors: shown,
      total: errors.length,
    });
  }
}

/** Parses and validates every question of a file; returns the candidates or throws with every problem. */
export function readImportFile(format: QuestionFormat, text: string, defaults: ImportDefaults): { candidates: Candidate[]; warnings: ImportIssue[] } {
  const parsed = format.parse(text.replace(/^\uFEFF/, ''), defaults);
  const errors = [...parsed.errors];
  const candidates: Candidate[] = [];
  for (const { line, data } of parsed.questions) {
    const result = questionContentSchema.safeParse({
      ...(defaults.domain ? { domain: defaults.domain } : {}),
      ...(defaults.levels ? { levels: defaults.levels } : {}),
      ...data,
    });
    if (!result.success) {
      for (const d of issuesToDetails(result.error.issues)) errors.push({ line, field: d.path, message: d.message });
      continue;
    }
    const content = toContent(result.data);
    const issues = checkContent(content, { forApproval: false });
    for (const issue of issues) errors.push({ line, field: issue.path, message: issue.message });
    if (!issues.length) candidates.push({ line, input: result.data, content, stemKeys: repo.derivedFields('', content).stemKeys });
  }
  if (!errors.length && candidates.length === 0) errors.push({ line: 1, message: 'The file contains no questions.' });
  if (errors.length) throw new ImportInvalidError(errors);
  return { candidates, warnings: parsed.warnings };
}

export async function importQuestions(actor: PublicUser, formatName: QuestionFormat['name'], text: string, defaults: ImportDefaults): Promise<ImportReport> {
  const { candidates, warnings } = readImportFile(FORMATS[formatName], text, defaults);

  // Duplicates (same normalised stem) against the bank and within the file are skipped, never doubled.
  const existing = await repo.findByStemKeys([...new Set(candidates.flatMap((c) => c.stemKeys))]);
  const owner = new Map<string, string>();
  for (const q of existing) for (const key of q.stemKeys) owner.set(key, q.code);
  const duplicates: ImportReport['duplicates'] = [];
  const fresh: Candidate[] = [];
  for (const c of candidates) {
    const clash = c.stemKeys.map((k) => owner.get(k)).find(Boolean);
    if (clash) {
      duplicates.push({ line: c.line, ...(c.input.code ? { code: c.input.code } : {}), duplicateOf: clash });
      continue;
    }
    for (const key of c.stemKeys) owner.set(key, c.input.code ?? `line ${c.line}`);
    fresh.push(c);
  }

  // Codes given in the file must be new; the rest are allocated per domain prefix.
  const given = fresh.filter((c) => c.input.code).map((c) => c.input.code!);
  const taken = new Set(await repo.codeExists(given));
  const seen = new Set<string>();
  const codeErrors: ImportIssue[] = [];
  for (const c of fresh) {
    const code = c.input.code;
    if (!code) continue;
    if (taken.has(code) || seen.has(code)) codeErrors.push({ line: c.line, field: 'code', message: `Code ${code} is already used.` });
    seen.add(code);
  }
  if (codeErrors.length) throw new ImportInvalidError(codeErrors);

  const author = new Types.ObjectId(actor.id);
  // A concurrent import or create can take an allocated code first; the insert then fails whole
  // (and cleans up after itself), and the batch is retried with freshly allocated codes.
  for (let attempt = 0; ; attempt++) {
    const codes = await assignCodes(fresh);
    try {
      await repo.insertQuestions(
        fresh.map((c, i) => ({ _id: new Types.ObjectId(), code: codes[i]!, content: c.content, status: 'draft', author })),
        `import:${randomUUID()}`,
      );
      const { rates, problems } = judgePool(fresh.map((c, i) => ({ code: codes[i]!, content: c.content })), null);
      return { created: fresh.length, duplicates, warnings, codes, health: { rates, problems } };
    } catch (err) {
      if (!repo.isDuplicateKeyError(err)) throw err;
      if (attempt >= 3 || fresh.every((c) => c.input.code)) {
        throw new ConflictError('import_conflict', 'Another change took some of these codes at the same moment; nothing was imported. Try again.');
      }
    }
  }
}

async function assignCodes(candidates: Candidate[]): Promise<string[]> {
  const codes: Array<string | undefined> = candidates.map((c) => c.input.code);
  const missingByPrefix = new Map<string, number[]>();
  candidates.forEach((c, i) => {
    if (codes[i]) return;
    const prefix = DOMAIN_PREFIX[c.content.domain];
    missingByPrefix.set(prefix, [...(missingByPrefix.get(prefix) ?? []), i]);
  });
  for (const [prefix, indexes] of missingByPrefix) {
    const allocated = await allocateCodes(prefix, indexes.length);
    indexes.forEach((index, k) => (codes[index] = allocated[k]));
  }
  await noteUsedCodes(codes as string[]);
  return codes as string[];
}
