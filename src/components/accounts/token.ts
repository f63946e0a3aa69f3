// Session tokens: HS256 JWTs with issuer and audience pinned, short-lived, and tied to a session:
// `sid` names this sign-in (so "sign out on this device" can end just it) and `sv` is the user's session
// version at sign-in (so "sign out everywhere", a password change or a role change ends all of them).
import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const TOKEN_ISSUER = 'ai-trainer-exam';
export const TOKEN_AUDIENCE = 'ai-trainer-exam:api';

export interface SessionRef {
  /** Random id of one sign-in (one device or client). */
  sid: string;
  /** The user's session version when the token was issued. */
  sv: number;
}

export interface TokenClaims extends SessionRef {
  sub: string;
  iat: number;
  exp: number;
}

export interface TokenService {
  readonly ttlSeconds: number;
  sign(userId: string, session: SessionRef): string;
  /** Undefined for any token that is malformed, forged, expired, meant for someone else, or without `exp`. */
  verify(token: string): TokenClaims | undefined;
}

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function createTokenService(secretText: string, ttlSeconds: number): TokenService {
  // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it as a public
  // key on every verify, which was the single largest CPU cost of an authenticated request.
  const secret = createSecretKey(Buffer.from(secretText, 'utf8'));
  return {
    ttlSeconds,
    sign(userId, session) {
      return jwt.sign({ sid: session.sid, sv: session.sv }, secret, {
        algorithm: 'HS256',
        subject: userId,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        expiresIn: ttlSeconds,
      });
    },
    verify(token) {
      try {
        const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
        if (typeof claims !== 'object') return undefined;
        const { sub, iat, exp, sid, sv } = claims as Record<string, unknown>;
        // jsonwebtoken accepts a token without `exp` as never expiring; we never issue one, so refuse it.
        if (typeof sub !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') return undefined;
        if (typeof sid !== 'string' || !/^[\w-]{16,64}$/.test(sid) || typeof sv !== 'number' || !Number.isInteger(sv)) return undefined;
        // Nor one that claims to live longer than we ever sign for.
        if (exp - iat > ttlSeconds + 60) return undefined;
        return { sub, iat, exp, sid, sv };
      } catch {
        return undefined;
      }
    },
  };
}
