// Examiner pages for exam blueprints (/bank/exams…): the list with publish and unpublish, one form for
// new and edited blueprints (optionally prefilled from the national paper format), and extra time per
// candidate. The form is translated by exam-admin-form.ts into the API's JSON shape, so pages and API
// share one set of rules (createExamSchema).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { errorMessage } from '../../lib/error-text';
import { AppError, ConflictError, UnauthenticatedError, ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { emailSchema, parseInput } from '../../lib/validation';
import { findUserByEmail, findUsersByIds, requireRole } from '../accounts';
import { DOMAINS, QUESTION_TYPES } from '../questions';
import { safeNextPath } from '../web';
import {
  blueprintProblems,
  decimal,
  emptyForm,
  formErrors,
  formTotals,
  formToInput,
  nationalForm,
  numeric,
  readExamForm,
  scaled,
  str,
  toChinaLocal,
  viewToForm,
  type ExamForm,
  type FormErrors,
} from './exam-admin-form';
import { formatNumber, localized } from './exam-page.view';
import { EXAM_MODES, REVIEW_POLICIES } from './exam.model';
import { extensionSchema } from './exam.schemas';
import {
  createExam,
  findExam,
  grantExtension,
  listExams,
  listExtensions,
  publishExam,
  toExamView,
  unpublishExam,
  updateExam,
  type ExamView,
  type ShortCell,
} from './exam.service';
import { grantException, listExceptions } from './exam-conflicts';
import { renderBankHealth } from './bank-health.pages';

const BANK_CSS = ['/assets/bank.css'];
const EXAMS_JS = ['/assets/bank-exams.js'];
const LIST = '/bank/exams';
const HEALTH = '/bank/health';
const LEVELS_DESC = [5, 4, 3, 2, 1] as const;
const NATIONAL_LEVELS = ['5', '4', '3'] as const;

/** Examiners think of the limit in the form's unit: "90 min", "0.5 min". */
const minutesLabel = (locale: Locale, seconds: number) => translate(locale, 'exam.unit.minutes', { n: decimal(seconds / 60) });

const idParams = z.strictObject({ id: z.string() });
const nationalQuery = z.object({ from: z.literal('national'), level: z.enum(NATIONAL_LEVELS), mode: z.enum(EXAM_MODES).default('certification') });

// ---- view models ----------------------------------------------------------------------------------

const domainLabel = (locale: Locale, domain: string) => translate(locale, `bank.domain.${domain}`);
const typeLabel = (locale: Locale, type: string) => translate(locale, `bank.type.${type}`);
const statusLabel = (locale: Locale, status: string) => translate(locale, `bank.exams.status.${status}`);
/** Published reads as "approved" green, draft as the bank's grey. */
const statusClass = (status: string) => (status === 'published' ? 'status-approved' : 'status-draft');

function choices(values: readonly (string | number)[], label: (v: string) => string, selected: string, blank?: string) {
  const out = values.map((v) => ({ value: String(v), label: label(String(v)), selected: String(v) === selected }));
  return blank === undefined ? out : [{ value: '', label: blank, selected: selected === '' }, ...out];
}

function shortRows(locale: Locale, level: number, cells: ShortCell[]) {
  return cells.map((c) => ({
    domain: domainLabel(locale, c.domain),
    type: typeLabel(locale, c.type),
    have: c.have,
    need: c.need,
    href: `/bank?domain=${encodeURIComponent(c.domain)}&level=${level}&type=${encodeURIComponent(c.type)}`,
  }));
}

function cellsOf(err: ConflictError): ShortCell[] {
  return ((err.details as { cells?: ShortCell[] } | undefined)?.cells ?? []).filter((c) => typeof c.domain === 'string');
}

interface FormState {
  form: ExamForm;
  exam?: ExamView;
  errors?: FormErrors;
  alert?: string;
  short?: ShortCell[];
}

function renderForm(req: Request, res: Response, state: FormState, status = 200): void {
  const locale = req.locale;
  const { form, exam } = state;
  const errors = state.errors?.fields ?? {};
  const level = Number(form.level) || 3;
  res.status(status).render('pages/bank/exams-form', {
    title: exam ? translate(locale, 'bank.exams.form.editTitle', { code: exam.code }) : translate(locale, 'bank.exams.form.newTitle'),
    extraCss: BANK_CSS,
    extraJs: EXAMS_JS,
    action: exam ? `${LIST}/${exam.id}` : LIST,
    exam: exam && { id: exam.id, code: exam.code, statusClass: statusClass(exam.status), statusLabel: statusLabel(locale, exam.status), published: exam.status === 'published' },
    values: form,
    levels: choices(LEVELS_DESC, (l) => translate(locale, `level.${l}`), form.level),
    modes: choices(EXAM_MODES, (m) => translate(locale, `exam.mode.${m}`), form.mode),
    reviewPolicies: choices(REVIEW_POLICIES, (p) => translate(locale, `bank.exams.review.${p}`), form.reviewPolicy),
    difficultyMins: choices([1, 2, 3, 4, 5], (d) => translate(locale, `bank.difficulty.${d}`), form.difficultyMin),
    difficultyMaxes: choices([1, 2, 3, 4, 5], (d) => translate(locale, `bank.difficulty.${d}`), form.difficultyMax),
    sections: form.sections.map((s, i) => ({
      index: i,
      number: i + 1,
      count: s.count,
      points: s.points,
      types: choices(QUESTION_TYPES, (t) => typeLabel(locale, t), s.type, translate(locale, 'bank.exams.form.noSection')),
      errors: { type: errors[`sec${i}Type`], count: errors[`sec${i}Count`], points: errors[`sec${i}Points`] },
    })),
    shares: DOMAINS.map((d) => ({ domain: d, label: domainLabel(locale, d), value: form.shares[d], error: errors[`share-${d}`] })),
    totals: formTotals(form),
    errors,
    generalErrors: state.errors?.general ?? [],
    alert: state.alert,
    short: state.short && shortRows(locale, level, state.short),
  });
}

/** Client mistakes go back to the form with the values kept; anything else is a real error. */
function renderFormError(req: Request, res: Response, err: unknown, state: FormState & { slots: number[] }): void {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const locale = req.locale;
  if (err instanceof ValidationError) {
    return renderForm(req, res, { ...state, errors: formErrors(locale, err.details as ErrorDetail[], state.slots), alert: translate(locale, 'bank.exams.form.fixErrors') }, 400);
  }
  if (err instanceof ConflictError && err.code === 'code_taken') {
    return renderForm(req, res, { ...state, errors: { fields: { code: translate(locale, 'bank.error.code_taken') }, general: [] }, alert: translate(locale, 'bank.exams.form.fixErrors') }, 409);
  }
  if (err instanceof ConflictError && err.code === 'blueprint_unsatisfiable') {
    // updateExam refused the change as a whole: the published exam is as it was; the form keeps the edit.
    return renderForm(req, res, { ...state, short: cellsOf(err), alert: translate(locale, 'bank.exams.form.notSavedUnfillable') }, 409);
  }
  renderForm(req, res, { ...state, alert: err.message }, err.status);
}

function examRow(locale: Locale, exam: ExamView) {
  return {
    id: exam.id,
    code: exam.code,
    title: localized(exam.title, locale),
    mode: exam.mode,
    modeLabel: translate(locale, `exam.mode.${exam.mode}`),
    poolLabel: translate(locale, `bank.exams.pool.short.${exam.pool}`),
    statusClass: statusClass(exam.status),
    statusLabel: statusLabel(locale, exam.status),
    published: exam.status === 'published',
    questionCount: exam.questionCount,
    points: formatNumber(exam.totalPoints),
    duration: minutesLabel(locale, exam.durationSeconds),
  };
}

interface Blocked {
  exam: ExamView;
  cells: ShortCell[];
}

async function renderList(req: Request, res: Response, blocked?: Blocked, status = 200): Promise<void> {
  const locale = req.locale;
  const exams = await listExams(req.user);
  res.status(status).render('pages/bank/exams-list', {
    title: translate(locale, 'bank.exams.list.title'),
    extraCss: BANK_CSS,
    total: exams.length,
    groups: LEVELS_DESC.map((level) => ({
      level,
      label: translate(locale, `level.${level}`),
      exams: exams.filter((e) => e.level === level).map((e) => examRow(locale, e)),
    })).filter((g) => g.exams.length),
    national: {
      levels: choices(NATIONAL_LEVELS, (l) => translate(locale, `level.${l}`), '3'),
      modes: choices(EXAM_MODES, (m) => translate(locale, `exam.mode.${m}`), 'certification'),
    },
    blocked: blocked && { code: blocked.exam.code, title: localized(blocked.exam.title, locale), editHref: `${LIST}/${blocked.exam.id}/edit`, cells: shortRows(locale, blocked.exam.level, blocked.cells) },
  });
}

// ---- extensions -----------------------------------------------------------------------------------

interface ExtensionValues {
  email: string;
  minutes: string;
  reason: string;
}

interface ExceptionValues {
  email: string;
  reason: string;
}

interface ExtensionsState {
  values?: ExtensionValues;
  errors?: Record<string, string>;
  exceptionValues?: ExceptionValues;
  exceptionErrors?: Record<string, string>;
}

async function renderExtensions(req: Request, res: Response, exam: ExamView, state: ExtensionsState = {}, status = 200): Promise<void> {
  const locale = req.locale;
  const certification = exam.mode === 'certification';
  const [extensions, exceptions] = await Promise.all([listExtensions(exam.id), certification ? listExceptions(exam.id) : Promise.resolve([])]);
  const ids = [...extensions.flatMap((e) => [e.userId, e.grantedBy]), ...exceptions.flatMap((e) => [e.userId, e.grantedBy])];
  const names: Map<string, { name: string; email: string } | undefined> = await findUsersByIds([...new Set(ids)]);
  const errors = state.errors ?? {};
  const exceptionErrors = state.exceptionErrors ?? {};
  res.status(status).render('pages/bank/exams-extensions', {
    title: translate(locale, 'bank.exams.ext.title', { code: exam.code }),
    extraCss: BANK_CSS,
    exam: { id: exam.id, code: exam.code, title: localized(exam.title, locale), duration: minutesLabel(locale, exam.durationSeconds), statusLabel: statusLabel(locale, exam.status), statusClass: statusClass(exam.status) },
    action: `${LIST}/${exam.id}/extensions`,
    values: state.values ?? { email: '', minutes: '', reason: '' },
    errors,
    alert: Object.keys(errors).length ? translate(locale, 'bank.exams.ext.fixErrors') : Object.keys(exceptionErrors).length ? translate(locale, 'bank.exams.exc.fixErrors') : undefined,
    exceptions: certification && {
      action: `${LIST}/${exam.id}/exceptions`,
      canGrant: req.user!.roles.includes('admin'),
      values: state.exceptionValues ?? { email: '', reason: '' },
      errors: exceptionErrors,
      rows: exceptions.map((e) => ({
        name: names.get(e.userId)?.name ?? '—',
        email: names.get(e.userId)?.email ?? e.userId,
        reason: e.reason,
        grantedBy: names.get(e.grantedBy)?.name ?? '—',
        created: { iso: e.createdAt, text: `${toChinaLocal(e.createdAt).replace('T', ' ')} (UTC+8)` },
      })),
    },
    rows: extensions.map((e) => ({
      name: names.get(e.userId)?.name ?? '—',
      email: names.get(e.userId)?.email ?? e.userId,
      minutes: decimal(e.extraSeconds / 60),
      reason: e.reason ?? '',
      grantedBy: names.get(e.grantedBy)?.name ?? '—',
      updated: e.updatedAt ? { iso: e.updatedAt, text: `${toChinaLocal(e.updatedAt).replace('T', ' ')} (UTC+8)` } : undefined,
    })),
  });
}

/** The form as the service's extension body, with every problem of the form at once. */
async function extensionInput(locale: Locale, actorId: string, values: ExtensionValues): Promise<{ body?: z.input<typeof extensionSchema>; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const email = emailSchema.safeParse(values.email);
  const user = email.success ? await findUserByEmail(email.data) : undefined;
  if (!email.success) errors.email = translate(locale, 'bank.exams.ext.err.email');
  else if (!user) errors.email = translate(locale, 'bank.exams.ext.err.noUser', { email: email.data });
  else if (user.id === actorId) errors.email = translate(locale, 'bank.exams.ext.err.self');
  const body = {
    userId: user?.id ?? '0'.repeat(24),
    extraSeconds: scaled(numeric(values.minutes), 60) as number,
    ...(values.reason.trim() ? { reason: values.reason } : {}),
  };
  const checked = extensionSchema.safeParse(body);
  for (const issue of checked.success ? [] : checked.error.issues) {
    if (issue.path[0] === 'extraSeconds') errors.minutes = translate(locale, 'bank.exams.ext.err.minutes');
    if (issue.path[0] === 'reason') errors.reason = translate(locale, 'bank.err.tooLong');
  }
  return Object.keys(errors).length ? { errors } : { body, errors };
}

// ---- routes ---------------------------------------------------------------------------------------

/** Browsers without a session go to the sign-in page and come back; script requests get the 401. */
const signInFirst: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (!req.accepts('html')) throw new UnauthenticatedError();
  const back = req.method === 'GET' ? safeNextPath(req.originalUrl, LIST) : LIST;
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
};

