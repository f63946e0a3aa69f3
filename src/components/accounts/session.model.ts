import { Schema, model, type Model, type Types } from 'mongoose';

/**
 * A signed-out session: its token must not be accepted again, even before it expires. Looked up by `_id`
 * (the token's `sid`) on every authenticated request, which both backends answer from the primary key.
 */
export interface RevokedSession {
  _id: string;
  userId: Types.ObjectId;
  revokedAt: Date;
  /** When the token would have expired anyway: after that the entry can go. */
  expiresAt: Date;
}

const revokedSessionSchema = new Schema<RevokedSession>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    revokedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const RevokedSessionModel: Model<RevokedSession> = model<RevokedSession>('RevokedSession', revokedSessionSchema, 'revoked_sessions');
