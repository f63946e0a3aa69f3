import { Schema, model, type Model, type Types } from 'mongoose';
import type { QuestionContent } from './question.types';
import type { QuestionStatus } from './question.schemas';

/** What exams may draw: set when a version is approved, kept while later versions are edited. */
export interface PoolEntry {
  version: number;
  type: string;
  domain: string;
  levels: number[];
  difficulty: number;
  /** 'practice' or 'secure' (QuestionUse). */
  usage: string;
  /** Enemy keys (enemy-groups.ts): no two questions sharing one go on one paper. */
  groups: string[];
}

export interface Question extends QuestionContent {
  _id: Types.ObjectId;
  code: string;
  /** The latest version number (the content on this document). */
  version: number;
  /** Bumped on every write: optimistic concurrency for edits. */
  revision: number;
  status: QuestionStatus;
  author: Types.ObjectId | null;
  /** Who created the latest version (four-eyes compares against this). */
  versionAuthor: Types.ObjectId | null;
  reviewer: string | null;
  reviewedBy: Types.ObjectId | null;
  pool: PoolEntry | null;
  /** Normalised stems (both languages) and code, for search by plain regex. */
  searchText: string;
  /** Normalised stems per language, for duplicate detection. */
  stemKeys: string[];
  importId: string | null;
  seedSource: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface QuestionVersion extends QuestionContent {
  _id: Types.ObjectId;
  questionId: Types.ObjectId;
  code: string;
  version: number;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}

export interface QuestionEvent {
  _id: Types.ObjectId;
  questionId: Types.ObjectId;
  version: number;
  from: QuestionStatus | null;
  to: QuestionStatus;
  by: Types.ObjectId | null;
  comment?: string;
  at: Date;
}

const localized = { zh: String, en: String };
const contentFields = {
  type: { type: String, required: true },
  domain: { type: String, required: true },
  levels: { type: [Number], required: true },
  difficulty: { type: Number, required: true },
  knowledgePoint: { type: String, default: '' },
  tags: { type: [String], default: [] },
  usage: String,
  enemyGroup: String,
  stem: localized,
  explanation: localized,
  options: {
    type: [{ _id: false, id: String, text: localized, correct: Boolean, weight: Number }],
    default: undefined,
  },
  answer: Boolean,
  accepted: { type: [String], default: undefined },
  tolerance: Number,
};

const questionSchema = new Schema<Question>(
  {
    code: { type: String, required: true, unique: true },
    ...contentFields,
    version: { type: Number, required: true },
    revision: { type: Number, required: true, default: 1 },
    status: { type: String, required: true },
    author: { type: Schema.Types.ObjectId, default: null },
    versionAuthor: { type: Schema.Types.ObjectId, default: null },
    reviewer: { type: String, default: null },
    reviewedBy: { type: Schema.Types.ObjectId, default: null },
    pool: {
      type: new Schema<PoolEntry>({ version: Number, type: String, domain: String, levels: [Number], difficulty: Number, usage: String, groups: { type: [String], default: undefined } }, { _id: false }),
      default: null,
    },
    searchText: { type: String, required: true },
    stemKeys: { type: [String], default: [] },
    importId: { type: String, default: null },
    seedSource: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);
questionSchema.index({ domain: 1, status: 1 });
questionSchema.index({ status: 1, updatedAt: -1 });
questionSchema.index({ stemKeys: 1 });
questionSchema.index({ tags: 1 });
questionSchema.index({ importId: 1 });

const versionSchema = new Schema<QuestionVersion>(
  {
    questionId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    version: { type: Number, required: true },
    ...contentFields,
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
versionSchema.index({ questionId: 1, version: 1 }, { unique: true });

const eventSchema = new Schema<QuestionEvent>({
  questionId: { type: Schema.Types.ObjectId, required: true, index: true },
  version: Number,
  from: { type: String, default: null },
  to: { type: String, required: true },
  by: { type: Schema.Types.ObjectId, default: null },
  comment: String,
  at: { type: Date, default: () => new Date() },
});

/**
 * The draw pool as its own small collection: one tiny document per live question. Paper assembly
 * scans and updates these instead of the large question documents (FerretDB filters nested fields by
 * scanning, so narrow documents are what keeps a start fast). Kept in step with Question.pool by the
 * repository, and rebuilt from it at start-up.
 */
export interface PoolDocument extends PoolEntry {
  _id: Types.ObjectId;
  exposure: number;
}
const poolSchema = new Schema<PoolDocument>(
  { _id: Schema.Types.ObjectId, version: Number, type: String, domain: String, levels: [Number], difficulty: Number, usage: String, groups: [String], exposure: { type: Number, default: 0 } },
  { versionKey: false },
);
poolSchema.index({ domain: 1, type: 1 });

/** Per-prefix counters for question codes (IT-0042): atomic $inc, no transactions needed. */
const counterSchema = new Schema<{ _id: string; seq: number }>({ _id: String, seq: Number }, { versionKey: false });

export const QuestionModel: Model<Question> = model<Question>('Question', questionSchema);
export const QuestionVersionModel: Model<QuestionVersion> = model<QuestionVersion>('QuestionVersion', versionSchema, 'question_versions');
export const QuestionEventModel: Model<QuestionEvent> = model<QuestionEvent>('QuestionEvent', eventSchema, 'question_events');
/** The change marker every writer of question_pool moves (db/change-marker.ts), after writing. */
export const POOL_MARKER = 'question-pool';

export const QuestionPoolModel: Model<PoolDocument> = model<PoolDocument>('QuestionPool', poolSchema, 'question_pool');
export const CounterModel = model<{ _id: string; seq: number }>('Counter', counterSchema, 'counters');
