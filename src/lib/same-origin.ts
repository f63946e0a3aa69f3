// Cross-site request defence for everything a browser can be tricked into sending with our cookie.
// SameSite=Lax alone lets any *same-site* origin (a sibling subdomain, another app on the same host) post
// with the victim's session, so a state-changing request that rides on the session cookie must prove it
// came from our own pages: the browser's Sec-Fetch-Site says same-origin, and Origin (or, failing that,
// Referer) names our origin. Bearer-token API calls carry no ambient credential and are not affected.
// Why headers and not a token: every browser we support sends Origin on POST/PUT/PATCH/DELETE (and
// Sec-Fetch-Site), the check needs no state or form changes, and OWASP lists it as a primary defence.
import type { Request, RequestHandler } from 'express';
import { CrossSiteRequestError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `publicUrl`'s origin is always ours; so is the origin the request itself was addressed to (a test
 * centre reaching the app by IP or LAN name): a cross-site page can forge neither, since the browser
 * writes Origin and the cookie is only sent to the host that set it.
 */
function ownOrigins(req: Request, publicOrigin: string): Set<string> {
  const own = new Set([publicOrigin]);
  const host = req.get('host');
  const requested = host ? originOf(`${req.protocol}://${host}`) : undefined;
  if (requested) own.add(requested);
  return own;
}

export function sameOriginGuard({ publicUrl, sessionCookie }: { publicUrl: string; sessionCookie: string }): RequestHandler {
  const publicOrigin = originOf(publicUrl) ?? publicUrl;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (/^Bearer\s+\S+$/i.test(req.get('authorization') ?? '')) return next();
    const withSession = typeof req.cookies?.[sessionCookie] === 'string';
    const isPage = !req.path.startsWith('/api/');
    // Anonymous API calls (sign-in, verification) have nothing of the victim's to abuse.
    if (!withSession && !isPage) return next();

    const fetchSite = req.get('sec-fetch-site');
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') throw new CrossSiteRequestError();
    const own = ownOrigins(req, publicOrigin);
    const origin = req.get('origin');
    if (origin !== undefined) {
      if (!own.has(origin)) throw new CrossSiteRequestError();
      return next();
    }
    if (fetchSite !== undefined) return next();
    const referer = originOf(req.get('referer'));
    if (referer !== undefined) {
      if (!own.has(referer)) throw new CrossSiteRequestError();
      return next();
    }
    // No browser evidence at all: a script or curl. With the session cookie that is refused (use a
    // bearer token); an anonymous form post (sign-in, verification) from a script is harmless.
    if (withSession) throw new CrossSiteRequestError();
    next();
  };
}
