// View models for the candidate's exam pages: the catalogue and the start page, plus the labels and
// formats every exam page shares. Templates only display what these build.
import { translate, type Locale } from '../../lib/i18n';
import type { ExamView } from './exam.service';

/** The exam pages' stylesheet and script (the layout adds them to <head>; the script is deferred). */
export const EXAM_CSS = ['/assets/question.css', '/assets/exam.css'];
export const EXAM_JS = ['/assets/exam.js'];

export type PaperLanguage = 'zh' | 'en';

export const paperLanguageOf = (locale: Locale): PaperLanguage => (locale === 'en' ? 'en' : 'zh');
export const otherLanguage = (lang: PaperLanguage): PaperLanguage => (lang === 'zh' ? 'en' : 'zh');
export const htmlLang = (lang: PaperLanguage) => (lang === 'zh' ? 'zh-CN' : 'en');

export const levelLabel = (locale: Locale, level: number) => translate(locale, `level.${level}`);
export const typeLabel = (locale: Locale, type: string) => translate(locale, `exam.type.${type}`);
export const domainLabel = (locale: Locale, domain: string) => translate(locale, `exam.domain.${domain}`);
export const modeLabel = (locale: Locale, mode: string) => translate(locale, `exam.mode.${mode}`);

/** 0.5, 1, 2.25: no trailing zeros. */
export function formatNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function formatDate(iso: string | Date): string {
  const text = typeof iso === 'string' ? iso : iso.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

/** A date for <time>: the UTC text, which exam.js turns into the reader's local time. */
export function timeView(iso: string | Date): { iso: string; text: string } {
  const value = typeof iso === 'string' ? iso : iso.toISOString();
  return { iso: value, text: formatDate(value) };
}

/** "90 min", "24 h", "3 days": whole days from two days up, else hours (one decimal), else minutes. */
export function formatDuration(locale: Locale, seconds: number): string {
  if (seconds >= 2 * 86400 && seconds % 86400 === 0) return translate(locale, 'exam.unit.days', { n: seconds / 86400 });
  if (seconds >= 3600) return translate(locale, 'exam.unit.hours', { n: formatNumber(seconds / 3600) });
  return translate(locale, 'exam.unit.minutes', { n: Math.max(1, Math.round(seconds / 60)) });
}

/** "12 min 05 s" for time used. */
export function formatElapsed(locale: Locale, seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return translate(locale, 'exam.unit.elapsed', { m, s });
}

export function localized(title: { zh: string; en: string }, locale: Locale): string {
  return locale === 'en' ? title.en || title.zh : title.zh || title.en;
}

export interface OwnAttempt {
  id: string;
  examId: string;
  examCode: string;
  title: { zh: string; en: string };
  mode: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  score: number | null;
  percent: number | null;
  passed: boolean | null;
}

// ---------------------------------------------------------------- catalogue

function examCard(locale: Locale, exam: ExamView, active: OwnAttempt | undefined) {
  return {
    id: exam.id,
    code: exam.code,
    href: `/exams/${exam.id}`,
    title: localized(exam.title, locale),
    mode: exam.mode,
    modeLabel: modeLabel(locale, exam.mode),
    questionCount: exam.questionCount,
    minutes: Math.round(exam.durationSeconds / 60),
    totalPoints: formatNumber(exam.totalPoints),
    passPercent: formatNumber(exam.passPercent),
    continueHref: active ? `/attempts/${active.id}` : undefined,
  };
}

export function historyRow(locale: Locale, a: OwnAttempt) {
  const graded = a.status === 'graded';
  return {
    id: a.id,
    title: localized(a.title, locale),
    code: a.examCode,
    modeLabel: modeLabel(locale, a.mode),
    mode: a.mode,
    date: timeView(a.finishedAt ?? a.startedAt),
    graded,
    inProgress: !graded,
    href: graded ? `/attempts/${a.id}/result` : `/attempts/${a.id}`,
    score: a.score === null ? undefined : formatNumber(a.score),
    percent: a.percent === null ? undefined : formatNumber(a.percent),
    passed: a.passed === true,
    statusLabel: graded ? translate(locale, a.passed ? 'exam.result.passed' : 'exam.result.failed') : translate(locale, 'exam.history.inProgress'),
  };
}

export function catalogueView(locale: Locale, exams: ExamView[], attempts: OwnAttempt[]) {
  const active = new Map(attempts.filter((a) => a.status !== 'graded').map((a) => [a.examId, a]));
  const levels = [...new Set(exams.map((e) => e.level))].sort((a, b) => b - a);
  return {
    groups: levels.map((level) => ({
      level,
      label: levelLabel(locale, level),
      exams: exams.filter((e) => e.level === level).map((e) => examCard(locale, e, active.get(e.id))),
    })),
    inProgress: [...active.values()].map((a) => historyRow(locale, a)),
    history: attempts.map((a) => historyRow(locale, a)),
  };
}

// ---------------------------------------------------------------- start page

export interface StartError {
  code: string;
  message: string;
}

export function startErrorView(locale: Locale, code: string, details: unknown): StartError {
  const next = (details as { nextAttemptAt?: unknown } | undefined)?.nextAttemptAt;
  const key = `exam.start.error.${code}`;
  const message = translate(locale, key, { time: typeof next === 'string' ? formatDate(next) : '' });
  return { code, message: message === key ? translate(locale, 'exam.start.error.generic') : message };
}

export function startView(locale: Locale, exam: ExamView, attempts: OwnAttempt[]) {
  const own = attempts.filter((a) => a.examId === exam.id);
  const active = own.find((a) => a.status !== 'graded');
  const used = own.filter((a) => a.status === 'graded').length;
  const passPoints = formatNumber((exam.totalPoints * exam.passPercent) / 100);
  return {
    exam: {
      ...examCard(locale, exam, active),
      level: exam.level,
      levelLabel: levelLabel(locale, exam.level),
      sections: exam.sections.map((s) => ({
        typeLabel: typeLabel(locale, s.type),
        count: s.count,
        points: formatNumber(s.points),
        subtotal: formatNumber(s.count * s.points),
      })),
      passPoints,
      attempts:
        exam.attemptsAllowed === null
          ? translate(locale, 'exam.start.attemptsUnlimited', { used })
          : translate(locale, 'exam.start.attemptsLimited', { allowed: exam.attemptsAllowed, used }),
      cooldown: exam.cooldownSeconds > 0 ? formatDuration(locale, exam.cooldownSeconds) : undefined,
      availableFrom: exam.availableFrom ? timeView(exam.availableFrom) : undefined,
      availableUntil: exam.availableUntil ? timeView(exam.availableUntil) : undefined,
      review: translate(locale, `exam.policy.${exam.mode === 'certification' && exam.reviewPolicy === 'keys' ? 'answers' : exam.reviewPolicy}`),
      multipleRule: exam.sections.some((s) => s.type === 'multiple') ? translate(locale, exam.partialCredit ? 'exam.start.partialCredit' : 'exam.start.allOrNothing') : undefined,
      certificate: exam.mode === 'certification' && exam.certificate.issueOnPass ? translate(locale, 'exam.start.certificate', { years: exam.certificate.validityYears }) : undefined,
    },
    active: active ? { id: active.id, href: `/attempts/${active.id}`, started: timeView(active.startedAt) } : undefined,
  };
}
