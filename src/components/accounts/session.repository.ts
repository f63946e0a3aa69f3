// Signed-out sessions (the only code that touches RevokedSessionModel).
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../lib/errors';
import { RevokedSessionModel } from './session.model';

export async function isSessionRevoked(sid: string): Promise<boolean> {
  return (await RevokedSessionModel.exists({ _id: sid })) !== null;
}

export async function revokeSession(sid: string, userId: string, expiresAt: Date, now = new Date()): Promise<void> {
  try {
    await RevokedSessionModel.create({ _id: sid, userId: new Types.ObjectId(userId), revokedAt: now, expiresAt });
  } catch (err) {
    // Signed out twice (two tabs): already done.
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** Entries for tokens that have expired anyway (the sweeper runs this now and then). */
export async function forgetExpiredRevocations(now = new Date()): Promise<number> {
  const { deletedCount } = await RevokedSessionModel.deleteMany({ expiresAt: { $lt: now } });
  return deletedCount;
}
