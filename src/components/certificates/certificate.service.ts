// Issuing (exactly once per passed certification attempt), verification, revocation and listing.
import { randomBytes, randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import { BoundedMap } from '../../lib/bounded-map';
import { ConflictError, NotFoundError, isDuplicateKeyError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { maskPersonName } from '../../lib/person-name';
import { findCertificateHolder, type PublicUser } from '../accounts';
import { auditedTargetIds, listAudit, recordAudit, recordAuditOnce, type AuditInput } from '../audit';
import { passedCertificationAttempts, type Attempt } from '../exams';
import { canonicalize } from './canonical-json';
import { CertificateModel, type Certificate } from './certificate.model';
import { STATUS_LIST_BITS } from './credential';
import type { CertificateRecord } from './certificate.types';
import { publicRevocation, type RevocationCode } from './revocation';
import { signText, verifyText, type KeyStore } from './signing-keys';

export interface CertificateSettings {
  orgCode: string;
  provinceCode: string;
  siteCode: string;
  issuerName: { zh: string; en: string };
  publicUrl: string;
}

export const OCCUPATION = { zh: '人工智能训练师', en: 'Artificial Intelligence Trainer', code: '4-04-05-05' } as const;
export const NO_JOB_TYPE = { zh: '--', en: '--' } as const;

const LEVEL_LABELS: Record<number, { zh: string; en: string }> = {
  5: { zh: '五级/初级工', en: 'Level 5 (Junior)' },
  4: { zh: '四级/中级工', en: 'Level 4 (Intermediate)' },
  3: { zh: '三级/高级工', en: 'Level 3 (Senior)' },
  2: { zh: '二级/技师', en: 'Level 2 (Technician)' },
  1: { zh: '一级/高级技师', en: 'Level 1 (Senior Technician)' },
};

/**
 * Shows at most the last 4 characters, and never more than a third of the number: a resident ID keeps
 * its last 4, a 6-character permit its last 2, a number of 2 characters none.
 */
export function maskIdNumber(idNumber: string): string {
  const shown = Math.min(4, Math.floor(idNumber.length / 3));
  return `${'*'.repeat(idNumber.length - shown)}${shown ? idNumber.slice(-shown) : ''}`;
}

/** S + org(4) + province(2) + site(6) + YY + level(1): the 16 characters before the 6-digit serial. */
export function numberPrefix(settings: CertificateSettings, issuedAt: Date, level: number): string {
  return `S${settings.orgCode}${settings.provinceCode}${settings.siteCode}${String(issuedAt.getUTCFullYear()).slice(-2)}${level}`;
}

/** Name matching for verifiers: case, width and all spacing ignored. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s·・.\-_]+/g, '');
}

function addYears(date: Date, years: number): Date {
  const out = new Date(date);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export interface IssueContext {
  keys: KeyStore;
  settings: CertificateSettings;
  logger: Logger;
  /** Written after the record is stored; a missing file is regenerated on download. */
  onIssued?: (certificate: Certificate) => Promise<void>;
}

/**
 * Issues the certificate of a graded, passed certification attempt, once. Safe to call any number of
 * times and concurrently: the unique attempt index decides, and the serial is re-drawn on collision.
 */
export async function issueForAttempt(attempt: Attempt, validityYears: number, ctx: IssueContext): Promise<Certificate | undefined> {
  if (!attempt.rules.issueCertificate || !attempt.result?.passed) return undefined;
  // No look-up first: the unique attempt index decides, and a second issue finds the first below.
  const holder = await findCertificateHolder(attempt.userId.toHexString());
  if (!holder) return undefined;
  const { user, idNumber } = holder;
  const issuedAt = attempt.finishedAt ?? new Date();
  const expiresAt = addYears(issuedAt, validityYears);
  const previous = await CertificateModel.findOne({ userId: attempt.userId, examId: attempt.examId, supersededBy: null, status: 'valid' })
    .sort({ issuedAt: -1 })
    .lean<Certificate>();
  const { kid, privateKey } = ctx.keys.current(issuedAt);
  const prefix = numberPrefix(ctx.settings, issuedAt, attempt.rules.level);

  let collided = false;
  for (let tries = 0; tries < 20; tries++) {
    const serial = await nextSerial(prefix, collided);
    const statusIndex = randomStatusIndex();
    const number = `${prefix}${String(serial).padStart(6, '0')}`;
    const record: CertificateRecord = {
      number,
      holder: { name: user.name, ...(user.nameZh ? { nameZh: user.nameZh } : {}) },
      ...(user.idType ? { idType: user.idType } : {}),
      ...(idNumber ? { idNumberMasked: maskIdNumber(idNumber) } : {}),
      occupation: { ...OCCUPATION },
      jobType: { ...NO_JOB_TYPE },
      level: attempt.rules.level,
      levelLabel: LEVEL_LABELS[attempt.rules.level]!,
      exam: { code: attempt.rules.examCode, title: attempt.rules.title },
      score: attempt.result.percent,
      passPercent: attempt.rules.passPercent,
      issuedOn: day(issuedAt),
      expiresOn: day(expiresAt),
      issuer: { name: ctx.settings.issuerName, code: `S${ctx.settings.orgCode}` },
      keyId: kid,
    };
    const canonical = canonicalize(record);
    try {
      const doc = await CertificateModel.create({
        number,
        attemptId: attempt._id,
        userId: attempt.userId,
        examId: attempt.examId,
        record,
        idNumber: idNumber ?? null,
        canonical,
        signature: signText(canonical, privateKey),
        keyId: kid,
        issuedAt,
        expiresAt,
        status: 'valid',
        supersedes: previous?.number ?? null,
        statusIndex,
        verifyToken: newVerifyToken(),
      });
      const issued = doc.toObject() as Certificate;
      if (previous) {
        await CertificateModel.updateOne({ _id: previous._id }, { $set: { supersededBy: number } });
        certificateChanged(previous.number);
      }
      certificateChanged(number);
      await recordAuditOnce(issuedAuditKey(number), issuedAuditEntry(issued));
      ctx.logger.info({ number, attempt: attempt._id.toHexString() }, 'certificate issued');
      await ctx.onIssued?.(issued);
      return issued;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Another grader issued this attempt's certificate first: that one stands.
      const winner = await CertificateModel.findOne({ attemptId: attempt._id }).lean<Certificate>();
      if (winner) return winner;
      // Otherwise the serial or status index was taken concurrently: draw again.
      collided = true;
    }
  }
  throw new ConflictError('certificate_number_exhausted', 'Could not allocate a certificate number; try again.');
}

/**
 * The next serial for a number prefix. The highest one is looked up (a scan of the certificates) only the
 * first time this instance issues under a prefix, or after a collision (another instance issued); after
 * that this instance counts on by itself, so issuing costs no scan.
 */
const serialHints = new Map<string, number>();

async function nextSerial(prefix: string, collided: boolean): Promise<number> {
  let next = collided ? undefined : serialHints.get(prefix);
  if (next === undefined) {
    const last = await CertificateModel.findOne({ number: { $regex: `^${prefix}` } }, { number: 1 }).sort({ number: -1 }).lean<{ number: string }>();
    next = Math.max(last ? Number(last.number.slice(-6)) + 1 : 1, serialHints.get(prefix) ?? 0);
  }
  serialHints.set(prefix, next + 1);
  return next;
}

/**
 * Status-list positions are drawn at random (as the Bitstring Status List spec asks, so the public list
 * does not tell which certificates were revoked by issue order); a taken one is drawn again.
 */
function randomStatusIndex(): number {
  return randomInt(0, STATUS_LIST_BITS);
}

/** 128 random bits: the QR code's proof that its reader holds the paper (or saw it). */
function newVerifyToken(): string {
  return randomBytes(16).toString('base64url');
}

export const VERIFY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Start-up migration: certificates issued before QR tokens existed get one (their files are rendered again on download). */
export async function assignMissingVerifyTokens(): Promise<number> {
  let assigned = 0;
  for await (const cert of CertificateModel.find({ verifyToken: { $exists: false } }, { number: 1 }).lean<Array<{ _id: Types.ObjectId }>>().cursor()) {
    await CertificateModel.updateOne({ _id: cert._id, verifyToken: { $exists: false } }, { $set: { verifyToken: newVerifyToken() } });
    assigned++;
  }
  return assigned;
}

// ---------------------------------------------------------------- verification

export type CertificateStatus = 'valid' | 'expired' | 'revoked';
/** What a verifier is told: the certificate's status, or invalid when its signature cannot be trusted. */
export type VerdictStatus = CertificateStatus | 'invalid';

export interface Verdict {
  number: string;
  status: VerdictStatus;
  holder: CertificateRecord['holder'];
  idType?: string;
  idNumberMasked?: string;
  occupation: CertificateRecord['occupation'];
  jobType: CertificateRecord['jobType'];
  level: { number: number; label: CertificateRecord['levelLabel'] };
  exam: CertificateRecord['exam'];
  score: number;
  passPercent: number;
  issuer: CertificateRecord['issuer'];
  issuedAt: string;
  expiresAt: string;
  revokedAt?: string;
  /** Public reason, coded; the examiner's note is never part of a verdict. */
  revocation?: { code: RevocationCode; label: { zh: string; en: string } };
  supersedes?: string;
  supersededBy?: string;
  signature: { keyId: string; valid: boolean };
}

export function statusOf(cert: Pick<Certificate, 'status' | 'expiresAt'>, now = new Date()): CertificateStatus {
  if (cert.status === 'revoked') return 'revoked';
  return cert.expiresAt <= now ? 'expired' : 'valid';
}

/** The stored signature checks out with the published key, and the stored record is what was signed. */
export function signatureValid(cert: Pick<Certificate, 'canonical' | 'signature' | 'keyId' | 'record' | 'issuedAt'>, keys: KeyStore): boolean {
  const key = keys.publicKey(cert.keyId);
  // A signature from outside its key's window (or after the key was compromised) is not trusted.
  if (!key || !keys.trustedAt(cert.keyId, cert.issuedAt)) return false;
  // A signed record never changes: its check is remembered (the key's presence is checked every time).
  const memo = `${cert.keyId}\u0000${cert.signature}\u0000${cert.canonical}`;
  let ok = signatureChecks.get(memo);
  if (ok === undefined) signatureChecks.set(memo, (ok = verifyText(cert.canonical, cert.signature, key)));
  return ok && canonicalize(cert.record) === cert.canonical;
}

const LOOKUP_CACHE_LIMIT = 10_000;
const signatureChecks = new BoundedMap<string, boolean>(LOOKUP_CACHE_LIMIT);

/**
 * Public look-ups (employers, QR scans) read certificates through a short-lived cache: a burst of checks
 * of one cohort's certificates costs one database read per certificate every couple of seconds. A
 * revocation here drops the entry at once; one made on another instance shows within LOOKUP_TTL_MS.
 */
const LOOKUP_TTL_MS = 2_000;
const lookups = new BoundedMap<string, { cert: Certificate | undefined; at: number }>(LOOKUP_CACHE_LIMIT);

async function lookupForVerification(number: string): Promise<Certificate | undefined> {
  const hit = lookups.get(number);
  if (hit && Date.now() - hit.at < LOOKUP_TTL_MS) return hit.cert;
  const cert = await findByNumber(number);
  lookups.set(number, { cert, at: Date.now() });
  return cert;
}

function certificateChanged(number: string): void {
  lookups.delete(number);
}

export function toVerdict(cert: Certificate, keys: KeyStore, now = new Date()): Verdict {
  const r = cert.record;
  const signed = signatureValid(cert, keys);
  return {
    number: cert.number,
    // A record whose signature fails (altered in the database, or signed by a key outside its window or
    // after it was compromised) is not a valid certificate, whatever its stored status says.
    status: signed ? statusOf(cert, now) : 'invalid',
    holder: r.holder,
    ...(r.idType ? { idType: r.idType } : {}),
    ...(r.idNumberMasked ? { idNumberMasked: r.idNumberMasked } : {}),
    occupation: r.occupation,
    jobType: r.jobType,
    level: { number: r.level, label: r.levelLabel },
    exam: r.exam,
    score: r.score,
    passPercent: r.passPercent,
    issuer: r.issuer,
    issuedAt: cert.issuedAt.toISOString(),
    expiresAt: cert.expiresAt.toISOString(),
    ...(cert.revokedAt ? { revokedAt: cert.revokedAt.toISOString() } : {}),
    ...(cert.status === 'revoked' ? { revocation: publicRevocation(cert.revocationCode) } : {}),
    ...(cert.supersedes ? { supersedes: cert.supersedes } : {}),
    ...(cert.supersededBy ? { supersededBy: cert.supersededBy } : {}),
    signature: { keyId: cert.keyId, valid: signed },
  };
}

export const NUMBER_PATTERN = /^[SY]\d{21}$/;

/** The one answer for an unknown number, a wrong name and a forged file alike. */
export function certificateNotFound(): NotFoundError {
  return new NotFoundError('No certificate matches this number and name.', 'certificate_not_found');
}

export async function findByNumber(number: string): Promise<Certificate | undefined> {
  if (!NUMBER_PATTERN.test(number)) return undefined;
  return (await CertificateModel.findOne({ number }).lean<Certificate>()) ?? undefined;
}

/**
 * Unknown number and wrong name answer exactly alike, so neither can be probed on its own. Database
 * operations: 1 (an equality look-up on the certificate number, index-backed on every backend), or none
 * when the same number was looked up in the last LOOKUP_TTL_MS.
 */
export async function verifyByNumberAndName(number: string, name: string, keys: KeyStore, now = new Date()): Promise<Verdict> {
  const cert = await lookupForVerification(number.trim().toUpperCase());
  const wanted = normalizeName(name);
  const names = cert ? [cert.record.holder.name, cert.record.holder.nameZh].filter((n): n is string => !!n).map(normalizeName) : [];
  if (!cert || !wanted || !names.includes(wanted)) throw certificateNotFound();
  return toVerdict(cert, keys, now);
}

/** What the QR landing page may show before the visitor gives the name: the masked name and the status. */
export interface QrLanding {
  number: string;
  status: CertificateStatus;
  maskedName: string;
  maskedNameZh?: string;
  level: CertificateRecord['levelLabel'];
  issuedOn: string;
  expiresOn: string;
}

/**
 * The certificate a QR token belongs to. Database operations: 1 (an equality look-up on the indexed
 * token). Unknown and malformed tokens answer alike (undefined).
 */
export async function findByVerifyToken(token: string, now = new Date()): Promise<QrLanding | undefined> {
  if (!VERIFY_TOKEN_PATTERN.test(token)) return undefined;
  const cert = await CertificateModel.findOne({ verifyToken: token }).lean<Certificate>();
  if (!cert) return undefined;
  const { holder } = cert.record;
  return {
    number: cert.number,
    status: statusOf(cert, now),
    maskedName: maskPersonName(holder.name),
    ...(holder.nameZh ? { maskedNameZh: maskPersonName(holder.nameZh) } : {}),
    level: cert.record.levelLabel,
    issuedOn: cert.record.issuedOn,
    expiresOn: cert.record.expiresOn,
  };
}

// ---------------------------------------------------------------- lifecycle

/** Revokes with a public code and an internal note (the note goes to the audit log, never to verifiers). */
export async function revoke(actor: PublicUser, number: string, { code, note }: { code: RevocationCode; note: string }, now = new Date()): Promise<Certificate> {
  const cert = await findByNumber(number);
  if (!cert) throw new NotFoundError('No such certificate.', 'certificate_not_found');
  if (cert.status === 'revoked') throw new ConflictError('already_revoked', 'This certificate is already revoked.');
  await CertificateModel.updateOne({ _id: cert._id }, { $set: { status: 'revoked', revokedAt: now, revocationReason: note, revocationCode: code } });
  certificateChanged(number);
  await recordAudit({ action: 'certificate.revoked', actor, target: { type: 'certificate', id: number }, before: { status: cert.status }, after: { status: 'revoked', code }, reason: note, at: now });
  return { ...cert, status: 'revoked', revokedAt: now, revocationReason: note, revocationCode: code };
}

export async function listForHolder(userId: string): Promise<Certificate[]> {
  return CertificateModel.find({ userId: new Types.ObjectId(userId) }).sort({ issuedAt: -1 }).lean<Certificate[]>();
}

export async function listAll(filter: { status?: 'valid' | 'revoked' | 'expired'; q?: string }, now = new Date()): Promise<Certificate[]> {
  const query: Record<string, unknown> = {};
  if (filter.status === 'revoked') query.status = 'revoked';
  if (filter.status === 'valid') Object.assign(query, { status: 'valid', expiresAt: { $gt: now } });
  if (filter.status === 'expired') Object.assign(query, { status: 'valid', expiresAt: { $lte: now } });
  if (filter.q) query.number = { $regex: `^${filter.q.replace(/[^0-9A-Z]/gi, '').toUpperCase()}` };
  return CertificateModel.find(query).sort({ issuedAt: -1 }).limit(500).lean<Certificate[]>();
}

/** One certificate's issue and revocation, oldest first, in the shape GET /api/certificates/:number/audit always had. */
export async function auditTrail(number: string): Promise<Array<{ _id: string; action: 'issue' | 'revoke'; number: string; by: string | null; reason: string | null; at: Date }>> {
  const { items } = await listAudit(
    { targetType: 'certificate', targetId: number, actions: ['certificate.issued', 'certificate.revoked'] },
    { page: 1, pageSize: 1000 },
  );
  return items.reverse().map((entry) => ({
    _id: entry.id,
    action: entry.action === 'certificate.issued' ? 'issue' : 'revoke',
    number,
    by: entry.actor?.id ?? null,
    reason: entry.reason ?? null,
    at: entry.at,
  }));
}

/** Issuing happens once per certificate, so its entry has a fixed id: repeats and repairs add nothing. */
const issuedAuditKey = (number: string) => `certificate.issued:${number}`;

function issuedAuditEntry(cert: Pick<Certificate, 'number' | 'attemptId' | 'keyId' | 'issuedAt' | 'supersedes'>): AuditInput {
  return {
    action: 'certificate.issued',
    actor: null,
    target: { type: 'certificate', id: cert.number },
    after: { status: 'valid', keyId: cert.keyId, ...(cert.supersedes ? { supersedes: cert.supersedes } : {}) },
    reason: `attempt ${cert.attemptId.toHexString()}`,
    at: cert.issuedAt,
  };
}

/**
 * Start-up repair for a crash or a failed audit write between storing a certificate and recording it:
 * adds the missing "issued" entries, and "revoked" ones rebuilt from the certificate (who revoked it
 * is then unknown, and the entry says it was reconstructed).
 */
export async function recordMissingCertificateAudit(): Promise<number> {
  let added = 0;
  const issued = await auditedTargetIds('certificate.issued', 'certificate');
  const revoked = await auditedTargetIds('certificate.revoked', 'certificate');
  const fields = { number: 1, attemptId: 1, keyId: 1, issuedAt: 1, supersedes: 1, status: 1, revokedAt: 1, revocationReason: 1 };
  for await (const cert of CertificateModel.find({}, fields).lean<Certificate[]>().cursor()) {
    if (!issued.has(cert.number) && (await recordAuditOnce(issuedAuditKey(cert.number), issuedAuditEntry(cert)))) added++;
    if (cert.status === 'revoked' && !revoked.has(cert.number)) {
      const entry: AuditInput = {
        action: 'certificate.revoked',
        actor: null,
        target: { type: 'certificate', id: cert.number },
        before: { status: 'valid' },
        after: { status: 'revoked', reconstructed: true },
        reason: cert.revocationReason,
        ...(cert.revokedAt ? { at: cert.revokedAt } : {}),
      };
      if (await recordAuditOnce(`certificate.revoked:${cert.number}`, entry)) added++;
    }
  }
  return added;
}

/** Issues what a crash between grading and issuing left out (run at start-up). */
export async function issueMissingCertificates(ctx: IssueContext & { validityYears: (examId: Types.ObjectId) => Promise<number> }): Promise<number> {
  const issuedFor = new Set((await CertificateModel.find({}, { attemptId: 1 }).lean<Array<{ attemptId: Types.ObjectId }>>()).map((c) => c.attemptId.toHexString()));
  let issued = 0;
  for (const attempt of await passedCertificationAttempts()) {
    if (issuedFor.has(attempt._id.toHexString())) continue;
    if (await issueForAttempt(attempt, await ctx.validityYears(attempt.examId), ctx)) issued++;
  }
  return issued;
}
