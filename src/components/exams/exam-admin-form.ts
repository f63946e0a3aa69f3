// The blueprint form of the exam pages: flat browser fields <-> the JSON body createExam/updateExam take,
// and the schema's error paths (sections[1].count) -> the form field they belong to, in the page language.
// The form speaks the examiner's units: minutes, hours, and China time (UTC+8) for the availability window.
// Pure functions, no I/O.
import { ValidationError, type ErrorDetail } from '../../lib/errors';
import { translate, type Locale } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import { DOMAINS, type Domain } from '../questions';
import { formatNumber } from './exam-page.view';
import type { ExamMode } from './exam.model';
import { createExamSchema } from './exam.schemas';
import type { ExamView } from './exam.service';
import { NATIONAL_FORMATS } from './national-format';
import { groupFormErrors, type FormErrors } from '../../lib/form-errors';

/** Rows the form offers; an exam made through the API with more sections (up to 10) shows them all. */
export const SECTION_ROWS = 4;
const MAX_SECTIONS = 10;
/** China has one time zone and no daylight saving. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

interface SectionFields {
  type: string;
  count: string;
  points: string;
}

/** What the browser sends and the form shows back: strings as typed (checkboxes as booleans). */
export interface ExamForm {
  code: string;
  titleZh: string;
  titleEn: string;
  level: string;
  mode: string;
  durationMinutes: string;
  passPercent: string;
  /** At least SECTION_ROWS long; blank rows are skipped. */
  sections: SectionFields[];
  shares: Record<Domain, string>;
  difficultyMin: string;
  difficultyMax: string;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  partialCredit: boolean;
  attemptsAllowed: string;
  cooldownHours: string;
  availableFrom: string;
  availableUntil: string;
  reviewPolicy: string;
  issueOnPass: boolean;
  validityYears: string;
}

const TEXT_FIELDS = ['code', 'titleZh', 'titleEn', 'level', 'mode', 'durationMinutes', 'passPercent', 'difficultyMin', 'difficultyMax', 'attemptsAllowed', 'cooldownHours', 'availableFrom', 'availableUntil', 'reviewPolicy', 'validityYears'] as const;
const CHECKBOXES = ['shuffleQuestions', 'shuffleOptions', 'partialCredit', 'issueOnPass'] as const;

export const str = (value: unknown): string => (Array.isArray(value) ? str(value[0]) : typeof value === 'string' ? value : '');
/** 90, 0.5, 0.1667: enough digits that minutes and hours convert back to the same whole seconds. */
export const decimal = (n: number): string => String(Math.round(n * 10000) / 10000);
const blankSections = (): SectionFields[] => Array.from({ length: SECTION_ROWS }, () => ({ type: '', count: '', points: '' }));
const withShares = (shares: Partial<Record<string, number>>) => Object.fromEntries(DOMAINS.map((d) => [d, shares[d] ? String(shares[d]) : ''])) as Record<Domain, string>;

function sectionRows(sections: Array<{ type: string; count: number; points: number }>): SectionFields[] {
  const rows = sections.map((s) => ({ type: s.type, count: String(s.count), points: String(s.points) }));
  return [...rows, ...blankSections()].slice(0, Math.max(SECTION_ROWS, rows.length));
}

export function emptyForm(): ExamForm {
  return {
    code: '',
    titleZh: '',
    titleEn: '',
    level: '3',
    mode: 'mock',
    durationMinutes: '90',
    passPercent: '60',
    sections: blankSections(),
    shares: withShares({}),
    difficultyMin: '1',
    difficultyMax: '5',
    shuffleQuestions: true,
    shuffleOptions: true,
    partialCredit: false,
    attemptsAllowed: '',
    cooldownHours: '0',
    availableFrom: '',
    availableUntil: '',
    reviewPolicy: 'domains',
    issueOnPass: false,
    validityYears: '3',
  };
}

