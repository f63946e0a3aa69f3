// The audit_log collection. Entries are written once and never changed: every Mongoose path that could
// update, replace or delete one throws before it reaches the database. (Raw driver access through
// AuditModel.collection is the one way around that; no code here uses it.)
import { Schema, model, type Model, type Types } from 'mongoose';
import { AppError } from '../../lib/errors';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from './audit.actions';

export interface AuditActor {
  id: string;
  email: string;
}

export interface AuditTarget {
  type: AuditTargetType;
  id: string;
  /** What a person recognises the target by (an email, an exam or question code), as it was then. */
  label?: string;
}

export interface AuditEntry {
  _id: Types.ObjectId;
  at: Date;
  action: AuditAction;
  /** null: the system (grading, start-up) or an anonymous caller. */
  actor: AuditActor | null;
  target: AuditTarget;
  before?: unknown;
  after?: unknown;
  reason?: string;
  ip?: string;
  requestId?: string;
}

export class AuditAppendOnlyError extends AppError {
  constructor(operation: string) {
    super(500, 'audit_append_only', `The audit log is append-only: ${operation} is not allowed.`);
  }
}

const actorSchema = new Schema<AuditActor>({ id: { type: String, required: true }, email: { type: String, default: '' } }, { _id: false });
const targetSchema = new Schema<AuditTarget>(
  {
    type: { type: String, required: true, enum: AUDIT_TARGET_TYPES },
    id: { type: String, required: true },
    label: { type: String },
  },
  { _id: false },
);

const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true, enum: AUDIT_ACTIONS },
    actor: { type: actorSchema, default: null },
    target: { type: targetSchema, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    reason: { type: String },
    ip: { type: String },
    requestId: { type: String },
  },
  // No version key: nothing is ever updated. minimize off: an empty "before" ({}) is information.
  { versionKey: false, minimize: false, strict: 'throw' },
);

// The page lists newest first, optionally narrowed to one action, one target or one actor. Plain
// compound indexes only (portable to FerretDB v1); the actor's email fragment is a regex and scans.
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ action: 1, at: -1 });
auditSchema.index({ 'target.type': 1, 'target.id': 1, at: -1 });
auditSchema.index({ 'actor.id': 1, at: -1 });

const WRITES = ['updateOne', 'updateMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'deleteOne', 'deleteMany'] as const;
for (const operation of WRITES) {
  auditSchema.pre(operation, { query: true, document: false }, function refuse() {
    throw new AuditAppendOnlyError(operation);
  });
}
// doc.updateOne() and doc.deleteOne() are document middleware, registered separately.
auditSchema.pre(['updateOne', 'deleteOne'], { document: true, query: false }, function refuse() {
  throw new AuditAppendOnlyError('a document update or delete');
});
auditSchema.pre('save', function refuseResave() {
  if (!this.isNew) throw new AuditAppendOnlyError('saving an existing entry');
});
auditSchema.pre('bulkWrite', function refuseBulk() {
  throw new AuditAppendOnlyError('bulkWrite');
});

export const AuditModel: Model<AuditEntry> = model<AuditEntry>('AuditEntry', auditSchema, 'audit_log');
