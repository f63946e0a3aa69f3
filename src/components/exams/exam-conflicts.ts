// Conflicts of interest. Whoever can read the bank's keys (examiners, administrators) cannot sit a
// certification exam drawn from it, unless an administrator records an exception for that person and
// exam, with a reason, in the audit log; nobody records one for themselves. Mock exams are open to all.
import { Types } from 'mongoose';
import { AppError, ConflictError, ForbiddenError, isDuplicateKeyError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import { findUserById, type PublicUser } from '../accounts';
import { recordAudit } from '../audit';
import { ExamExceptionModel } from './exam.model';
import { exceptionSchema } from './exam.schemas';
import { findExam, SelfGrantError, type ExamView } from './exam.service';

export class ConflictOfInterestError extends AppError {
  constructor() {
    super(403, 'conflict_of_interest', 'You can read this exam\'s questions and keys, so you cannot sit it unless an administrator records an exception.');
  }
}

/** True for a user who can see keys: the bank is open to examiners and administrators. */
export function canReadKeys(user: Pick<PublicUser, 'roles'>): boolean {
  return user.roles.some((role) => role === 'examiner' || role === 'admin');
}

/** Throws 403 conflict_of_interest when `user` may not sit `exam`. */
export async function assertMaySit(user: PublicUser, exam: Pick<ExamView, 'id' | 'mode'>): Promise<void> {
  if (exam.mode !== 'certification' || !canReadKeys(user)) return;
  const exception = await ExamExceptionModel.exists({ examId: new Types.ObjectId(exam.id), userId: new Types.ObjectId(user.id) });
  if (!exception) throw new ConflictOfInterestError();
}

export interface ExceptionView {
  userId: string;
  grantedBy: string;
  reason: string;
  createdAt: string;
}

/** An administrator records that `userId` may sit this certification exam despite reading its keys. */
export async function grantException(actor: PublicUser, examId: string, body: unknown): Promise<ExceptionView> {
  if (!actor.roles.includes('admin')) throw new ForbiddenError('Only an administrator can record an exception.');
  const exam = await findExam(examId);
  const input = parseInput(exceptionSchema, body);
  if (input.userId === actor.id) throw new SelfGrantError();
  if (exam.mode !== 'certification') throw new ConflictError('not_certification', 'Only certification exams need exceptions.');
  const user = await findUserById(input.userId);
  if (!user) throw new ConflictError('unknown_user', 'No such user.');
  try {
    const doc = await ExamExceptionModel.create({ examId: exam._id, userId: new Types.ObjectId(input.userId), grantedBy: new Types.ObjectId(actor.id), reason: input.reason });
    await recordAudit({ action: 'exam.exception_granted', actor, target: { type: 'exam', id: exam._id.toHexString(), label: exam.code }, after: { userId: user.id, email: user.email }, reason: input.reason });
    return { userId: user.id, grantedBy: actor.id, reason: doc.reason, createdAt: doc.createdAt.toISOString() };
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ConflictError('exception_exists', 'This user already has an exception for this exam.');
    throw err;
  }
}

export async function listExceptions(examId: string): Promise<ExceptionView[]> {
  const exam = await findExam(examId);
  const found = await ExamExceptionModel.find({ examId: exam._id }).sort({ createdAt: -1 }).lean();
  return found.map((e) => ({ userId: e.userId.toHexString(), grantedBy: e.grantedBy.toHexString(), reason: e.reason, createdAt: e.createdAt.toISOString() }));
}
