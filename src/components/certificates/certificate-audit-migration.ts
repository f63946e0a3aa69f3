// certificate_audit (issue and revoke, kept by this component before the shared audit log existed) is
// copied into audit_log at start-up. Each copy keeps the old entry's _id, so running it again, or on
// two instances at once, inserts nothing twice (the unique _id insert decides), and nothing is lost:
// the old collection is left as it was and is no longer written.
import { findUsersByIds } from '../accounts';
import { existingAuditIds, recordAuditOnce } from '../audit';
import { CertificateAuditModel, type CertificateAudit } from './certificate.model';

const BATCH = 200;

async function copyBatch(all: CertificateAudit[]): Promise<number> {
  // One read per batch instead of one refused insert per entry on every later start.
  const done = await existingAuditIds(all.map((e) => e._id));
  const batch = all.filter((e) => !done.has(e._id.toHexString()));
  if (!batch.length) return 0;
  // The old entries kept only the actor's id; the log shows an email, looked up once per batch.
  const users = await findUsersByIds([...new Set(batch.flatMap((e) => (e.by ? [e.by.toHexString()] : [])))]);
  let copied = 0;
  for (const old of batch) {
    const byId = old.by?.toHexString();
    const copiedNow = await recordAuditOnce(old._id, {
      action: old.action === 'revoke' ? 'certificate.revoked' : 'certificate.issued',
      actor: byId ? { id: byId, email: users.get(byId)?.email ?? '' } : null,
      target: { type: 'certificate', id: old.number },
      after: { status: old.action === 'revoke' ? 'revoked' : 'valid' },
      reason: old.reason,
      at: old.at,
    });
    if (copiedNow) copied++;
  }
  return copied;
}

/** Copies what audit_log does not hold yet; returns how many entries it copied this time. */
export async function migrateCertificateAudit(): Promise<number> {
  let copied = 0;
  let batch: CertificateAudit[] = [];
  for await (const old of CertificateAuditModel.find().sort({ _id: 1 }).lean<CertificateAudit[]>().cursor()) {
    batch.push(old);
    if (batch.length === BATCH) {
      copied += await copyBatch(batch);
      batch = [];
    }
  }
  if (batch.length) copied += await copyBatch(batch);
  return copied;
}
