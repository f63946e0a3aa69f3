// The question editor's form: flat browser fields <-> the JSON shape validateQuestion takes, and the
// service's error paths (options[2].text.en) -> the form field they belong to, in the page language.
// Pure functions: the page handlers and the live preview share them, so preview = what gets saved.
import { ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { validateQuestion } from './question.service';
import type { LocalizedText, QuestionContent } from './question.types';
import { MAX_OPTIONS } from './types/choice-options';
import { groupFormErrors, type FormErrors } from '../../lib/form-errors';

export const OPTION_SLOTS = MAX_OPTIONS;
export const OPTION_LETTERS = 'ABCDEF';

export interface OptionFields {
  /** The option's stable id (a, b…) when editing; blank for new options. */
  id: string;
  zh: string;
  en: string;
  correct: boolean;
  weight: string;
}

/** What the browser sends (and what the editor shows back): strings, as typed. */
export interface QuestionForm {
  type: string;
  domain: string;
  levels: string[];
  difficulty: string;
  knowledgePoint: string;
  /** practice | secure */
  usage: string;
  enemyGroup: string;
  tags: string;
  stemZh: string;
  stemEn: string;
  explanationZh: string;
  explanationEn: string;
  /** Always OPTION_SLOTS long. */
  options: OptionFields[];
  answer: string;
  accepted: string;
  tolerance: string;
  revision: string;
}

export interface FormInput {
  /** The body for createQuestion / updateQuestion (every content key present, so an edit can drop one). */
  input: Record<string, unknown>;
  /** slots[i] = the form slot options[i] came from (blank slots are skipped). */
  slots: number[];
}

const blankOption = (): OptionFields => ({ id: '', zh: '', en: '', correct: false, weight: '' });

export function emptyForm(): QuestionForm {
  return {
    type: 'single',
    domain: '',
    levels: [],
    difficulty: '3',
    knowledgePoint: '',
    usage: 'practice',
    enemyGroup: '',
    tags: '',
    stemZh: '',
    stemEn: '',
    explanationZh: '',
    explanationEn: '',
    options: Array.from({ length: OPTION_SLOTS }, blankOption),
    answer: '',
    accepted: '',
    tolerance: '',
    revision: '',
  };
}

function str(value: unknown): string {
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(str).filter(Boolean);
}

/** Reads a url-encoded form post or the live preview's JSON (the same flat field names). */
export function readForm(body: unknown): QuestionForm {
  const f = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const form = emptyForm();
  for (const key of ['type', 'domain', 'difficulty', 'knowledgePoint', 'usage', 'enemyGroup', 'tags', 'stemZh', 'stemEn', 'explanationZh', 'explanationEn', 'answer', 'accepted', 'tolerance', 'revision'] as const) {
    form[key] = str(f[key]);
  }
  form.levels = list(f.levels);
  form.options = form.options.map((_, i) => ({
    id: str(f[`opt${i}Id`]),
    zh: str(f[`opt${i}Zh`]),
    en: str(f[`opt${i}En`]),
    correct: str(f[`opt${i}Correct`]) !== '',
    weight: str(f[`opt${i}Weight`]),
  }));
  return form;
}

export function contentToForm(content: QuestionContent, revision?: number): QuestionForm {
  const form = emptyForm();
  return {
    ...form,
    type: content.type,
    domain: content.domain,
    levels: content.levels.map(String),
    difficulty: String(content.difficulty),
    knowledgePoint: content.knowledgePoint,
    usage: content.usage ?? 'practice',
    enemyGroup: content.enemyGroup ?? '',
    tags: content.tags.join(', '),
    stemZh: content.stem.zh ?? '',
    stemEn: content.stem.en ?? '',
    explanationZh: content.explanation.zh ?? '',
    explanationEn: content.explanation.en ?? '',
    options: form.options.map((blank, i) => {
      const o = content.options?.[i];
      return o ? { id: o.id, zh: o.text.zh ?? '', en: o.text.en ?? '', correct: o.correct, weight: o.weight === undefined ? '' : String(o.weight) } : blank;
    }),
    answer: content.answer === undefined ? '' : String(content.answer),
    accepted: (content.accepted ?? []).join('\n'),
    tolerance: content.tolerance === undefined ? '' : String(content.tolerance),
    revision: revision === undefined ? '' : String(revision),
  };
}

function localized(zh: string, en: string): LocalizedText {
  const out: LocalizedText = {};
  if (zh.trim()) out.zh = zh.trim();
  if (en.trim()) out.en = en.trim();
  return out;
}

/** Numbers as numbers; anything else is passed on as typed so the schema names the field. */
function numeric(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Ids kept from the stored question stay with their option; new options get the first free letter. */
function assignIds(wanted: string[]): string[] {
  const used = new Set<string>();
  const kept = wanted.map((id) => (/^[a-z]$/.test(id) && !used.has(id) && used.add(id) ? id : ''));
  return kept.map((id) => {
    if (id) return id;
    let code = 97;
    while (used.has(String.fromCharCode(code))) code++;
    const fresh = String.fromCharCode(code);
    used.add(fresh);
    return fresh;
  });
}

export function formToInput(form: QuestionForm): FormInput {
  const type = form.type.trim();
  const input: Record<string, unknown> = {
    type,
    domain: form.domain.trim(),
    levels: form.levels.map((l) => (/^\d$/.test(l) ? Number(l) : l)),
    difficulty: numeric(form.difficulty) ?? 3,
    knowledgePoint: form.knowledgePoint.trim(),
    usage: form.usage.trim() || 'practice',
    enemyGroup: form.enemyGroup.trim() || undefined,
    tags: form.tags.split(/[,，、]/).map((t) => t.trim()).filter(Boolean),
    stem: localized(form.stemZh, form.stemEn),
    explanation: localized(form.explanationZh, form.explanationEn),
    options: undefined,
    answer: undefined,
    accepted: undefined,
    tolerance: undefined,
  };
  const slots: number[] = [];
  if (type === 'single' || type === 'multiple') {
    const used = form.options
      .map((o, slot) => ({ o, slot }))
      .filter(({ o }) => o.zh.trim() || o.en.trim() || o.correct || (type === 'multiple' && o.weight.trim()));
    const ids = assignIds(used.map(({ o }) => o.id));
    input.options = used.map(({ o, slot }, i) => {
      slots.push(slot);
      const weight = type === 'multiple' ? numeric(o.weight) : undefined;
      return { id: ids[i], text: localized(o.zh, o.en), correct: o.correct, ...(weight !== undefined ? { weight } : {}) };
    });
  }
  if (type === 'truefalse') input.answer = form.answer === 'true' ? true : form.answer === 'false' ? false : undefined;
  if (type === 'fill') {
    input.accepted = form.accepted.split(/\r?\n/).map((a) => a.trim()).filter(Boolean);
    input.tolerance = numeric(form.tolerance);
  }
  return { input, slots };
}

// ---- errors -------------------------------------------------------------------------------------

const SIMPLE_FIELDS: Record<string, string> = {
  type: 'type',
  domain: 'domain',
  difficulty: 'difficulty',
  knowledgePoint: 'knowledgePoint',
  usage: 'usage',
  enemyGroup: 'enemyGroup',
  stem: 'stem',
  'stem.zh': 'stemZh',
  'stem.en': 'stemEn',
  explanation: 'explanation',
  'explanation.zh': 'explanationZh',
  'explanation.en': 'explanationEn',
  options: 'options',
  answer: 'answer',
  tolerance: 'tolerance',
};

/** The form field a service path belongs to: stem.zh -> stemZh, options[2].text.en -> opt<slot>En. */
export function fieldForPath(path: string, slots: number[]): string | undefined {
  if (SIMPLE_FIELDS[path]) return SIMPLE_FIELDS[path];
  const collection = /^(levels|tags|accepted)(\[\d+\])?$/.exec(path);
  if (collection) return collection[1];
  const option = /^options\[(\d+)\](?:\.(\w+)(?:\.(zh|en))?)?$/.exec(path);
  if (option) {
    const slot = slots[Number(option[1])];
    if (slot === undefined) return 'options';
    if (option[2] === 'weight') return `opt${slot}Weight`;
    if (option[2] === 'text' && option[3]) return `opt${slot}${option[3] === 'zh' ? 'Zh' : 'En'}`;
    return `opt${slot}Text`;
  }
  return undefined;
}

/** Service messages (English, stable) mapped onto translated ones; anything else is shown as given. */
const MESSAGE_RULES: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^Cannot be blank\./, 'bank.err.blank', () => ({})],
  [/^This question has been live in the practice pool/, 'bank.err.practiceToSecure', () => ({})],
  [/^Give the text in at least one language\./, 'bank.err.textNeeded', () => ({})],
  [/^Missing the Chinese text\./, 'bank.err.missingZh', () => ({})],
  [/^Missing the English text\./, 'bank.err.missingEn', () => ({})],
  [/exactly one correct option \(has (\d+)\)/, 'bank.err.singleKey', (m) => ({ n: m[1]! })],
  [/at least two correct options \(has (\d+)\)/, 'bank.err.multipleKeys', (m) => ({ n: m[1]! })],
  [/^Give (\d+) to (\d+) options \(has (\d+)\)/, 'bank.err.optionCount', (m) => ({ min: m[1]!, max: m[2]!, n: m[3]! })],
  [/^Same text as options\[(\d+)\]/, 'bank.err.sameText', () => ({})],
  [/needs at least one accepted answer/, 'bank.err.acceptedNeeded', () => ({})],
  [/needs answer true or false/, 'bank.err.answerNeeded', () => ({})],
  [/^Tolerance needs a numeric/, 'bank.err.toleranceNumeric', () => ({})],
  [/needs a positive weight/, 'bank.err.weightSign', () => ({})],
  [/^Positive weights must add up to 100 \(they add up to ([-\d.]+)\)/, 'bank.err.weightSum', (m) => ({ sum: m[1]! })],
  [/^Use lower-case words joined by hyphens/, 'bank.err.kebab', () => ({})],
];

