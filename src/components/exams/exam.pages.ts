// Candidate pages: the exam catalogue with the candidate's history, and each exam's start page with its
// rules. The attempt itself (paper, confirmation, result) lives in attempt.pages.ts, mounted below.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { safeNextPath } from '../web';
import { attemptPagesRouter } from './attempt.pages';
import { listOwnAttempts, startAttempt } from './attempt.service';
import { catalogueView, EXAM_CSS, EXAM_JS, localized, startErrorView, startView, type StartError } from './exam-page.view';
import { findExam, listExams, toExamView, type ExamView } from './exam.service';

const idParams = z.strictObject({ id: z.string() });

/**
 * Every exam page needs a signed-in candidate: browsers go to the sign-in page and come back here;
 * script requests (Accept: JSON) get the 401.
 */
export const signInForExams: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (!req.accepts('html')) throw new UnauthenticatedError();
  const back = req.method === 'GET' ? safeNextPath(req.originalUrl, '/exams') : '/exams';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
};

/** Candidates see published exams only; staff may open a draft's start page but cannot start it. */
async function visibleExam(req: Request, id: string): Promise<ExamView> {
  const exam = toExamView(await findExam(id));
  const staff = req.user!.roles.some((r) => r === 'examiner' || r === 'admin');
  if (exam.status !== 'published' && !staff) throw new NotFoundError('No such exam.');
  return exam;
}

async function renderStartPage(req: Request, res: Response, exam: ExamView, error?: StartError, status = 200): Promise<void> {
  const view = startView(req.locale, exam, await listOwnAttempts(req.user!));
  res.status(status).render('pages/exams/start', {
    title: localized(exam.title, req.locale),
    extraCss: EXAM_CSS,
    extraJs: EXAM_JS,
    ...view,
    error,
  });
}

export function examPagesRouter(): Router {
  const router = Router();
  router.use(['/exams', '/attempts'], signInForExams);

  router.get('/exams', async (req, res) => {
    const [exams, attempts] = await Promise.all([listExams(req.user), listOwnAttempts(req.user!)]);
    res.render('pages/exams/catalogue', {
      title: translate(req.locale, 'exam.catalogue.title'),
      extraCss: EXAM_CSS,
      extraJs: EXAM_JS,
      ...catalogueView(req.locale, exams.filter((e) => e.status === 'published'), attempts),
    });
  });

  router.get('/exams/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    await renderStartPage(req, res, await visibleExam(req, id));
  });

  router.post('/exams/:id/start', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const exam = await visibleExam(req, id);
    try {
      const { attempt } = await startAttempt(req.user!, exam.id);
      res.redirect(303, `/attempts/${attempt.id}`);
    } catch (err) {
      // Cooldown, attempt limit, closed window, a bank that can no longer fill the paper: say so here.
      if (!(err instanceof ConflictError)) throw err;
      await renderStartPage(req, res, exam, startErrorView(req.locale, err.code, err.details), 409);
    }
  });

  router.use(attemptPagesRouter());
  return router;
}
