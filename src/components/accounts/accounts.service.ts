// Business rules for accounts: registration, sign-in, roles, the first administrator.
import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidCredentialsError, NotFoundError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { recordAudit } from '../audit';
import type { LoginInput, RegisterInput } from './accounts.schemas';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import { clientKey, type LoginThrottle } from './login-throttle';
import { revokeSession } from './session.repository';
import { newSessionId, type TokenService } from './token';
import type { Role } from './user.model';
import * as users from './user.repository';
import type { PublicUser } from './user.repository';

export interface Session {
  user: PublicUser;
  token: string;
}

/** What a sign-in request knows about where it came from. */
export interface ClientInfo {
  /** The client address (after TRUST_PROXY), for throttling. */
  address: string;
}

function startSession(tokens: TokenService, user: PublicUser, sessionVersion: number): Session {
  return { user, token: tokens.sign(user.id, { sid: newSessionId(), sv: sessionVersion }) };
}

export async function register(input: RegisterInput, tokens: TokenService, throttle: LoginThrottle, client: ClientInfo): Promise<Session> {
  await throttle.registration(clientKey(client.address));
  const user = await users.createUser({
    email: input.email,
    name: input.name,
    nameZh: input.nameZh,
    passwordHash: await hashPassword(input.password),
    roles: ['candidate'],
  });
  return startSession(tokens, user, 0);
}

export async function login(input: LoginInput, tokens: TokenService, throttle: LoginThrottle, client: ClientInfo): Promise<Session> {
  const address = clientKey(client.address);
  return throttle.guard(input.email, address, async () => {
    const found = await users.findCredentialsByEmail(input.email);
    // Hash against a decoy when the email is unknown so timing does not reveal which accounts exist.
    const ok = await verifyPassword(input.password, found?.passwordHash ?? (await decoyPasswordHash()));
    if (!found || !ok) {
      await recordFailedSignIn(throttle, input.email, address, found?.user.id);
      throw new InvalidCredentialsError();
    }
    await throttle.recordSuccess(input.email);
    return startSession(tokens, found.user, found.sessionVersion);
  });
}

/** Signs out this device only: its token is refused from now on, the user's other sessions go on. */
export async function logout(session: { userId: string; sid: string; exp: number }): Promise<void> {
  await revokeSession(session.sid, session.userId, new Date(session.exp * 1000));
}

/** Signs out every device of the user at once (including this one). */
export async function logoutEverywhere(user: PublicUser): Promise<void> {
  await users.bumpSessionVersion(user.id);
  await recordAudit({ action: 'auth.signed_out_everywhere', actor: user, target: userTarget(user) });
}

function userTarget(user: Pick<PublicUser, 'id' | 'email'>) {
  return { type: 'user' as const, id: user.id, label: user.email };
}

/**
 * Counts the failure and records it: who was tried (the account, or the email as typed when no account
 * has it) and from where (the audit log takes the address from the request).
 */
async function recordFailedSignIn(throttle: LoginThrottle, email: string, address: string, userId: string | undefined): Promise<void> {
  const outcome = await throttle.recordFailure(email, address);
  const target = { type: 'user' as const, id: userId ?? `email:${email}`, label: email };
  await recordAudit({ action: 'auth.login_failed', actor: null, target, after: { failures: outcome.failures } });
  if (outcome.locked) await recordAudit({ action: 'auth.lockout', actor: null, target, after: { lockedForSeconds: throttle.policy.lockSeconds } });
  if (outcome.addressLocked) await recordAudit({ action: 'auth.address_locked', actor: null, target, after: { address, lockedForSeconds: throttle.policy.lockSeconds } });
}

/**
 * A new password, after proving the current one (throttled like a sign-in): every session ends, and the
 * caller gets a fresh one for this device.
 */
export async function changePassword(
  userId: string,
  input: { currentPassword: string; newPassword: string },
  tokens: TokenService,
  throttle: LoginThrottle,
  client: ClientInfo,
): Promise<Session> {
  const current = await users.findCredentialsById(userId);
  if (!current) throw new NotFoundError('No such user.');
  const email = current.user.email;
  const address = clientKey(client.address);
  return throttle.guard(email, address, async () => {
    if (!(await verifyPassword(input.currentPassword, current.passwordHash))) {
      await recordFailedSignIn(throttle, email, address, userId);
      throw new InvalidCredentialsError();
    }
    await throttle.recordSuccess(email);
    const version = await users.bumpSessionVersion(userId, { passwordHash: await hashPassword(input.newPassword) });
    if (version === undefined) throw new NotFoundError('No such user.');
    await recordAudit({ action: 'auth.password_changed', actor: current.user, target: userTarget(current.user), reason: 'all sessions ended' });
    return startSession(tokens, current.user, version);
  });
}

export async function changeRoles(actor: PublicUser, targetId: string, roles: Role[]): Promise<PublicUser> {
  const target = await users.findUserById(targetId);
  if (!target) throw new NotFoundError('No such user.');
  const losesAdmin = target.roles.includes('admin') && !roles.includes('admin');
  if (losesAdmin && (await users.countUsersWithRole('admin')) <= 1) {
    throw new ConflictError('last_admin', 'The last administrator cannot lose the admin role.');
  }
  const updated = await users.setRoles(targetId, roles);
  if (!updated) throw new NotFoundError('No such user.');
  if ([...updated.roles].sort().join() !== [...target.roles].sort().join()) {
    await recordAudit({ action: 'user.roles_changed', actor, target: { type: 'user', id: updated.id, label: updated.email }, before: { roles: target.roles }, after: { roles: updated.roles } });
  }
  return updated;
}

export interface AdminBootstrapResult {
  created: boolean;
  email: string;
  /** Only when we generated it: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** Makes sure an administrator exists; on an empty database creates one from ADMIN_EMAIL/ADMIN_PASSWORD. */
export async function ensureAdmin(
  settings: { adminEmail: string; adminPassword: string | undefined },
  logger: Logger,
): Promise<AdminBootstrapResult> {
  if ((await users.countUsersWithRole('admin')) > 0) return { created: false, email: settings.adminEmail };
  const existing = await users.findUserByEmail(settings.adminEmail);
  if (existing) {
    const roles = [...new Set<Role>([...existing.roles, 'admin'])];
    await users.setRoles(existing.id, roles);
    await recordAudit({ action: 'user.roles_changed', actor: null, target: { type: 'user', id: existing.id, label: existing.email }, before: { roles: existing.roles }, after: { roles }, reason: 'no administrator existed: ADMIN_EMAIL made one' });
    logger.warn({ email: existing.email }, 'no administrator existed: granted admin to ADMIN_EMAIL account');
    return { created: false, email: existing.email };
  }
  const generatedPassword = settings.adminPassword ? undefined : randomBytes(12).toString('base64url');
  try {
    await users.createUser({
      email: settings.adminEmail,
      name: 'Administrator',
      nameZh: '管理员',
      passwordHash: await hashPassword(settings.adminPassword ?? generatedPassword!),
      roles: ['admin', 'examiner'],
    });
  } catch (err) {
    // Another instance created it at the same moment: that one reports the password.
    if (err instanceof ConflictError) return { created: false, email: settings.adminEmail };
    throw err;
  }
  return { created: true, email: settings.adminEmail, ...(generatedPassword ? { generatedPassword } : {}) };
}
