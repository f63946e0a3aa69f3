// Sign-in, registration, sign-out and the account page for browsers: plain forms, no JavaScript needed.
import { Router, type Request, type Response } from 'express';
import { detailMessage, errorMessage } from '../../lib/error-text';
import { AppError, ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { safeNextPath } from '../web';
import type { AccountsContext } from './accounts.context';
import { loginSchema, passwordChangeSchema, registerSchema } from './accounts.schemas';
import * as accounts from './accounts.service';
import { clearSessionCookie, setSessionCookie } from './auth.middleware';

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

/** Each field's problem in the page language: our wording for the field, or the rule's own when it is specific. */
function fieldErrorsOf(req: Request, error: AppError | undefined): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  if (!(error instanceof ValidationError)) return fieldErrors;
  for (const detail of error.details as Array<ErrorDetail & { path: string }>) {
    // A forbidden character in a name says exactly which one.
    const specific = detail.code === 'name_character' ? detailMessage(req.locale, detail) : undefined;
    const key = `auth.fieldError.${detail.path}`;
    const translated = translate(req.locale, key);
    fieldErrors[detail.path] ??= specific ?? (translated === key ? detailMessage(req.locale, detail) : translated);
  }
  return fieldErrors;
}

/** The page-level alert: the form's own wording for the code, else the API's message in this language. */
function alertOf(req: Request, error: AppError | undefined): string | undefined {
  if (!error) return undefined;
  const key = `auth.error.${error.code}`;
  const text = translate(req.locale, key);
  return text === key ? errorMessage(req.locale, error) : text;
}

function renderForm(req: Request, res: Response, view: 'login' | 'register', error?: AppError): void {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (error?.headers) res.set(error.headers);
  res.status(error?.status ?? 200).render(`pages/accounts/${view}`, {
    title: translate(req.locale, `auth.${view}.title`),
    next: safeNextPath(req.query.next ?? body.next, ''),
    values: { email: body.email, name: body.name, nameZh: body.nameZh },
    error: alertOf(req, error),
    fieldErrors: fieldErrorsOf(req, error),
  });
}

function renderAccount(req: Request, res: Response, state: { error?: AppError; saved?: string } = {}): void {
  if (state.error?.headers) res.set(state.error.headers);
  res.status(state.error?.status ?? 200).render('pages/accounts/account', {
    title: translate(req.locale, 'account.title'),
    error: alertOf(req, state.error),
    fieldErrors: fieldErrorsOf(req, state.error),
    saved: state.saved && translate(req.locale, `account.saved.${state.saved}`),
  });
}

/** Only client mistakes are shown on the form; anything else goes to the error handler. */
function clientError(err: unknown): AppError {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  return err;
}

export function accountsPagesRouter(ctx: AccountsContext): Router {
  const { tokens, throttle, secureCookies } = ctx;
  const router = Router();

  const signIn = (req: Request, res: Response, token: string) => {
    setSessionCookie(res, token, tokens, secureCookies);
    res.redirect(303, safeNextPath((req.body as Record<string, unknown>).next));
  };
  const signedIn = (req: Request, res: Response): boolean => {
    if (req.user && req.auth) return true;
    res.redirect(303, `/login?next=${encodeURIComponent('/account')}`);
    return false;
  };

  router.get('/login', (req, res) => renderForm(req, res, 'login'));
  router.get('/register', (req, res) => renderForm(req, res, 'register'));

  router.post('/login', async (req, res) => {
    try {
      const session = await accounts.login(parseInput(loginSchema, formFields(req.body, ['email', 'password'])), tokens, throttle, { address: req.ip ?? '' });
      signIn(req, res, session.token);
    } catch (err) {
      renderForm(req, res, 'login', clientError(err));
    }
  });

  router.post('/register', async (req, res) => {
    try {
      const input = parseInput(registerSchema, formFields(req.body, ['email', 'password', 'name', 'nameZh']));
      signIn(req, res, (await accounts.register(input, tokens, throttle, { address: req.ip ?? '' })).token);
    } catch (err) {
      renderForm(req, res, 'register', clientError(err));
    }
  });

  // This device only: the token is refused from now on, even if someone copied it.
  router.post('/logout', async (req, res) => {
    if (req.user && req.auth) await accounts.logout({ userId: req.user.id, sid: req.auth.sid, exp: req.auth.exp });
    clearSessionCookie(res, secureCookies);
    res.redirect(303, '/');
  });

  router.post('/logout/everywhere', async (req, res) => {
    if (req.user) await accounts.logoutEverywhere(req.user);
    clearSessionCookie(res, secureCookies);
    res.redirect(303, '/login');
  });

  router.get('/account', (req, res) => {
    if (!signedIn(req, res)) return;
    renderAccount(req, res, { ...(req.query.saved === 'password' ? { saved: 'password' } : {}) });
  });

  router.post('/account/password', async (req, res) => {
    if (!signedIn(req, res)) return;
    try {
      const input = parseInput(passwordChangeSchema, formFields(req.body, ['currentPassword', 'newPassword']));
      const session = await accounts.changePassword(req.user!.id, input, tokens, throttle, { address: req.ip ?? '' });
      setSessionCookie(res, session.token, tokens, secureCookies);
      res.redirect(303, '/account?saved=password');
    } catch (err) {
      renderAccount(req, res, { error: clientError(err) });
    }
  });

  return router;
}
