// JSON API: exam blueprints (examiners), and attempts (candidates, only ever their own).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import { requireRole, requireUser } from '../accounts';
import { grantException, listExceptions } from './exam-conflicts';
import { getAttempt, listOwnAttempts, saveAnswer, startAttempt, submitAttempt } from './attempt.service';
import { createExam, findExam, grantExtension, listExams, publishExam, toExamView, unpublishExam, updateExam } from './exam.service';

const idParams = z.strictObject({ id: z.string() });
const answerParams = z.strictObject({ id: z.string(), itemId: z.string().regex(/^q\d{1,4}$/, 'An item id such as q17.') });
const langQuery = z.object({ lang: z.enum(['zh', 'en']).optional() });
/** The page's timer says `time_up` when it submits at zero, so the result reads "time ran out". */
const submitSchema = z.strictObject({ reason: z.enum(['time_up']).optional() });

const examiner = requireRole('examiner', 'admin');

/** The candidate's language for question texts: ?lang=zh|en, else the page language. */
function paperLanguage(req: Request): 'zh' | 'en' {
  const { lang } = parseInput(langQuery, req.query);
  return lang ?? (req.locale === 'en' ? 'en' : 'zh');
}

export function examApiRouter(): Router {
  const router = Router();

  router.get('/api/exams', requireUser, async (req, res) => {
    res.json({ items: await listExams(req.user) });
  });
  router.post('/api/exams', examiner, async (req, res) => {
    res.status(201).json({ exam: await createExam(req.user!, req.body) });
  });
  router.get('/api/exams/:id', requireUser, async (req, res) => {
    const exam = toExamView(await findExam(parseInput(idParams, req.params).id));
    const staff = req.user!.roles.some((r) => r !== 'candidate');
    if (exam.status !== 'published' && !staff) throw new NotFoundError('No such exam.');
    res.json({ exam });
  });
  router.patch('/api/exams/:id', examiner, async (req, res) => {
    res.json({ exam: await updateExam(parseInput(idParams, req.params).id, req.body) });
  });
  router.post('/api/exams/:id/publish', examiner, async (req, res) => {
    res.json({ exam: await publishExam(parseInput(idParams, req.params).id) });
  });
  router.post('/api/exams/:id/unpublish', examiner, async (req, res) => {
    res.json({ exam: await unpublishExam(parseInput(idParams, req.params).id) });
  });
  router.post('/api/exams/:id/extensions', examiner, async (req, res) => {
    res.json({ extension: await grantExtension(req.user!, parseInput(idParams, req.params).id, req.body) });
  });

  router.get('/api/exams/:id/exceptions', examiner, async (req, res) => {
    res.json({ items: await listExceptions(parseInput(idParams, req.params).id) });
  });
  // Conflict-of-interest exceptions: administrators only, never for themselves (the service decides).
  router.post('/api/exams/:id/exceptions', requireRole('admin'), async (req, res) => {
    res.status(201).json({ exception: await grantException(req.user!, parseInput(idParams, req.params).id, req.body) });
  });

  router.post('/api/exams/:id/attempts', requireUser, async (req, res) => {
    // Everything the request says is checked before anything is stored.
    const { id } = parseInput(idParams, req.params);
    const lang = paperLanguage(req);
    const { attempt, created } = await startAttempt(req.user!, id, { lang });
    res.status(created ? 201 : 200).json({ attempt });
  });
  router.get('/api/attempts', requireUser, async (req, res) => {
    res.json({ items: await listOwnAttempts(req.user!) });
  });
  router.get('/api/attempts/:id', requireUser, async (req, res) => {
    res.json({ attempt: await getAttempt(req.user!, parseInput(idParams, req.params).id, { lang: paperLanguage(req) }) });
  });
  router.put('/api/attempts/:id/answers/:itemId', requireUser, async (req, res) => {
    const { id, itemId } = parseInput(answerParams, req.params);
    res.json(await saveAnswer(req.user!, id, itemId, req.body));
  });
  router.post('/api/attempts/:id/submit', requireUser, async (req, res) => {
    const { reason } = parseInput(submitSchema, req.body ?? {});
    const { id } = parseInput(idParams, req.params);
    const lang = paperLanguage(req);
    res.json({ result: await submitAttempt(req.user!, id, { lang, timeUp: reason === 'time_up' }) });
  });

  return router;
}
