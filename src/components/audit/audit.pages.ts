// Administrators' view of the security audit log (/admin/audit) and its CSV export (/admin/audit.csv).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import { pager } from '../../lib/paging';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { safeNextPath } from '../web';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit.actions';
import { exportAuditCsv } from './audit-csv';
import { auditQuerySchema, auditQueryString, pickAuditQuery, toAuditFilter, type AuditQueryInput } from './audit-filter';
import { auditRow } from './audit-view';
import { listAudit } from './audit.service';

export const AUDIT_PAGE_SIZE = 50;
const LIST_PATH = '/admin/audit';
const CSV_PATH = '/admin/audit.csv';

/** Pages want the sign-in page, not a 401; everyone but administrators gets the 403 page. */
function adminsOnly(req: Request, res: Response, next: NextFunction): void {
  if (!req.user) {
    if (!req.accepts('html')) throw new UnauthenticatedError();
    return res.redirect(303, `/login?next=${encodeURIComponent(safeNextPath(req.originalUrl, LIST_PATH))}`);
  }
  if (!req.user.roles.includes('admin')) throw new ForbiddenError('Administrators only.');
  next();
}

async function renderList(req: Request, res: Response, status: number, query: AuditQueryInput, error?: string): Promise<void> {
  const locale = req.locale;
  const result = await listAudit(toAuditFilter(query), { page: query.page, pageSize: AUDIT_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(result.total / AUDIT_PAGE_SIZE));
  const pageHref = (page: number) => `${LIST_PATH}${auditQueryString({ ...query, page })}`;
  res.status(status).render('pages/admin/audit', {
    title: translate(locale, 'audit.title'),
    filter: {
      actor: query.actor ?? '',
      targetId: query.targetId ?? '',
      from: query.from ?? '',
      to: query.to ?? '',
      active: Boolean(query.action || query.actor || query.targetType || query.targetId || query.from || query.to),
      actions: AUDIT_ACTIONS.map((value) => ({ value, label: translate(locale, `audit.action.${value}`), selected: value === query.action })),
      targetTypes: AUDIT_TARGET_TYPES.map((value) => ({ value, label: translate(locale, `audit.target.${value}`), selected: value === query.targetType })),
    },
    rows: result.items.map((entry) => auditRow(locale, entry)),
    total: result.total,
    csvHref: `${CSV_PATH}${auditQueryString(query, { page: false })}`,
    error,
    pagination: pager(query.page, pages, pageHref),
  });
}

/** "audit-log-20260501-1403.csv", in UTC+8 like everything the page shows. */
function csvFileName(now = new Date()): string {
  const stamp = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `audit-log-${stamp}.csv`;
}

export function auditPagesRouter(): Router {
  const router = Router();

  router.get(LIST_PATH, adminsOnly, async (req, res) => {
    const parsed = auditQuerySchema.safeParse(pickAuditQuery(req.query));
    if (parsed.success) return renderList(req, res, 200, parsed.data);
    await renderList(req, res, 400, auditQuerySchema.parse({}), translate(req.locale, 'audit.error.invalid_filter'));
  });

  router.get(CSV_PATH, adminsOnly, async (req, res) => {
    // A bad filter here is a 400, not "everything": a download must hold what the link said.
    const query = parseInput(auditQuerySchema, pickAuditQuery(req.query));
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${csvFileName()}"`,
      'Cache-Control': 'no-store',
    });
    try {
      await pipeline(Readable.from(exportAuditCsv(toAuditFilter(query))), res);
    } catch (err) {
      // The administrator cancelled the download: nothing to report, the cursor is closed by now.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      throw err;
    }
  });

  return router;
}
