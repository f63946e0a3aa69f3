// Session tokens: HS256 JWTs with issuer and audience pinned, short-lived.
import jwt from 'jsonwebtoken';

export const TOKEN_ISSUER = 'ai-trainer-exam';
export const TOKEN_AUDIENCE = 'ai-trainer-exam:api';

export interface TokenClaims {
  sub: string;
  iat: number;
  exp: number;
}

export interface TokenService {
  readonly ttlSeconds: number;
  sign(userId: string): string;
  /** Returns undefined for any token that is malformed, forged, expired or meant for someone else. */
  verify(token: string): TokenClaims | undefined;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  return {
    ttlSeconds,
    sign(userId) {
      return jwt.sign({}, secret, {
        algorithm: 'HS256',
        subject: userId,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        expiresIn: ttlSeconds,
      });
    },
    verify(token) {
      try {
        const claims = jwt.verify(token, secret, {
          algorithms: ['HS256'],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
        });
        if (typeof claims !== 'object' || typeof claims.sub !== 'string') return undefined;
        return { sub: claims.sub, iat: claims.iat ?? 0, exp: claims.exp ?? 0 };
      } catch {
        return undefined;
      }
    },
  };
}
