// Examiner API for the bank. Everything here needs the examiner or admin role.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { readUploadText } from '../../lib/upload';
import { parseInput } from '../../lib/validation';
import { requireRole } from '../accounts';
import { exportQuestions } from './question-export.service';
import { healthProblemText } from './bank-health.view';
import { importQuestions } from './question-import.service';
import { EXPORT_FORMATS, IMPORT_FORMATS, listQuerySchema, transitionSchema } from './question.schemas';
import * as questions from './question.service';
import { DOMAINS, LANGUAGES, LEVELS } from './question.types';

export const IMPORT_LIMIT_BYTES = 20 * 1024 * 1024;

const idParams = z.strictObject({ id: z.string() });

const levelsParam = z
  .string()
  .regex(/^[1-5](,[1-5])*$/, 'Give levels as a comma-separated list, e.g. 3,2,1.')
  .transform((s) => [...new Set(s.split(',').map(Number))] as Array<(typeof LEVELS)[number]>);

export const importQuerySchema = z.strictObject({
  format: z.enum(IMPORT_FORMATS),
  domain: z.enum(DOMAINS).optional(),
  levels: levelsParam.optional(),
  language: z.enum(LANGUAGES).default('zh'),
});

const exportQuerySchema = listQuerySchema.omit({ page: true, pageSize: true }).extend({ format: z.enum(EXPORT_FORMATS) });

const updateBodySchema = z.looseObject({ revision: z.number().int().positive().optional() });

const examiner = requireRole('examiner', 'admin');

/** Mounted before the JSON body parser: imports take raw files and multipart uploads. */
export function questionImportRouter(): Router {
  const router = Router();
  router.post('/api/questions/import', examiner, async (req: Request, res) => {
    const upload = await readUploadText(req, IMPORT_LIMIT_BYTES, '20 MB');
    const query = parseInput(importQuerySchema, { ...upload.fields, ...req.query });
    const report = await importQuestions(req.user!, query.format, upload.text, {
      language: query.language,
      ...(query.domain ? { domain: query.domain } : {}),
      ...(query.levels ? { levels: query.levels } : {}),
    });
    const problems = report.health.problems.map((p) => ({ ...p, text: healthProblemText(req.locale, p) }));
    res.status(report.created > 0 ? 201 : 200).json({ ...report, health: { ...report.health, problems } });
  });
  return router;
}

export function questionApiRouter(): Router {
  const router = Router();
  router.use('/api/questions', examiner);

  router.get('/api/questions', async (req, res) => {
    res.json(await questions.listQuestions(parseInput(listQuerySchema, req.query)));
  });

  router.get('/api/questions/overview', async (_req, res) => {
    res.json({ cells: await questions.bankOverview() });
  });

  router.get('/api/questions/export', async (req, res) => {
    const { format, ...filters } = parseInput(exportQuerySchema, req.query);
    const file = await exportQuestions(format, filters);
    // attachment() sets a type from the file extension, so the real type is set after it.
    res.attachment(file.filename).type(file.mediaType).send(file.body);
  });

  router.post('/api/questions', async (req, res) => {
    res.status(201).json({ question: await questions.createQuestion(req.user!, req.body) });
  });

  router.get('/api/questions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    res.json({ question: await questions.getQuestion(id) });
  });

  router.patch('/api/questions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { revision, ...patch } = parseInput(updateBodySchema, req.body);
    res.json({ question: await questions.updateQuestion(req.user!, id, patch, revision) });
  });

  router.delete('/api/questions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    await questions.deleteQuestion(id);
    res.status(204).end();
  });

  router.post('/api/questions/:id/transition', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { to, comment } = parseInput(transitionSchema, req.body);
    res.json({ question: await questions.transitionQuestion(req.user!, id, to, comment) });
  });

  router.get('/api/questions/:id/versions', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    res.json(await questions.listVersions(id));
  });

  return router;
}