export function translateDetail(locale: Locale, detail: ErrorDetail): string {
  for (const [pattern, key, vars] of MESSAGE_RULES) {
    const match = pattern.exec(detail.message);
    if (match) return translate(locale, key, vars(match));
  }
  const path = detail.path ?? '';
  if (/^levels/.test(path) && detail.code === 'too_small') return translate(locale, 'bank.err.levelsNeeded');
  if (detail.code === 'too_big') return translate(locale, 'bank.err.tooLong');
  if (/(tolerance|weight|difficulty)$/.test(path) && detail.code === 'invalid_type') return translate(locale, 'bank.err.number');
  if (detail.code === 'invalid_value' || detail.code === 'invalid_union' || detail.code === 'invalid_type') return translate(locale, 'bank.err.choose');
  if (detail.code === 'too_small') return translate(locale, 'bank.err.tooSmall');
  return detail.message;
}

export type { FormErrors };

export function formErrors(locale: Locale, details: readonly ErrorDetail[], slots: number[]): FormErrors {
  return groupFormErrors(details, (path) => fieldForPath(path, slots), (detail) => translateDetail(locale, detail));
}

// ---- every problem at once ----------------------------------------------------------------------

/** Valid stand-ins for fields whose shape is wrong, so the type rules can still be checked. */
const STAND_INS: Record<string, unknown> = {
  domain: 'ethics',
  levels: [1],
  difficulty: 3,
  knowledgePoint: '',
  tags: [],
  stem: { zh: 'x' },
  explanation: {},
  accepted: ['x'],
  tolerance: undefined,
};

