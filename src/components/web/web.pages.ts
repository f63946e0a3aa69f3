// Pages every visitor sees: home, the language switch, and the error page.
import { Router, type Request, type Response } from 'express';
import { isLocale, LOCALE_COOKIE, translate } from '../../lib/i18n';
import type { AppError } from '../../lib/errors';

export const LEVELS = [5, 4, 3, 2, 1] as const;

/** Only same-site relative paths, so ?next= can never send a visitor elsewhere. */
export function safeNextPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : fallback;
}

export function webPagesRouter(): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.render('pages/home', {
      title: translate(req.locale, 'app.name'),
      levels: LEVELS.map((level) => ({ level, label: translate(req.locale, `level.${level}`) })),
    });
  });

  router.get('/lang/:code', (req, res) => {
    const code = req.params.code;
    if (isLocale(code)) {
      res.cookie(LOCALE_COOKIE, code, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 86400 * 1000 });
    }
    res.redirect(303, safeNextPath(req.query.next));
  });

  return router;
}

export function renderErrorPage(req: Request, res: Response, error: AppError): void {
  // A page-worded message when there is one, else the API's message for the code, else a generic one.
  const candidates = [`error.${error.code}`, `err.${error.code}`];
  const key = candidates.find((k) => translate(req.locale, k) !== k);
  res.render('pages/error', {
    title: translate(req.locale, 'error.title'),
    status: error.status,
    message: translate(req.locale, key ?? (error.status >= 500 ? 'error.internal' : 'error.generic'), error.details && typeof error.details === 'object' && !Array.isArray(error.details) ? (error.details as Record<string, unknown>) : {}),
    requestId: req.id,
  });
}
