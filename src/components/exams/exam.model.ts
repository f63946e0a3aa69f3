import { Schema, model, type Model, type Types } from 'mongoose';
import type { QuestionUse } from '../questions';

export const EXAM_MODES = ['mock', 'certification'] as const;
export type ExamMode = (typeof EXAM_MODES)[number];

/** What a candidate sees after submitting, from least to most. */
export const REVIEW_POLICIES = ['score', 'domains', 'answers', 'keys'] as const;
export type ReviewPolicy = (typeof REVIEW_POLICIES)[number];
/** The most a review may show of secure questions: nothing item by item. */
export const SECURE_REVIEW_POLICIES: readonly ReviewPolicy[] = ['score', 'domains'];

/** The pool each mode draws from: mocks never see secure questions, certification never practice ones. */
export const POOL_FOR_MODE: Record<ExamMode, QuestionUse> = { mock: 'practice', certification: 'secure' };

export interface ExamSection {
  type: string;
  count: number;
  points: number;
}

export interface Exam {
  _id: Types.ObjectId;
  code: string;
  title: { zh: string; en: string };
  level: number;
  mode: ExamMode;
  /** The question pool the blueprint draws from; absent on exams made before pools (read by mode). */
  pool?: QuestionUse;
  durationSeconds: number;
  passPercent: number;
  sections: ExamSection[];
  /** Percent of each section per domain (sums to 100). */
  shares: Record<string, number>;
  difficulty: { min: number; max: number };
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  partialCredit: boolean;
  attemptsAllowed: number | null;
  cooldownSeconds: number;
  availableFrom: Date | null;
  availableUntil: Date | null;
  reviewPolicy: ReviewPolicy;
  certificate: { issueOnPass: boolean; validityYears: number };
  status: 'draft' | 'published';
  createdBy: Types.ObjectId | null;
  seedSource: string | null;
  /** A shipped exam the seed left unpublished because the bank could not fill it (publish when it can). */
  seedHold?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const examSchema = new Schema<Exam>(
  {
    code: { type: String, required: true, unique: true },
    title: { zh: String, en: String },
    level: { type: Number, required: true },
    mode: { type: String, required: true },
    pool: { type: String },
    durationSeconds: { type: Number, required: true },
    passPercent: { type: Number, required: true },
    sections: [{ _id: false, type: { type: String }, count: Number, points: Number }],
    shares: { type: Schema.Types.Mixed, required: true },
    difficulty: { min: Number, max: Number },
    shuffleQuestions: Boolean,
    shuffleOptions: Boolean,
    partialCredit: Boolean,
    attemptsAllowed: { type: Number, default: null },
    cooldownSeconds: { type: Number, default: 0 },
    availableFrom: { type: Date, default: null },
    availableUntil: { type: Date, default: null },
    reviewPolicy: { type: String, required: true },
    certificate: { issueOnPass: Boolean, validityYears: Number },
    status: { type: String, required: true, default: 'draft' },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    seedSource: { type: String, default: null },
    seedHold: { type: Boolean, default: false },
  },
  { timestamps: true, minimize: false },
);
examSchema.index({ status: 1, level: 1 });

/** An examiner's accommodation: extra time for one candidate on one exam. */
export interface TimeExtension {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  userId: Types.ObjectId;
  extraSeconds: number;
  grantedBy: Types.ObjectId;
  reason?: string;
}
const extensionSchema = new Schema<TimeExtension>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    extraSeconds: { type: Number, required: true },
    grantedBy: { type: Schema.Types.ObjectId, required: true },
    reason: String,
  },
  { timestamps: true },
);
extensionSchema.index({ examId: 1, userId: 1 }, { unique: true });

/** The change marker every writer of exams moves (db/change-marker.ts), after writing. */
export const EXAMS_MARKER = 'exams';

export const ExamModel: Model<Exam> = model<Exam>('Exam', examSchema);
export const TimeExtensionModel: Model<TimeExtension> = model<TimeExtension>('TimeExtension', extensionSchema, 'time_extensions');

/**
 * An administrator's recorded exception to the conflict-of-interest rule: this user, who can read the
 * bank's keys (an examiner or administrator), may still sit this certification exam.
 */
export interface ExamException {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  userId: Types.ObjectId;
  grantedBy: Types.ObjectId;
  reason: string;
  createdAt: Date;
}
const exceptionSchema = new Schema<ExamException>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    grantedBy: { type: Schema.Types.ObjectId, required: true },
    reason: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
exceptionSchema.index({ examId: 1, userId: 1 }, { unique: true });

export const ExamExceptionModel: Model<ExamException> = model<ExamException>('ExamException', exceptionSchema, 'exam_exceptions');