const topKey = (path: string | undefined) => /^[A-Za-z]+/.exec(path ?? '')?.[0] ?? '';

/**
 * The service stops at the first layer of problems (a badly shaped field hides the type rules). For
 * the form, check again with stand-ins for those fields, so the examiner sees every problem at once.
 */
export function formProblems(input: Record<string, unknown>): ErrorDetail[] {
  let shape: ErrorDetail[];
  try {
    validateQuestion(input, { forApproval: false });
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    shape = err.details as ErrorDetail[];
  }
  const patched: Record<string, unknown> = { ...input };
  const keys = new Set(shape.map((d) => topKey(d.path)));
  for (const key of keys) {
    if (key === 'options') {
      // Only a wrong weight can be set aside; other option problems decide the type rules.
      if (shape.some((d) => topKey(d.path) === 'options' && !/^options\[\d+\]\.weight$/.test(d.path ?? ''))) return shape;
      patched.options = (input.options as Array<Record<string, unknown>>).map(({ weight: _weight, ...o }) => o);
    } else if (key in STAND_INS) patched[key] = STAND_INS[key];
    else return shape;
  }
  try {
    validateQuestion(patched, { forApproval: false });
    return shape;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const more = (err.details as ErrorDetail[]).filter((d) => !keys.has(topKey(d.path)));
    return [...shape, ...more];
  }
}
