// Administrators' user list (/admin/users): search, filter by role, and change roles with a plain form.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import { pager } from '../../lib/paging';
import { translate, type Locale } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { safeNextPath } from '../web';
import { rolesSchema, userIdParamsSchema } from './accounts.schemas';
import * as accounts from './accounts.service';
import { ROLES } from './user.model';
import { listUsers, type PublicUser } from './user.repository';

export const USERS_PAGE_SIZE = 50;
const LIST_PATH = '/admin/users';

const listQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  role: z.enum(ROLES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  saved: z.literal('1').optional(),
});
type ListQuery = z.output<typeof listQuerySchema>;
const LIST_KEYS = ['q', 'role', 'page', 'saved'] as const;

/** Only the list's own keys (the page also sees ?lang=), blanks dropped: an empty select means "any role". */
function pickListQuery(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of LIST_KEYS) {
    const value = query[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** `?q=…&role=…&page=…` for links and form targets; defaults left out so URLs stay short. */
function listQueryString(query: Partial<ListQuery>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.role) params.set('role', query.role);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Browsers send a lone checkbox as a string, several as an array, none at all as nothing. */
function checkedRoles(body: unknown): unknown[] {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).roles : undefined;
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Pages want the sign-in page, not a 401; everyone but administrators gets the 403 page. */
function adminsOnly(req: Request, res: Response, next: NextFunction): void {
  if (!req.user) {
    if (!req.accepts('html')) throw new UnauthenticatedError();
    const back = req.method === 'GET' ? safeNextPath(req.originalUrl, LIST_PATH) : LIST_PATH;
    return res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
  }
  if (!req.user.roles.includes('admin')) throw new ForbiddenError('Administrators only.');
  next();
}

function userRow(locale: Locale, user: PublicUser, query: ListQuery, highlightId: string | undefined) {
  return {
    id: user.id,
    name: user.name,
    nameZh: user.nameZh,
    email: user.email,
    roles: user.roles.map((role) => ({ role, label: translate(locale, `role.${role}`) })),
    createdOn: user.createdAt.slice(0, 10),
    createdIso: user.createdAt,
    action: `${LIST_PATH}/${encodeURIComponent(user.id)}/roles${listQueryString(query)}`,
    formLabel: translate(locale, 'admin.users.rolesFor', { email: user.email }),
    choices: ROLES.map((role) => ({ role, label: translate(locale, `role.${role}`), checked: user.roles.includes(role) })),
    highlight: user.id === highlightId,
  };
}

interface PageState {
  status: number;
  query: ListQuery;
  /** Already translated, shown above the table. */
  error?: string | undefined;
  errorUserId?: string | undefined;
}

async function renderList(req: Request, res: Response, state: PageState): Promise<void> {
  const locale = req.locale;
  const { query } = state;
  const result = await listUsers({ q: query.q, role: query.role, page: query.page, pageSize: USERS_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(result.total / USERS_PAGE_SIZE));
  const pageHref = (page: number) => `${LIST_PATH}${listQueryString({ ...query, page })}`;
  res.status(state.status).render('pages/admin/users', {
    title: translate(locale, 'admin.users.title'),
    filter: {
      q: query.q ?? '',
      active: Boolean(query.q || query.role),
      roles: ROLES.map((role) => ({ value: role, label: translate(locale, `role.${role}`), selected: role === query.role })),
    },
    rows: result.items.map((user) => userRow(locale, user, query, state.errorUserId)),
    total: result.total,
    saved: query.saved === '1' && !state.error,
    error: state.error,
    pagination: pager(query.page, pages, pageHref),
  });
}

function errorMessage(locale: Locale, code: string): string {
  const key = `admin.users.error.${code}`;
  const text = translate(locale, key);
  return text === key ? translate(locale, 'error.generic') : text;
}

export function userAdminPagesRouter(): Router {
  const router = Router();
  router.use(LIST_PATH, adminsOnly);

  router.get(LIST_PATH, async (req, res) => {
    const parsed = listQuerySchema.safeParse(pickListQuery(req.query));
    if (parsed.success) return renderList(req, res, { status: 200, query: parsed.data });
    await renderList(req, res, {
      status: 400,
      query: listQuerySchema.parse({}),
      error: translate(req.locale, 'admin.users.error.invalid_filter'),
    });
  });

  router.post(`${LIST_PATH}/:id/roles`, async (req, res) => {
    // The list to come back to travels in the form's target; a mangled one just means the first page.
    const back = listQuerySchema.safeParse(pickListQuery(req.query));
    const query: ListQuery = { ...(back.success ? back.data : listQuerySchema.parse({})), saved: undefined };
    const actor = req.user!;
    let targetId = '';
    try {
      const { id } = parseInput(userIdParamsSchema, req.params);
      targetId = id;
      const { roles } = parseInput(rolesSchema, { roles: checkedRoles(req.body) });
      const updated = await accounts.changeRoles(actor, id, roles);
      // An administrator who just gave up the role can no longer see this page.
      if (updated.id === actor.id && !updated.roles.includes('admin')) return res.redirect(303, '/');
      res.redirect(303, `${LIST_PATH}${listQueryString(query, { saved: '1' })}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await renderList(req, res, { status: err.status, query, error: errorMessage(req.locale, err.code), errorUserId: targetId });
    }
  });

  return router;
}