/** The national paper of a level (DOMAIN.md) with the usual rules of its mode; the code is the examiner's. */
export function nationalForm(level: 3 | 4 | 5, mode: ExamMode): ExamForm {
  const format = NATIONAL_FORMATS[level];
  const certification = mode === 'certification';
  const titleKey = certification ? 'bank.exams.national.titleCertification' : 'bank.exams.national.titleMock';
  const title = (locale: Locale) => translate(locale, titleKey, { level: translate(locale, `level.${level}`) });
  return {
    ...emptyForm(),
    titleZh: title('zh-CN'),
    titleEn: title('en'),
    level: String(level),
    mode,
    durationMinutes: decimal(format.durationSeconds / 60),
    passPercent: String(format.passPercent),
    sections: sectionRows(format.sections),
    shares: withShares(format.shares),
    attemptsAllowed: certification ? '3' : '',
    cooldownHours: certification ? '24' : '0',
    reviewPolicy: certification ? 'domains' : 'keys',
    issueOnPass: certification,
  };
}

export function toChinaLocal(iso: string | null): string {
  return iso ? new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16) : '';
}

/** "2026-12-01T09:00" in China time -> "2026-12-01T01:00:00.000Z"; undefined when it is not such a value. */
export function fromChinaLocal(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/.exec(value.trim());
  const ms = match ? Date.parse(`${match[1]}T${match[2]}${match[3] ?? ':00'}+08:00`) : NaN;
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  // Date.parse rolls 30 February over into March: a date that does not come back unchanged is not one.
  return toChinaLocal(iso) === `${match![1]}T${match![2]}` ? iso : undefined;
}

export function viewToForm(exam: ExamView): ExamForm {
  return {
    code: exam.code,
    titleZh: exam.title.zh,
    titleEn: exam.title.en,
    level: String(exam.level),
    mode: exam.mode,
    durationMinutes: decimal(exam.durationSeconds / 60),
    passPercent: String(exam.passPercent),
    sections: sectionRows(exam.sections),
    shares: withShares(exam.shares),
    difficultyMin: String(exam.difficulty.min),
    difficultyMax: String(exam.difficulty.max),
    shuffleQuestions: exam.shuffleQuestions,
    shuffleOptions: exam.shuffleOptions,
    partialCredit: exam.partialCredit,
    attemptsAllowed: exam.attemptsAllowed === null ? '' : String(exam.attemptsAllowed),
    cooldownHours: decimal(exam.cooldownSeconds / 3600),
    availableFrom: toChinaLocal(exam.availableFrom),
    availableUntil: toChinaLocal(exam.availableUntil),
    reviewPolicy: exam.reviewPolicy,
    issueOnPass: exam.certificate.issueOnPass,
    validityYears: String(exam.certificate.validityYears),
  };
}

export function readExamForm(body: unknown): ExamForm {
  const f = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const form = emptyForm();
  for (const key of TEXT_FIELDS) form[key] = str(f[key]);
  for (const key of CHECKBOXES) form[key] = str(f[key]) !== '';
  const rows = Array.from({ length: MAX_SECTIONS }, (_, i) => ({ type: str(f[`sec${i}Type`]), count: str(f[`sec${i}Count`]), points: str(f[`sec${i}Points`]) }));
  const last = rows.findLastIndex((r) => r.type || r.count || r.points);
  form.sections = [...rows.slice(0, last + 1), ...blankSections()].slice(0, Math.max(SECTION_ROWS, last + 1));
  form.shares = Object.fromEntries(DOMAINS.map((d) => [d, str(f[`share-${d}`])])) as Record<Domain, string>;
  return form;
}