export function examAdminPagesRouter(): Router {
  const router = Router();
  router.use(LIST, signInFirst, requireRole('examiner', 'admin'));
  router.use(HEALTH, signInFirst, requireRole('examiner', 'admin'));
  router.get(HEALTH, (req, res) => renderBankHealth(req, res));

  router.get(LIST, (req, res) => renderList(req, res));

  router.get(`${LIST}/new`, (req, res) => {
    const national = nationalQuery.safeParse(req.query);
    const form = national.success ? nationalForm(Number(national.data.level) as 3 | 4 | 5, national.data.mode) : emptyForm();
    renderForm(req, res, { form });
  });

  router.post(LIST, async (req, res) => {
    const form = readExamForm(req.body);
    const { input, slots } = formToInput(form);
    try {
      const found = blueprintProblems(input);
      if (found.length) throw new ValidationError(found);
      await createExam(req.user!, input);
      res.redirect(303, LIST);
    } catch (err) {
      renderFormError(req, res, err, { form, slots });
    }
  });

  router.get(`${LIST}/:id/edit`, async (req, res) => {
    const exam = toExamView(await findExam(parseInput(idParams, req.params).id));
    renderForm(req, res, { form: viewToForm(exam), exam });
  });

  router.post(`${LIST}/:id`, async (req, res) => {
    const exam = toExamView(await findExam(parseInput(idParams, req.params).id));
    const form = { ...readExamForm(req.body), code: exam.code };
    const { input, slots } = formToInput(form, false);
    try {
      const found = blueprintProblems({ ...input, code: exam.code });
      if (found.length) throw new ValidationError(found);
      await updateExam(exam.id, input);
      res.redirect(303, LIST);
    } catch (err) {
      renderFormError(req, res, err, { form, slots, exam });
    }
  });

  router.post(`${LIST}/:id/publish`, async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    try {
      await publishExam(id);
      res.redirect(303, LIST);
    } catch (err) {
      if (!(err instanceof ConflictError) || err.code !== 'blueprint_unsatisfiable') throw err;
      await renderList(req, res, { exam: toExamView(await findExam(id)), cells: cellsOf(err) }, 409);
    }
  });

  router.post(`${LIST}/:id/unpublish`, async (req, res) => {
    await unpublishExam(parseInput(idParams, req.params).id);
    res.redirect(303, LIST);
  });

  router.get(`${LIST}/:id/extensions`, async (req, res) => {
    await renderExtensions(req, res, toExamView(await findExam(parseInput(idParams, req.params).id)));
  });

  router.post(`${LIST}/:id/extensions`, async (req, res) => {
    const exam = toExamView(await findExam(parseInput(idParams, req.params).id));
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const values = { email: str(raw.email).trim(), minutes: str(raw.minutes), reason: str(raw.reason) };
    const { body, errors } = await extensionInput(req.locale, req.user!.id, values);
    if (!body) return renderExtensions(req, res, exam, { values, errors }, 400);
    await grantExtension(req.user!, exam.id, body);
    res.redirect(303, `${LIST}/${exam.id}/extensions`);
  });

  router.post(`${LIST}/:id/exceptions`, async (req, res) => {
    const exam = toExamView(await findExam(parseInput(idParams, req.params).id));
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const values = { email: str(raw.email).trim(), reason: str(raw.reason) };
    const errors: Record<string, string> = {};
    const email = emailSchema.safeParse(values.email);
    const user = email.success ? await findUserByEmail(email.data) : undefined;
    if (!email.success) errors.email = translate(req.locale, 'bank.exams.ext.err.email');
    else if (!user) errors.email = translate(req.locale, 'bank.exams.ext.err.noUser', { email: email.data });
    try {
      if (Object.keys(errors).length) throw new ValidationError([]);
      await grantException(req.user!, exam.id, { userId: user!.id, reason: values.reason });
      res.redirect(303, `${LIST}/${exam.id}/extensions`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      if (err instanceof ValidationError) {
        for (const detail of err.details as ErrorDetail[]) if (detail.path === 'reason') errors.reason = translate(req.locale, 'bank.exams.exc.err.reason');
      } else if (err.code === 'self_grant') errors.email = translate(req.locale, 'bank.exams.ext.err.self');
      else if (err.code === 'exception_exists') errors.email = translate(req.locale, 'bank.exams.exc.err.exists');
      else if (err.code === 'forbidden') throw err;
      else errors.email = errorMessage(req.locale, err);
      await renderExtensions(req, res, exam, { exceptionValues: values, exceptionErrors: errors }, err.status);
    }
  });

  return router;
}
