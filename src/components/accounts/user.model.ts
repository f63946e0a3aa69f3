import { Schema, model, type Model, type Types } from 'mongoose';

export const ROLES = ['candidate', 'examiner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  _id: Types.ObjectId;
  email: string;
  name: string;
  nameZh?: string;
  passwordHash: string;
  roles: Role[];
  /** For certificates: the ID document type, and its number (never returned; printed masked). */
  idType?: string;
  idNumber?: string;
  /** Raised to end every session at once (sign out everywhere, new password, new roles). */
  sessionVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<User>(
  {
    email: { type: String, required: true, unique: true, trim: true, lowercase: true },
    name: { type: String, required: true, trim: true },
    nameZh: { type: String, trim: true },
    passwordHash: { type: String, required: true, select: false },
    roles: { type: [String], enum: ROLES, default: ['candidate'] },
    idType: { type: String, trim: true },
    idNumber: { type: String, trim: true, select: false },
    sessionVersion: { type: Number, default: 0 },
  },
  { timestamps: true },
);
userSchema.index({ roles: 1 });

export const UserModel: Model<User> = model<User>('User', userSchema);
