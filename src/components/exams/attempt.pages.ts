// One attempt in the browser: the paper (a plain form that works without JavaScript; exam.js adds the
// timer, navigator, keyboard, autosave and journal), the confirmation page, submit, and the result.
// Only the candidate's own attempts: anyone else's answers 404 like a missing one (the service decides).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, ValidationError } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { findExam, toExamView, type ExamView } from './exam.service';
import { getAttempt, listOwnAttempts, saveAnswer, submitAttempt, type AttemptView } from './attempt.service';
import { confirmView, paperView, resultPageView, retakeView } from './attempt-page.view';
import { EXAM_CSS, EXAM_JS, paperLanguageOf } from './exam-page.view';
import { changedAnswers, readPaperForm } from './exam-form';

const idParams = z.strictObject({ id: z.string() });
const paperQuery = z.object({ saved: z.coerce.number().int().min(0).max(10_000).optional() });
/** Saves from one form post run this many at a time: quick, without flooding the database. */
const SAVE_CONCURRENCY = 8;

function attemptId(req: Request): string {
  return parseInput(idParams, req.params).id;
}

async function load(req: Request): Promise<AttemptView> {
  return getAttempt(req.user!, attemptId(req), { lang: paperLanguageOf(req.locale) });
}

function isClosed(err: unknown): boolean {
  return err instanceof AppError && err.code === 'attempt_closed';
}

async function examIfAny(id: string): Promise<ExamView | undefined> {
  try {
    return toExamView(await findExam(id));
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return undefined;
    throw err;
  }
}

export function attemptPagesRouter(): Router {
  const router = Router();

  router.get('/attempts/:id', async (req, res) => {
    const attempt = await load(req);
    if (attempt.status === 'graded') return res.redirect(303, `/attempts/${attempt.id}/result`);
    const { saved } = parseInput(paperQuery, req.query);
    const view = paperView(req.locale, attempt, paperLanguageOf(req.locale), saved);
    // The paper changes with every save: never serve it from a cache (back button included).
    res.set('Cache-Control', 'no-store');
    res.render('pages/exams/attempt', { title: view.title, extraCss: EXAM_CSS, extraJs: EXAM_JS, paper: view });
  });

  // The whole paper as one form: every answer that differs from the saved one goes through saveAnswer.
  router.post('/attempts/:id/save', async (req, res) => {
    const fields = await readPaperForm(req);
    const attempt = await load(req);
    if (attempt.status === 'graded') return res.redirect(303, `/attempts/${attempt.id}/result`);
    const changes = changedAnswers(attempt, fields);
    let saved = 0;
    for (let i = 0; i < changes.length; i += SAVE_CONCURRENCY) {
      const batch = changes.slice(i, i + SAVE_CONCURRENCY);
      const outcomes = await Promise.allSettled(batch.map((c) => saveAnswer(req.user!, attempt.id, c.itemId, { response: c.response, flagged: c.flagged })));
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') saved++;
        else if (isClosed(outcome.reason)) return res.redirect(303, `/attempts/${attempt.id}/result`);
        // A field edited by hand into something invalid is skipped; the page shows what was kept.
        else if (!(outcome.reason instanceof ValidationError)) throw outcome.reason;
      }
    }
    const go = fields.get('go')?.[0];
    res.redirect(303, go === 'confirm' ? `/attempts/${attempt.id}/confirm` : `/attempts/${attempt.id}?saved=${saved}`);
  });

  router.get('/attempts/:id/confirm', async (req, res) => {
    const attempt = await load(req);
    if (attempt.status === 'graded') return res.redirect(303, `/attempts/${attempt.id}/result`);
    res.set('Cache-Control', 'no-store');
    res.render('pages/exams/confirm', { title: translate(req.locale, 'exam.confirm.title'), extraCss: EXAM_CSS, extraJs: EXAM_JS, confirm: confirmView(req.locale, attempt) });
  });

  router.post('/attempts/:id/submit', async (req, res) => {
    const id = attemptId(req);
    await submitAttempt(req.user!, id, { lang: paperLanguageOf(req.locale) });
    res.redirect(303, `/attempts/${id}/result`);
  });

  router.get('/attempts/:id/result', async (req, res) => {
    const attempt = await load(req);
    if (attempt.status !== 'graded' || !attempt.result) return res.redirect(303, `/attempts/${attempt.id}`);
    const [exam, attempts] = await Promise.all([examIfAny(attempt.examId), listOwnAttempts(req.user!)]);
    const view = resultPageView(req.locale, attempt, paperLanguageOf(req.locale), retakeView(exam, attempts, new Date()));
    res.render('pages/exams/result', { title: `${view.title} · ${translate(req.locale, 'exam.result.title')}`, extraCss: EXAM_CSS, extraJs: EXAM_JS, result: view });
  });

  return router;
}
