import { Schema, model, type Model, type Types } from 'mongoose';
import type { CertificateRecord } from './certificate.types';

export interface Certificate {
  _id: Types.ObjectId;
  number: string;
  /** Unique: one certificate per attempt, however often grading hooks or repairs run. */
  attemptId: Types.ObjectId;
  userId: Types.ObjectId;
  examId: Types.ObjectId;
  record: CertificateRecord;
  /** Stored for the national look-up; never returned or printed unmasked. */
  idNumber: string | null;
  canonical: string;
  signature: string;
  keyId: string;
  issuedAt: Date;
  expiresAt: Date;
  status: 'valid' | 'revoked';
  revokedAt: Date | null;
  /** Internal: the examiner's note (administrators and the audit log only). */
  revocationReason: string | null;
  /** Public: one of REVOCATION_CODES (revocation.ts). */
  revocationCode: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  /** Position in the public Bitstring Status List (unique). */
  statusIndex: number;
  /**
   * The QR code's secret (128 random bits, base64url): whoever scans the paper may see the masked name
   * and the status; a guessed certificate number shows neither.
   */
  verifyToken: string;
  createdAt: Date;
  updatedAt: Date;
}

const certificateSchema = new Schema<Certificate>(
  {
    number: { type: String, required: true, unique: true },
    attemptId: { type: Schema.Types.ObjectId, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    examId: { type: Schema.Types.ObjectId, required: true },
    record: { type: Schema.Types.Mixed, required: true },
    idNumber: { type: String, default: null, select: false },
    canonical: { type: String, required: true },
    signature: { type: String, required: true },
    keyId: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    status: { type: String, required: true, default: 'valid' },
    revokedAt: { type: Date, default: null },
    revocationReason: { type: String, default: null },
    revocationCode: { type: String, default: null },
    supersedes: { type: String, default: null },
    supersededBy: { type: String, default: null },
    statusIndex: { type: Number, required: true, unique: true },
    // Not unique: certificates issued before tokens existed have none until the start-up migration
    // gives them one, and a unique index would count the missing ones as duplicates. 128 random bits
    // do not collide.
    verifyToken: { type: String, index: true },
  },
  { timestamps: true, minimize: false },
);
certificateSchema.index({ userId: 1, examId: 1, issuedAt: -1 });

/**
 * Who issued or revoked what, when and why: the trail before the shared audit log. Read only, by the
 * start-up copy into audit_log (certificate-audit-migration.ts); nothing writes here any more.
 */
export interface CertificateAudit {
  _id: Types.ObjectId;
  action: 'issue' | 'revoke';
  number: string;
  by: Types.ObjectId | null;
  reason: string | null;
  at: Date;
}
const auditSchema = new Schema<CertificateAudit>({
  action: { type: String, required: true },
  number: { type: String, required: true, index: true },
  by: { type: Schema.Types.ObjectId, default: null },
  reason: { type: String, default: null },
  at: { type: Date, required: true },
});

export const CertificateModel: Model<Certificate> = model<Certificate>('Certificate', certificateSchema);
export const CertificateAuditModel: Model<CertificateAudit> = model<CertificateAudit>('CertificateAudit', auditSchema, 'certificate_audit');
