// Prepares a database for use: indexes, the first administrator, and the seed data we ship.
// Shared by `npm start` (first run) and `npm run seed`; safe to run any number of times.
import mongoose from 'mongoose';
import { ensureAdmin, type AdminBootstrapResult } from './components/accounts';
import { migrateCertificateAudit } from './components/certificates';
import { seedExams, type ExamSeedReport } from './components/exams';
import { rebuildPoolIndex, seedQuestionBank, type SeedReport } from './components/questions';
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

export async function bootstrapDatabase(
  config: Pick<Config, 'adminEmail' | 'adminPassword'>,
  logger: Logger,
  { seed }: { seed: boolean },
): Promise<BootstrapResult> {
  await ensureIndexes();
  const migrated = await migrateCertificateAudit();
  if (migrated) logger.info({ migrated }, 'copied certificate_audit entries into audit_log');
  await rebuildPoolIndex();
  const admin = await ensureAdmin(config, logger);
  if (!seed) return { admin };
  const questions = await seedQuestionBank();
  logger.info(questions, 'question bank seeded');
  // Exams after questions: publishing checks the bank can fill them.
  const exams = await seedExams(logger);
  logger.info(exams, 'exams seeded');
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
