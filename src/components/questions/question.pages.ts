// Examiner pages for the question bank (/bank…): overview and search here; the editor, the question
// page with its review workflow, and import live in their own modules and are mounted below.
import { Router, type Request, type RequestHandler } from 'express';
import { ValidationError, UnauthenticatedError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { requireRole } from '../accounts';
import { safeNextPath } from '../web';
import { questionDetailPagesRouter } from './question-detail.pages';
import { questionEditorPagesRouter } from './question-editor.pages';
import { questionImportPagesRouter } from './question-import.pages';
import {
  BANK_CSS,
  difficultyChoices,
  domainChoices,
  domainLabel,
  levelChoices,
  levelLabel,
  LEVELS_DESC,
  queryString,
  questionRow,
  statusChoices,
  typeChoices,
} from './question-page.view';
import { translateDetail } from './question-form';
import { EXPORT_FORMATS, listQuerySchema, STATUSES, type ListQuery } from './question.schemas';
import * as questions from './question.service';
import { DOMAINS } from './question.types';

/**
 * Pages want a sign-in page, not a JSON 401: a browser without a session is sent to /login and
 * comes back afterwards. Script requests (Accept: JSON) still get the 401.
 */
export const signInFirst: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (!req.accepts('html')) throw new UnauthenticatedError();
  const back = req.method === 'GET' ? safeNextPath(req.originalUrl, '/bank') : '/bank';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
};

const FILTER_KEYS = ['domain', 'level', 'type', 'status', 'difficulty', 'tag', 'q', 'page', 'pageSize'] as const;
type Filters = Omit<ListQuery, 'page' | 'pageSize'>;

/** Only the filter keys (the page also sees ?lang=), blanks dropped: an empty select means "any". */
function pickFilters(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = query[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

interface OverviewCell {
  domain: string;
  level: number;
  status: string;
  count: number;
}

function overviewMatrix(locale: Locale, cells: OverviewCell[]) {
  const counts = new Map<string, Record<string, number>>();
  for (const cell of cells) {
    const key = `${cell.domain}|${cell.level}`;
    const entry = counts.get(key) ?? {};
    entry[cell.status] = (entry[cell.status] ?? 0) + cell.count;
    counts.set(key, entry);
  }
  return DOMAINS.map((domain) => ({
    domain,
    label: domainLabel(locale, domain),
    href: `/bank${queryString({ domain })}`,
    cells: LEVELS_DESC.map((level) => {
      const entry = counts.get(`${domain}|${level}`) ?? {};
      const total = STATUSES.reduce((sum, s) => sum + (entry[s] ?? 0), 0);
      return {
        level,
        total,
        href: `/bank${queryString({ domain, level })}`,
        counts: STATUSES.filter((s) => entry[s]).map((status) => ({ status, count: entry[status], label: translate(locale, `bank.status.${status}`) })),
      };
    }),
  }));
}

async function countInReview(): Promise<number> {
  return (await questions.listQuestions({ status: 'in_review', page: 1, pageSize: 1 })).total;
}

export function questionPagesRouter(): Router {
  const router = Router();
  router.use('/bank', signInFirst, requireRole('examiner', 'admin'));

  router.get('/bank', async (req, res) => {
    const locale = req.locale;
    const raw = pickFilters(req.query);
    let query: ListQuery | undefined;
    let filterErrors: Record<string, string> = {};
    try {
      query = parseInput(listQuerySchema, raw);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      filterErrors = Object.fromEntries((err.details as ErrorDetail[]).map((d) => [d.path ?? '', translateDetail(locale, d)]));
    }
    const [cells, result, inReview] = await Promise.all([
      questions.bankOverview(),
      query ? questions.listQuestions(query) : undefined,
      countInReview(),
    ]);
    const { page: _page, pageSize, ...filters }: Partial<ListQuery> = query ?? {};
    const exportFilters = filters as Filters;
    const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
    const pageHref = (page: number) => `/bank${queryString({ ...exportFilters, page, pageSize: raw.pageSize ? pageSize : undefined })}`;
    res.status(query ? 200 : 400).render('pages/bank/overview', {
      title: translate(locale, 'bank.overview.title'),
      extraCss: BANK_CSS,
      levels: LEVELS_DESC.map((level) => ({ level, label: levelLabel(locale, level) })),
      matrix: overviewMatrix(locale, cells),
      statusLegend: STATUSES.map((status) => ({ status, label: translate(locale, `bank.status.${status}`) })),
      inReview,
      filter: {
        domains: domainChoices(locale, raw.domain, translate(locale, 'bank.filter.any')),
        levels: levelChoices(locale, raw.level, translate(locale, 'bank.filter.any')),
        types: typeChoices(locale, raw.type, translate(locale, 'bank.filter.any')),
        statuses: statusChoices(locale, raw.status, translate(locale, 'bank.filter.any')),
        difficulties: difficultyChoices(locale, raw.difficulty, translate(locale, 'bank.filter.any')),
        tag: raw.tag ?? '',
        q: raw.q ?? '',
        active: Object.keys(exportFilters).length > 0,
      },
      filterErrors,
      filterInvalid: !query,
      rows: result?.items.map((q) => questionRow(locale, q)) ?? [],
      total: result?.total ?? 0,
      pagination:
        result && pages > 1
          ? {
              page: result.page,
              pages,
              prev: result.page > 1 ? pageHref(result.page - 1) : undefined,
              next: result.page < pages ? pageHref(result.page + 1) : undefined,
            }
          : undefined,
      exports: EXPORT_FORMATS.map((format) => ({
        format,
        label: translate(locale, `bank.format.${format}`),
        href: `/api/questions/export${queryString({ format, ...exportFilters })}`,
      })),
    });
  });

  router.use(questionEditorPagesRouter());
  router.use(questionImportPagesRouter());
  router.use(questionDetailPagesRouter());
  return router;
}
