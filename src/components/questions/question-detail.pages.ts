// The question page (both languages, key, metadata, workflow buttons, version history with diffs),
// the delete confirmation, and the review queue. Workflow errors (the four-eyes 403, an invalid
// transition, a question not ready for approval) are shown on the page with their 4xx status.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import type { PublicUser } from '../accounts';
import { diffContent } from './question-diff';
import { translateDetail } from './question-form';
import { BANK_CSS, errorMessage, formatDate, questionDetail } from './question-page.view';
import { STATUSES, transitionSchema } from './question.schemas';
import * as questions from './question.service';
import { canTransition, type QuestionView } from './question.service';

const idParams = z.strictObject({ id: z.string() });
const REVIEW_QUEUE_LIMIT = 1000;

interface PageError {
  message: string;
  details: string[];
}

function pageError(locale: Locale, err: AppError): PageError {
  const details = err instanceof ValidationError ? (err.details as ErrorDetail[]).map((d) => `${d.path ? `${d.path}: ` : ''}${translateDetail(locale, d)}`) : [];
  return { message: errorMessage(locale, err), details };
}

/** The workflow buttons this user may press for this question. */
function workflow(locale: Locale, user: PublicUser, q: QuestionView) {
  const transitions = STATUSES.filter((to) => canTransition(q.status, to)).map((to) => ({
    to,
    label: translate(locale, `bank.transition.${q.status}_${to}`),
    kind: to === 'approved' ? 'approve' : to === 'retired' ? 'danger' : to === 'draft' ? 'secondary' : 'primary',
  }));
  const ownVersion = q.versionAuthor === user.id && !user.roles.includes('admin');
  return {
    transitions,
    fourEyesNote: q.status === 'in_review' && ownVersion ? translate(locale, 'bank.question.fourEyesNote') : undefined,
    canEdit: q.status !== 'retired',
    canDelete: q.status === 'draft' && q.liveVersion === null,
  };
}

async function renderQuestionPage(req: Request, res: Response, id: string, error?: PageError, status = 200): Promise<void> {
  const locale = req.locale;
  const { question, versions } = await questions.listVersions(id);
  const detail = questionDetail(locale, question);
  res.status(status).render('pages/bank/question', {
    title: `${question.code} · ${translate(locale, 'bank.question.title')}`,
    extraCss: BANK_CSS,
    q: detail,
    ...workflow(locale, req.user!, question),
    error,
    versions: versions.map((v, i) => {
      const previous = versions[i + 1];
      return {
        version: v.version,
        date: formatDate(v.createdAt),
        dateIso: v.createdAt,
        author: v.createdBy,
        authorIsYou: v.createdBy === req.user!.id,
        live: v.live,
        latest: i === 0,
        first: !previous,
        changes: previous ? diffContent(previous, v) : [],
      };
    }),
  });
}

/** Every question in review, oldest first (the one waiting longest is at the top). */
async function reviewQueue(): Promise<QuestionView[]> {
  const items: QuestionView[] = [];
  for (let page = 1; items.length < REVIEW_QUEUE_LIMIT; page++) {
    const result = await questions.listQuestions({ status: 'in_review', page, pageSize: 100 });
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) break;
  }
  return items.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
}

async function renderReviewQueue(req: Request, res: Response, failed?: { id: string; error: PageError }, status = 200): Promise<void> {
  const locale = req.locale;
  const queue = await reviewQueue();
  res.status(status).render('pages/bank/review', {
    title: translate(locale, 'bank.review.title'),
    extraCss: BANK_CSS,
    count: queue.length,
    items: queue.map((q) => ({
      q: questionDetail(locale, q),
      waiting: formatDate(q.updatedAt),
      ...workflow(locale, req.user!, q),
      error: failed?.id === q.id ? failed.error : undefined,
    })),
  });
}

function fromReview(req: Request): boolean {
  return (req.body as Record<string, unknown> | undefined)?.from === 'review';
}

export function questionDetailPagesRouter(): Router {
  const router = Router();

  router.get('/bank/review', (req, res) => renderReviewQueue(req, res));

  router.get('/bank/questions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    await renderQuestionPage(req, res, id);
  });

  router.post('/bank/questions/:id/transition', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const comment = typeof body.comment === 'string' && body.comment.trim() ? body.comment : undefined;
      const { to, comment: note } = parseInput(transitionSchema, { to: body.to, ...(comment ? { comment } : {}) });
      await questions.transitionQuestion(req.user!, id, to, note);
      res.redirect(303, fromReview(req) ? '/bank/review' : `/bank/questions/${id}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'not_found') throw err;
      const error = pageError(req.locale, err);
      if (fromReview(req)) await renderReviewQueue(req, res, { id, error }, err.status);
      else await renderQuestionPage(req, res, id, error, err.status);
    }
  });

  // Deleting asks first on a page of its own, so the confirmation works without JavaScript.
  router.get('/bank/questions/:id/delete', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const question = await questions.getQuestion(id);
    res.render('pages/bank/delete', {
      title: translate(req.locale, 'bank.delete.title', { code: question.code }),
      extraCss: BANK_CSS,
      q: questionDetail(req.locale, question),
      deletable: question.status === 'draft' && question.liveVersion === null,
    });
  });

  router.post('/bank/questions/:id/delete', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    try {
      await questions.deleteQuestion(id);
      res.redirect(303, '/bank');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'not_found') throw err;
      await renderQuestionPage(req, res, id, pageError(req.locale, err), err.status);
    }
  });

  return router;
}
