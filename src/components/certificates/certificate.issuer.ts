// Connects grading to issuing: when a certification attempt is graded as passed, its certificate is
// issued and its PDF written. Failures are logged and repaired at the next start-up.
import { findExam, onAttemptGraded, type Attempt } from '../exams';
import type { Types } from 'mongoose';
import type { CertificatesContext } from './certificates.context';
import { issueForAttempt, issueMissingCertificates } from './certificate.service';

async function validityYears(examId: Types.ObjectId): Promise<number> {
  try {
    return (await findExam(examId.toHexString())).certificate?.validityYears ?? 3;
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

export async function repairMissingCertificates(ctx: CertificatesContext): Promise<number> {
  return issueMissingCertificates({ ...issueContext(ctx), validityYears });
}