/** Numbers as numbers; anything else is passed on as typed so the schema names the field. */
export function numeric(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export const scaled = (value: number | string | undefined, factor: number) => (typeof value === 'number' ? Math.round(value * factor) : value);
const dateInput = (value: string) => (value.trim() ? (fromChinaLocal(value) ?? value.trim()) : null);

/** The createExam body (updates leave out the code, which never changes); slots[i] = the row sections[i] came from. */
export function formToInput(form: ExamForm, withCode = true): { input: Record<string, unknown>; slots: number[] } {
  const used = form.sections.map((s, slot) => ({ s, slot })).filter(({ s }) => s.type.trim() || s.count.trim() || s.points.trim());
  const input: Record<string, unknown> = {
    ...(withCode ? { code: form.code.trim() } : {}),
    title: { zh: form.titleZh, en: form.titleEn },
    level: numeric(form.level),
    mode: form.mode,
    durationSeconds: scaled(numeric(form.durationMinutes), 60),
    passPercent: numeric(form.passPercent),
    sections: used.map(({ s }) => ({ type: s.type.trim(), count: numeric(s.count), points: numeric(s.points) })),
    // A blank or zero share means "not in this exam".
    shares: Object.fromEntries(DOMAINS.flatMap((d) => [numeric(form.shares[d])].filter((v) => v !== undefined && v !== 0).map((v) => [d, v]))),
    difficulty: { min: numeric(form.difficultyMin), max: numeric(form.difficultyMax) },
    shuffleQuestions: form.shuffleQuestions,
    shuffleOptions: form.shuffleOptions,
    partialCredit: form.partialCredit,
    attemptsAllowed: numeric(form.attemptsAllowed) ?? null,
    cooldownSeconds: scaled(numeric(form.cooldownHours), 3600) ?? 0,
    availableFrom: dateInput(form.availableFrom),
    availableUntil: dateInput(form.availableUntil),
    reviewPolicy: form.reviewPolicy,
    certificate: { issueOnPass: form.issueOnPass, validityYears: numeric(form.validityYears) },
  };
  return { input, slots: used.map(({ slot }) => slot) };
}

// ---- every problem at once ----------------------------------------------------------------------

/** Valid stand-ins for badly shaped fields: zod skips the blueprint rules while a field has the wrong type. */
const STAND_INS: Record<string, unknown> = {
  code: 'STAND-IN',
  title: { zh: 'x', en: 'x' },
  level: 3,
  mode: 'mock',
  durationSeconds: 600,
  passPercent: 60,
  sections: [{ type: 'single', count: 1, points: 1 }],
  shares: { ethics: 100 },
  difficulty: { min: 1, max: 5 },
  attemptsAllowed: null,
  cooldownSeconds: 0,
  availableFrom: null,
  availableUntil: null,
  reviewPolicy: 'score',
  certificate: { issueOnPass: false, validityYears: 3 },
};

const topKey = (path: string | undefined) => /^[A-Za-z]+/.exec(path ?? '')?.[0] ?? '';

function problems(input: Record<string, unknown>): ErrorDetail[] {
  try {
    parseInput(createExamSchema, input);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.details as ErrorDetail[];
  }
}

export function blueprintProblems(input: Record<string, unknown>): ErrorDetail[] {
  const first = problems(input);
  const keys = new Set(first.map((d) => topKey(d.path)));
  if (!first.length || [...keys].some((k) => !(k in STAND_INS))) return first;
  const patched = { ...input, ...Object.fromEntries([...keys].map((k) => [k, STAND_INS[k]])) };
  return [...first, ...problems(patched).filter((d) => !keys.has(topKey(d.path)))];
}

// ---- errors beside their fields -----------------------------------------------------------------

const PATH_FIELDS: Record<string, string> = {
  'title.zh': 'titleZh',
  'title.en': 'titleEn',
  durationSeconds: 'durationMinutes',
  'difficulty.min': 'difficultyMin',
  'difficulty.max': 'difficultyMax',
  cooldownSeconds: 'cooldownHours',
  certificate: 'validityYears',
  'certificate.validityYears': 'validityYears',
  'certificate.issueOnPass': 'issueOnPass',
};
const FORM_FIELDS = new Set<string>(['code', 'level', 'mode', 'passPercent', 'sections', 'shares', 'difficulty', 'attemptsAllowed', 'availableFrom', 'availableUntil', 'reviewPolicy']);

export function fieldForPath(path: string, slots: number[]): string | undefined {
  if (PATH_FIELDS[path]) return PATH_FIELDS[path];
  if (FORM_FIELDS.has(path)) return path;
  const share = /^shares\.([a-z-]+)$/.exec(path);
  if (share) return `share-${share[1]}`;
  const section = /^sections\[(\d+)\](?:\.(type|count|points))?$/.exec(path);
  if (section) {
    const slot = slots[Number(section[1])];
    if (slot === undefined) return 'sections';
    const part = section[2] ?? 'type';
    return `sec${slot}${part[0]!.toUpperCase()}${part.slice(1)}`;
  }
  return undefined;
}

/** The service's (English, stable) rule messages; anything else is described by the field's own rule. */
const MESSAGE_RULES: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^Domain shares must add up to 100 \(they add up to ([^)]+)\)/, 'bank.exams.err.sharesSum', (m) => ({ sum: formatNumber(Number(m[1])) })],
  [/^min must not exceed max/, 'bank.exams.err.difficultyOrder', () => ({})],
  [/^Secure questions are never shown after an attempt/, 'bank.exams.err.secureReview', () => ({})],
  [/^Mock exams draw from the practice pool/, 'bank.exams.err.mockPool', () => ({})],
  [/^Certification exams draw from the secure pool/, 'bank.exams.err.certificationPool', () => ({})],
  [/^One section per question type/, 'bank.exams.err.sectionTypes', () => ({})],
  [/^Must be after availableFrom/, 'bank.exams.err.windowOrder', () => ({})],
];

