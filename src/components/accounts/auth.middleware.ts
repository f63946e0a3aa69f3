// Who is calling: a Bearer token (API clients) or the session cookie (pages). Routes then demand roles.
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import type { TokenService } from './token';
import type { Role } from './user.model';
import { isSessionRevoked } from './session.repository';
import { findSessionUser } from './user.repository';

export const SESSION_COOKIE = 'ate_session';

export function sessionCookieOptions(secure: boolean, ttlSeconds: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: ttlSeconds * 1000 };
}

export function setSessionCookie(res: Response, token: string, tokens: TokenService, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, sessionCookieOptions(secure, tokens.ttlSeconds));
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  const { maxAge: _unused, ...options } = sessionCookieOptions(secure, 0);
  res.clearCookie(SESSION_COOKIE, options);
}

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Sets req.user when a valid token names an existing user and its session is still open: not signed
 * out on this device, and issued under the user's current session version. Never rejects by itself.
 * Two reads, in parallel, both by primary key.
 */
export function authenticate(tokens: TokenService, secureCookies: boolean): RequestHandler {
  return async (req, res, next) => {
    const header = bearerToken(req);
    const cookie: unknown = req.cookies?.[SESSION_COOKIE];
    const token = header ?? (typeof cookie === 'string' ? cookie : undefined);
    if (!token) return next();
    const claims = tokens.verify(token);
    const [found, revoked] = claims ? await Promise.all([findSessionUser(claims.sub), isSessionRevoked(claims.sid)]) : [undefined, true];
    if (!claims || !found || revoked || found.sessionVersion !== claims.sv) {
      if (!header) clearSessionCookie(res, secureCookies);
      return next();
    }
    req.user = found.user;
    req.auth = { sid: claims.sid, exp: claims.exp, via: header ? 'bearer' : 'cookie' };
    // Sliding session for pages: renew the cookie once half its life is gone, so a long exam never logs out.
    if (!header && claims.exp - Date.now() / 1000 < tokens.ttlSeconds / 2) {
      setSessionCookie(res, tokens.sign(found.user.id, { sid: claims.sid, sv: claims.sv }), tokens, secureCookies);
    }
    next();
  };
}

export function requireUser(req: Request, _res: Response, next: NextFunction): void {
  if (!req.user) throw new UnauthenticatedError();
  next();
}

/** 401 without a valid session; 403 unless the user holds at least one of `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new UnauthenticatedError();
    if (!roles.some((role) => req.user!.roles.includes(role))) throw new ForbiddenError();
    next();
  };
}
