// Sign-in, registration and sign-out for browsers: plain forms, no client-side JavaScript needed.
import { Router, type Request, type Response } from 'express';
import { AppError, ValidationError } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { safeNextPath } from '../web';
import { loginSchema, registerSchema } from './accounts.schemas';
import * as accounts from './accounts.service';
import { clearSessionCookie, setSessionCookie } from './auth.middleware';
import type { TokenService } from './token';

/** Browsers send empty strings for blank optional fields; the API schemas treat absent and blank alike. */
function formFields(body: unknown, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  for (const field of fields) {
    const value = source[field];
    if (typeof value === 'string' && value.trim() !== '') out[field] = value;
  }
  return out;
}

function renderForm(req: Request, res: Response, view: 'login' | 'register', error?: AppError): void {
  const fieldErrors: Record<string, string> = {};
  if (error instanceof ValidationError) {
    for (const detail of error.details as Array<{ path: string; message: string }>) {
      const key = `auth.fieldError.${detail.path}`;
      const translated = translate(req.locale, key);
      fieldErrors[detail.path] ??= translated === key ? detail.message : translated;
    }
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  res.status(error?.status ?? 200).render(`pages/accounts/${view}`, {
    title: translate(req.locale, `auth.${view}.title`),
    next: safeNextPath(req.query.next ?? body.next, ''),
    values: { email: body.email, name: body.name, nameZh: body.nameZh },
    error: error ? translate(req.locale, `auth.error.${error.code}`) : undefined,
    fieldErrors,
  });
}

export function accountsPagesRouter(tokens: TokenService, secureCookies: boolean): Router {
  const router = Router();

  const signIn = (req: Request, res: Response, token: string) => {
    setSessionCookie(res, token, tokens, secureCookies);
    res.redirect(303, safeNextPath((req.body as Record<string, unknown>).next));
  };

  router.get('/login', (req, res) => renderForm(req, res, 'login'));
  router.get('/register', (req, res) => renderForm(req, res, 'register'));

  router.post('/login', async (req, res) => {
    try {
      const session = await accounts.login(parseInput(loginSchema, formFields(req.body, ['email', 'password'])), tokens);
      signIn(req, res, session.token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      renderForm(req, res, 'login', err);
    }
  });

  router.post('/register', async (req, res) => {
    try {
      const input = parseInput(registerSchema, formFields(req.body, ['email', 'password', 'name', 'nameZh']));
      signIn(req, res, (await accounts.register(input, tokens)).token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      renderForm(req, res, 'register', err);
    }
  });

  router.post('/logout', (_req, res) => {
    clearSessionCookie(res, secureCookies);
    res.redirect(303, '/');
  });

  return router;
}
