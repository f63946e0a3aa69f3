// The only code that touches the User model. Returns plain objects; the hash only when asked.
import { Types, type QueryFilter } from 'mongoose';
import { isDuplicateKeyError, ConflictError } from '../../lib/errors';
import { UserModel, type Role, type User } from './user.model';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  nameZh?: string;
  roles: Role[];
  idType?: string;
  createdAt: string;
}

type StoredUser = Omit<User, 'passwordHash'>;

export function toPublicUser(user: StoredUser): PublicUser {
  return {
    id: user._id.toHexString(),
    email: user.email,
    name: user.name,
    ...(user.nameZh ? { nameZh: user.nameZh } : {}),
    roles: [...user.roles],
    ...(user.idType ? { idType: user.idType } : {}),
    createdAt: user.createdAt.toISOString(),
  };
}

function asObjectId(id: string): Types.ObjectId | undefined {
  return Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}

export async function createUser(input: {
  email: string;
  name: string;
  nameZh?: string | undefined;
  passwordHash: string;
  roles: Role[];
}): Promise<PublicUser> {
  try {
    const doc = await UserModel.create(input);
    return toPublicUser(doc.toObject());
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ConflictError('email_taken', 'An account with this email already exists.');
    throw err;
  }
}

/** Several users in one query (lists that show who did what). Unknown ids are simply absent. */
export async function findUsersByIds(ids: string[]): Promise<Map<string, PublicUser>> {
  const objectIds = ids.map(asObjectId).filter((id): id is Types.ObjectId => !!id);
  const users = objectIds.length ? await UserModel.find({ _id: { $in: objectIds } }).lean<StoredUser[]>() : [];
  return new Map(users.map((u) => [u._id.toHexString(), toPublicUser(u)]));
}

export async function findUserById(id: string): Promise<PublicUser | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const user = await UserModel.findById(_id).lean<StoredUser>();
  return user ? toPublicUser(user) : undefined;
}

/** The user behind a session token, with the session version the token must carry. */
export async function findSessionUser(id: string): Promise<{ user: PublicUser; sessionVersion: number } | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const user = await UserModel.findById(_id).lean<StoredUser>();
  return user ? { user: toPublicUser(user), sessionVersion: user.sessionVersion ?? 0 } : undefined;
}

export interface Credentials {
  user: PublicUser;
  passwordHash: string;
  sessionVersion: number;
}

export async function findCredentialsByEmail(email: string): Promise<Credentials | undefined> {
  const user = await UserModel.findOne({ email }).select('+passwordHash').lean<User>();
  return user ? { user: toPublicUser(user), passwordHash: user.passwordHash, sessionVersion: user.sessionVersion ?? 0 } : undefined;
}

export async function findCredentialsById(id: string): Promise<Credentials | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const user = await UserModel.findById(_id).select('+passwordHash').lean<User>();
  return user ? { user: toPublicUser(user), passwordHash: user.passwordHash, sessionVersion: user.sessionVersion ?? 0 } : undefined;
}

/**
 * Ends every session of the user: tokens carry the version they were issued under. Returns the new
 * version. (On FerretDB two concurrent bumps may both land on the same number; either way it moved.)
 */
export async function bumpSessionVersion(id: string, extra: Record<string, unknown> = {}): Promise<number | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const { matchedCount } = await UserModel.updateOne({ _id }, { $inc: { sessionVersion: 1 }, ...(Object.keys(extra).length ? { $set: extra } : {}) });
  if (!matchedCount) return undefined;
  const user = await UserModel.findById(_id, { sessionVersion: 1 }).lean<{ sessionVersion?: number }>();
  return user?.sessionVersion ?? 0;
}

export async function findUserByEmail(email: string): Promise<PublicUser | undefined> {
  const user = await UserModel.findOne({ email }).lean<StoredUser>();
  return user ? toPublicUser(user) : undefined;
}

export async function setRoles(id: string, roles: Role[]): Promise<PublicUser | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  // updateOne + find, not findOneAndUpdate: FerretDB v1 does not implement findAndModify with a
  // projection, and mongoose always projects away the select:false password hash.
  // New roles end the user's sessions: they sign in again under what they may now do.
  const { matchedCount } = await UserModel.updateOne({ _id }, { $set: { roles }, $inc: { sessionVersion: 1 } });
  return matchedCount ? findUserById(id) : undefined;
}

export async function countUsersWithRole(role: Role): Promise<number> {
  return UserModel.countDocuments({ roles: role });
}

export async function updateProfile(id: string, changes: { name?: string; nameZh?: string | null; idType?: string | null; idNumber?: string | null }): Promise<PublicUser | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null || value === '') unset[key] = 1;
    else set[key] = value;
  }
  await UserModel.updateOne({ _id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  return findUserById(id);
}

/** For certificate issuing: the holder and their ID number (which no other read returns), in one read. */
export async function findCertificateHolder(id: string): Promise<{ user: PublicUser; idNumber: string | undefined } | undefined> {
  const _id = asObjectId(id);
  if (!_id) return undefined;
  const user = await UserModel.findById(_id).select('+idNumber').lean<StoredUser & { idNumber?: string }>();
  return user ? { user: toPublicUser(user), idNumber: user.idNumber } : undefined;
}

export interface UserListQuery {
  /** A literal, case-insensitive fragment of the email, name or Chinese name. */
  q?: string | undefined;
  role?: Role | undefined;
  page: number;
  pageSize: number;
}

/** The administrators' list: newest accounts first, one page at a time, with the total that match. */
export async function listUsers(query: UserListQuery): Promise<{ items: PublicUser[]; total: number }> {
  // Built from validated values only. The fragment is escaped, so "a.b" or "(x" match themselves.
  const filter: Record<string, unknown> = {};
  if (query.role) filter.roles = query.role;
  const needle = query.q?.trim();
  if (needle) {
    const pattern = { $regex: needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
    filter.$or = [{ email: pattern }, { name: pattern }, { nameZh: pattern }];
  }
  const typed = filter as QueryFilter<User>;
  const [items, total] = await Promise.all([
    UserModel.find(typed)
      .sort({ createdAt: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<StoredUser[]>(),
    UserModel.countDocuments(typed),
  ]);
  return { items: items.map(toPublicUser), total };
}
