import { Schema, model, type Model, type Types } from 'mongoose';

export const ATTEMPT_STATUSES = ['in_progress', 'grading', 'graded'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** One question on one candidate's paper: exactly which version, where, and how its options are ordered. */
export interface AttemptItem {
  itemId: string;
  questionId: Types.ObjectId;
  version: number;
  type: string;
  domain: string;
  points: number;
  /** Option ids in the order this candidate sees them (choice questions). */
  optionOrder: string[];
}

export interface SavedResponse {
  response: unknown;
  flagged: boolean;
  savedAt: Date;
}

export interface ItemResult {
  itemId: string;
  earned: number;
  points: number;
  correct: boolean;
  /** The answer as graded (null: none). A save that raced the grading cannot change what the review shows. */
  response?: unknown;
}

export interface AttemptResult {
  score: number;
  max: number;
  percent: number;
  passed: boolean;
  byDomain: Array<{ domain: string; score: number; max: number; percent: number }>;
  items: ItemResult[];
  timeUsedSeconds: number;
  gradedAt: Date;
  /** 'submitted' by the candidate or 'deadline' when time ran out. */
  finalizedBy: 'submitted' | 'deadline';
}

/** The exam's rules as they were when the attempt started: later blueprint edits never change them. */
export interface AttemptRules {
  examCode: string;
  title: { zh: string; en: string };
  mode: 'mock' | 'certification';
  level: number;
  durationSeconds: number;
  extraSeconds: number;
  passPercent: number;
  partialCredit: boolean;
  reviewPolicy: 'score' | 'domains' | 'answers' | 'keys';
  issueCertificate: boolean;
}

export interface Attempt {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  userId: Types.ObjectId;
  /** `${examId}:${userId}` while in progress, the attempt's own id afterwards: unique, so one active attempt. */
  activeKey: string;
  status: AttemptStatus;
  rules: AttemptRules;
  startedAt: Date;
  deadline: Date;
  items: AttemptItem[];
  result: AttemptResult | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const attemptSchema = new Schema<Attempt>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    activeKey: { type: String, required: true, unique: true },
    status: { type: String, required: true },
    rules: { type: Schema.Types.Mixed, required: true },
    startedAt: { type: Date, required: true },
    deadline: { type: Date, required: true },
    items: [
      {
        _id: false,
        itemId: String,
        questionId: Schema.Types.ObjectId,
        version: Number,
        type: { type: String },
        domain: String,
        points: Number,
        optionOrder: [String],
      },
    ],
    result: { type: Schema.Types.Mixed, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
attemptSchema.index({ userId: 1, examId: 1, finishedAt: -1 });
attemptSchema.index({ status: 1, deadline: 1 });

export const AttemptModel: Model<Attempt> = model<Attempt>('Attempt', attemptSchema);

/**
 * One document per answered item, not a map inside the attempt: FerretDB v1 applies updates as an
 * unisolated read-modify-write of the whole document, so concurrent autosaves of different items to
 * one document lose writes. Separate documents never collide; the same item is last-write-wins.
 */
export interface AttemptResponse {
  _id: string;
  attemptId: Types.ObjectId;
  itemId: string;
  response: unknown;
  flagged: boolean;
  savedAt: Date;
}
const responseSchema = new Schema<AttemptResponse>(
  {
    _id: String,
    attemptId: { type: Schema.Types.ObjectId, required: true, index: true },
    itemId: { type: String, required: true },
    response: { type: Schema.Types.Mixed, default: null },
    flagged: { type: Boolean, default: false },
    savedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export const AttemptResponseModel: Model<AttemptResponse> = model<AttemptResponse>('AttemptResponse', responseSchema, 'attempt_responses');

/**
 * Who grades an attempt: whoever inserts its claim first. A unique-key insert is the one operation
 * that is atomic on both MongoDB and FerretDB v1 (whose conditional updates and findAndModify are not
 * isolated), so exactly one grader wins however many submits and sweepers race.
 */
export interface GradingClaim {
  _id: Types.ObjectId;
  token: string;
  at: Date;
}
const claimSchema = new Schema<GradingClaim>({ _id: Schema.Types.ObjectId, token: String, at: Date }, { versionKey: false });
export const GradingClaimModel: Model<GradingClaim> = model<GradingClaim>('GradingClaim', claimSchema, 'attempt_grading_claims');

/**
 * The clock of each open attempt, in a collection of small documents the sweeper can read whole every few
 * seconds (the attempts themselves hold 190 items each). Written when an attempt starts, removed once it
 * is graded.
 */
export interface AttemptDeadline {
  _id: Types.ObjectId;
  deadline: Date;
}
const deadlineSchema = new Schema<AttemptDeadline>({ _id: Schema.Types.ObjectId, deadline: { type: Date, required: true } }, { versionKey: false });
export const AttemptDeadlineModel: Model<AttemptDeadline> = model<AttemptDeadline>('AttemptDeadline', deadlineSchema, 'attempt_deadlines');
