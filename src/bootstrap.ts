// Prepares a database for use: indexes, the first administrator, and the seed data we ship.
// Shared by `npm start` (first run) and `npm run seed`; safe to run any number of times.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { ensureAdmin, type AdminBootstrapResult } from './components/accounts';
import { assignMissingVerifyTokens, migrateCertificateAudit } from './components/certificates';
import { migrateExamPools, openAttemptClocks, SEED_EXAMS_DIR, seedExams, type ExamSeedReport } from './components/exams';
import { rebuildPoolIndex, SEED_QUESTIONS_DIR, seedQuestionBank, type SeedReport } from './components/questions';
import { readMeta, writeMeta } from './db/meta';
import type { Config } from './config';
import type { Logger } from './lib/logger';

export interface BootstrapResult {
  admin: AdminBootstrapResult;
  /** Absent when seeding was switched off. */
  questions?: SeedReport;
  exams?: ExamSeedReport;
}

export async function ensureIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
}

const SEED_DIGEST_KEY = 'seed-digest';

/**
 * A digest of everything seeding reads (the shipped question and exam files), so a start whose seed has
 * not changed since the last one can skip reading and comparing 800 questions.
 */
export function seedDigest(dirs: string[] = [SEED_QUESTIONS_DIR, SEED_EXAMS_DIR]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort()) {
      hash.update(`${path.basename(dir)}/${file}\0`).update(fs.readFileSync(path.join(dir, file))).update('\0');
    }
  }
  return hash.digest('hex');
}

export async function bootstrapDatabase(
  config: Pick<Config, 'adminEmail' | 'adminPassword'>,
  logger: Logger,
  { seed, force = false }: { seed: boolean; force?: boolean },
): Promise<BootstrapResult> {
  await ensureIndexes();
  const migrated = await migrateCertificateAudit();
  if (migrated) logger.info({ migrated }, 'copied certificate_audit entries into audit_log');
  const tokens = await assignMissingVerifyTokens();
  if (tokens) logger.info({ tokens }, 'gave certificates issued before QR tokens existed a token');
  const pool = await rebuildPoolIndex();
  if (pool.migrated) logger.info({ migrated: pool.migrated }, 'gave pool entries made before pools existed their use (practice) and enemy groups');
  const examPools = await migrateExamPools();
  if (examPools) logger.info({ migrated: examPools }, 'gave exams made before pools existed the pool their mode draws from');
  const clocks = await openAttemptClocks();
  if (clocks) logger.info({ clocks }, 'gave open attempts their sweeper clocks');
  const admin = await ensureAdmin(config, logger);
  if (!seed) return { admin };
  const digest = seedDigest();
  if (!force && (await readMeta(SEED_DIGEST_KEY)) === digest) {
    logger.info('seed unchanged since the last start: not reloaded');
    return { admin };
  }
  const questions = await seedQuestionBank();
  logger.info(questions, 'question bank seeded');
  // Exams after questions: publishing checks the bank can fill them.
  const exams = await seedExams(logger);
  logger.info(exams, 'exams seeded');
  await writeMeta(SEED_DIGEST_KEY, digest);
  return { admin, questions, exams };
}

/** Printed once, to the console only (never to the structured log), when we generated the password. */
export function adminBanner(admin: AdminBootstrapResult, publicUrl: string): string | undefined {
  if (!admin.created) return undefined;
  const password = admin.generatedPassword ?? '(the ADMIN_PASSWORD you set)';
  return [
    '',
    '  ┌─ Administrator account created ───────────────────────────────',
    `  │ sign in at ${publicUrl}/login`,
    `  │ email:     ${admin.email}`,
    `  │ password:  ${password}`,
    admin.generatedPassword ? '  │ This password is shown only once: store it now.' : '  │',
    '  └────────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}