const FIELD_RULES: Record<string, string> = {
  code: 'bank.exams.err.code',
  durationMinutes: 'bank.exams.err.duration',
  passPercent: 'bank.exams.err.percent',
  sections: 'bank.exams.err.sectionsNeeded',
  secCount: 'bank.exams.err.count',
  secPoints: 'bank.exams.err.points',
  share: 'bank.exams.err.share',
  attemptsAllowed: 'bank.exams.err.attempts',
  cooldownHours: 'bank.exams.err.cooldown',
  availableFrom: 'bank.exams.err.datetime',
  availableUntil: 'bank.exams.err.datetime',
  validityYears: 'bank.exams.err.validity',
};

function messageFor(locale: Locale, field: string | undefined, detail: ErrorDetail): string {
  for (const [pattern, key, vars] of MESSAGE_RULES) {
    const match = pattern.exec(detail.message);
    if (match) return translate(locale, key, vars(match));
  }
  const rule = field && FIELD_RULES[field.replace(/^sec\d/, 'sec').replace(/^share-.*/, 'share')];
  if (rule) return translate(locale, rule);
  if (field === 'titleZh' || field === 'titleEn') return translate(locale, detail.code === 'too_big' ? 'bank.err.tooLong' : 'bank.err.blank');
  if (detail.code === 'invalid_value' || detail.code === 'invalid_type') return translate(locale, 'bank.err.choose');
  return detail.message;
}

export type { FormErrors };

export function formErrors(locale: Locale, details: readonly ErrorDetail[], slots: number[]): FormErrors {
  return groupFormErrors(details, (path) => fieldForPath(path, slots), (detail, field) => messageFor(locale, field, detail));
}

/** What the page shows before the script recalculates them as the examiner types. */
export function formTotals(form: ExamForm) {
  let questions = 0;
  let points = 0;
  for (const s of form.sections) {
    const count = numeric(s.count);
    const each = numeric(s.points);
    if (typeof count === 'number') questions += count;
    if (typeof count === 'number' && typeof each === 'number') points += count * each;
  }
  const shareSum = DOMAINS.reduce((sum, d) => sum + (Number(numeric(form.shares[d])) || 0), 0);
  return { questions, points: formatNumber(points), shareSum: formatNumber(shareSum), shareSumOk: Math.abs(shareSum - 100) <= 0.01 };
}
