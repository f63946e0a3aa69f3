// The question editor: new and edit forms, their posts, and the live preview endpoint. The form is
// translated into the service's JSON shape (question-form.ts); the preview goes through the same
// partial the exam pages use, so what the examiner sees is what a candidate will see.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { emptyForm, contentToForm, formErrors, formProblems, formToInput, OPTION_LETTERS, readForm, type FormErrors, type QuestionForm } from './question-form';
import { BANK_CSS, difficultyChoices, domainChoices, errorMessage, LEVELS_DESC, levelLabel, previewPair, statusLabel, typeChoices, type PreviewData } from './question-page.view';
import * as questions from './question.service';
import { QUESTION_USES } from './question.types';

const idParams = z.strictObject({ id: z.string() });

interface EditorState {
  form: QuestionForm;
  question?: questions.QuestionView | undefined;
  errors?: FormErrors;
  alert?: string;
}

function renderEditor(req: Request, res: Response, state: EditorState, status = 200): void {
  const locale = req.locale;
  const { form, question } = state;
  const fields = state.errors?.fields ?? {};
  res.status(status).render('pages/bank/editor', {
    title: translate(locale, question ? 'bank.editor.editTitle' : 'bank.editor.newTitle', { code: question?.code ?? '' }),
    extraCss: BANK_CSS,
    extraJs: ['/assets/bank-editor.js'],
    action: question ? `/bank/questions/${question.id}` : '/bank/questions',
    cancelHref: question ? `/bank/questions/${question.id}` : '/bank',
    question: question && {
      id: question.id,
      code: question.code,
      status: question.status,
      statusLabel: statusLabel(locale, question.status),
      saveNote: saveNote(req, question),
    },
    values: form,
    types: typeChoices(locale, form.type),
    domains: domainChoices(locale, form.domain, translate(locale, 'bank.editor.chooseDomain')),
    difficulties: difficultyChoices(locale, form.difficulty),
    usages: QUESTION_USES.map((u) => ({ value: u, label: translate(locale, `bank.exams.pool.${u}`), selected: form.usage === u })),
    levels: LEVELS_DESC.map((level) => ({ value: String(level), label: levelLabel(locale, level), checked: form.levels.includes(String(level)) })),
    options: form.options.map((o, i) => ({
      ...o,
      index: i,
      letter: OPTION_LETTERS[i],
      errors: { zh: fields[`opt${i}Zh`], en: fields[`opt${i}En`], text: fields[`opt${i}Text`], weight: fields[`opt${i}Weight`] },
    })),
    answerTrue: form.answer === 'true',
    answerFalse: form.answer === 'false',
    errors: fields,
    generalErrors: state.errors?.general ?? [],
    alert: state.alert,
    preview: previewPair(formToInput(form).input),
  });
}

/** What saving does to a question that is not a plain draft (the service's versioning rules). */
function saveNote(req: Request, q: questions.QuestionView): string | undefined {
  // Editing the live version makes the next one; exams keep drawing the live one until it is approved.
  if (q.liveVersion === q.version) return translate(req.locale, 'bank.editor.noteNewVersion', { next: q.version + 1, live: q.version });
  if (q.status === 'in_review') return translate(req.locale, 'bank.editor.noteBackToDraft');
  return undefined;
}

function isPreviewRequest(req: Request): boolean {
  return (req.body as Record<string, unknown> | undefined)?.action === 'preview';
}

/** Client mistakes go back to the form with the values kept; anything else is a real error. */
function renderEditorError(req: Request, res: Response, err: unknown, state: EditorState & { slots: number[] }): void {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  if (err instanceof ValidationError) {
    const errors = formErrors(req.locale, err.details as ErrorDetail[], state.slots);
    return renderEditor(req, res, { ...state, errors, alert: translate(req.locale, 'bank.editor.fixErrors') }, 400);
  }
  renderEditor(req, res, { ...state, alert: errorMessage(req.locale, err) }, err.status);
}

/** All the form's problems in one go (the service itself would report them layer by layer). */
function checkForm(input: Record<string, unknown>): void {
  const problems = formProblems(input);
  if (problems.length) throw new ValidationError(problems);
}

function renderPartial(res: Response, view: string, data: object): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, { ...data, layout: false }, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? '')));
  });
}

export function questionEditorPagesRouter(): Router {
  const router = Router();

  router.get('/bank/questions/new', (req, res) => renderEditor(req, res, { form: emptyForm() }));

  router.get('/bank/questions/:id/edit', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const question = await questions.getQuestion(id);
    renderEditor(req, res, { form: contentToForm(question, question.revision), question });
  });

  // The live preview: the form's fields as JSON in, both languages' candidate view out.
  router.post('/bank/preview', async (req, res) => {
    const pair = previewPair(formToInput(readForm(req.body)).input);
    const render = (data: PreviewData) => renderPartial(res, 'partials/question-preview', data);
    const [zh, en] = await Promise.all([render(pair.zh), render(pair.en)]);
    res.set('Cache-Control', 'no-store').json({ zh, en });
  });

  router.post('/bank/questions', async (req, res) => {
    const form = readForm(req.body);
    if (isPreviewRequest(req)) return renderEditor(req, res, { form });
    const { input, slots } = formToInput(form);
    try {
      checkForm(input);
      const created = await questions.createQuestion(req.user!, input);
      res.redirect(303, `/bank/questions/${created.id}`);
    } catch (err) {
      renderEditorError(req, res, err, { form, slots });
    }
  });

  router.post('/bank/questions/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const question = await questions.getQuestion(id);
    const form = readForm(req.body);
    if (isPreviewRequest(req)) return renderEditor(req, res, { form, question });
    const { input, slots } = formToInput(form);
    const revision = /^\d+$/.test(form.revision) ? Number(form.revision) : undefined;
    try {
      checkForm(input);
      await questions.updateQuestion(req.user!, id, input, revision);
      res.redirect(303, `/bank/questions/${id}`);
    } catch (err) {
      renderEditorError(req, res, err, { form, slots, question });
    }
  });

  return router;
}
