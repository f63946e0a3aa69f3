import { z } from 'zod';
import { DOMAINS, QUESTION_TYPES, QUESTION_USES } from '../questions';
import { EXAM_MODES, POOL_FOR_MODE, REVIEW_POLICIES, SECURE_REVIEW_POLICIES, type ReviewPolicy } from './exam.model';

const localizedTitle = z.strictObject({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });

const sectionSchema = z.strictObject({
  type: z.enum(QUESTION_TYPES),
  count: z.number().int().min(1).max(500),
  points: z.number().positive().max(100),
});

const examFields = {
  code: z.string().trim().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'Use capitals, digits and hyphens, e.g. CERT-L3.'),
  title: localizedTitle,
  level: z.number().int().min(1).max(5),
  mode: z.enum(EXAM_MODES),
  /** Defaults to the mode's pool (POOL_FOR_MODE); any other is refused. */
  pool: z.enum(QUESTION_USES).optional(),
  durationSeconds: z.number().int().min(10).max(24 * 3600),
  passPercent: z.number().min(0).max(100),
  sections: z.array(sectionSchema).min(1).max(10),
  shares: z.partialRecord(z.enum(DOMAINS), z.number().min(0).max(100)),
  difficulty: z.strictObject({ min: z.number().int().min(1).max(5), max: z.number().int().min(1).max(5) }).default({ min: 1, max: 5 }),
  shuffleQuestions: z.boolean().default(true),
  shuffleOptions: z.boolean().default(true),
  partialCredit: z.boolean().default(false),
  attemptsAllowed: z.number().int().min(1).max(1000).nullable().default(null),
  cooldownSeconds: z.number().int().min(0).max(365 * 86400).default(0),
  availableFrom: z.iso.datetime({ offset: true }).nullable().default(null),
  availableUntil: z.iso.datetime({ offset: true }).nullable().default(null),
  reviewPolicy: z.enum(REVIEW_POLICIES).default('domains'),
  certificate: z.strictObject({ issueOnPass: z.boolean(), validityYears: z.number().int().min(1).max(50) }).default({ issueOnPass: false, validityYears: 3 }),
};

type BlueprintFields = { shares: Record<string, number>; difficulty: { min: number; max: number }; mode: (typeof EXAM_MODES)[number]; pool?: (typeof QUESTION_USES)[number] | undefined; reviewPolicy: string; sections: Array<{ type: string }>; availableFrom: string | null; availableUntil: string | null };

function checkBlueprint(exam: BlueprintFields, ctx: z.RefinementCtx) {
  const total = Object.values(exam.shares).reduce((a, b) => a + b, 0);
  if (Math.abs(total - 100) > 0.01) ctx.addIssue({ code: 'custom', path: ['shares'], message: `Domain shares must add up to 100 (they add up to ${total}).` });
  if (exam.difficulty.min > exam.difficulty.max) ctx.addIssue({ code: 'custom', path: ['difficulty'], message: 'min must not exceed max.' });
  const pool = exam.pool ?? POOL_FOR_MODE[exam.mode];
  if (pool !== POOL_FOR_MODE[exam.mode]) {
    ctx.addIssue({ code: 'custom', path: ['pool'], message: exam.mode === 'mock' ? 'Mock exams draw from the practice pool: secure questions are for certification only.' : 'Certification exams draw from the secure pool: practice questions may have been shown with their keys.' });
  }
  if (pool === 'secure' && !SECURE_REVIEW_POLICIES.includes(exam.reviewPolicy as ReviewPolicy)) {
    ctx.addIssue({ code: 'custom', path: ['reviewPolicy'], message: 'Secure questions are never shown after an attempt: choose the score or the score by domain.' });
  }
  const types = exam.sections.map((s) => s.type);
  if (new Set(types).size !== types.length) ctx.addIssue({ code: 'custom', path: ['sections'], message: 'One section per question type.' });
  if (exam.availableFrom && exam.availableUntil && exam.availableFrom >= exam.availableUntil) {
    ctx.addIssue({ code: 'custom', path: ['availableUntil'], message: 'Must be after availableFrom.' });
  }
}

export const createExamSchema = z
  .strictObject(examFields)
  .superRefine(checkBlueprint)
  .transform((exam) => ({ ...exam, pool: exam.pool ?? POOL_FOR_MODE[exam.mode] }));
export type ExamInput = z.output<typeof createExamSchema>;

/** PATCH: any subset of the fields; the merged blueprint is checked again as a whole. */
export const updateExamSchema = z.strictObject(Object.fromEntries(Object.entries(examFields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as { [K in keyof typeof examFields]: z.ZodOptional<(typeof examFields)[K]> });

export const extensionSchema = z.strictObject({
  userId: z.string().regex(/^[0-9a-f]{24}$/i, 'A user id.'),
  extraSeconds: z.number().int().min(0).max(24 * 3600),
  reason: z.string().trim().max(500).optional(),
});

export const exceptionSchema = z.strictObject({
  userId: z.string().regex(/^[0-9a-f]{24}$/i, 'A user id.'),
  reason: z.string().trim().min(5, 'Say why this exception is justified.').max(500),
});

export const answerSchema = z.strictObject({
  response: z.unknown(),
  flagged: z.boolean().optional(),
});
