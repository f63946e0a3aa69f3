// Connects grading to issuing: when a certification attempt is graded as passed, its certificate is
// issued and its PDF written. Failures are logged and repaired at the next start-up.
import { findExamCached, onAttemptGraded, type Attempt } from '../exams';
import type { Types } from 'mongoose';
import type { CertificatesContext } from './certificates.context';
import { issueForAttempt, issueMissingCertificates, recordMissingCertificateAudit } from './certificate.service';
import { recordKeyRotations } from './signing-key-audit';

async function validityYears(examId: Types.ObjectId): Promise<number> {
  try {
    return (await findExamCached(examId.toHexString())).certificate?.validityYears ?? 3;
  } catch {
    return 3;
  }
}

function issueContext(ctx: CertificatesContext) {
  return {
    keys: ctx.keys,
    settings: ctx.settings,
    logger: ctx.logger,
    onIssued: async (cert: Parameters<CertificatesContext['files']['ensure']>[0]) => {
      await ctx.files.ensure(cert);
    },
  };
}

export function installCertificateIssuer(ctx: CertificatesContext): void {
  onAttemptGraded(async (attempt: Attempt) => {
    try {
      await issueForAttempt(attempt, await validityYears(attempt.examId), issueContext(ctx));
    } catch (err) {
      ctx.logger.error({ err, attempt: attempt._id.toHexString() }, 'certificate issuing failed; it will be retried at the next start');
    }
  });
}

/** Start-up repair: certificates a crash left unissued, then audit entries a crash or failed write left out. */
export async function repairMissingCertificates(ctx: CertificatesContext): Promise<number> {
  const issued = await issueMissingCertificates({ ...issueContext(ctx), validityYears });
  const entries = (await recordMissingCertificateAudit()) + (await recordKeyRotations(ctx.keys, 'recorded at server start from the key files'));
  if (entries) ctx.logger.info({ entries }, 'added audit entries for certificate events and key rotations not yet in the log');
  return issued;
}
