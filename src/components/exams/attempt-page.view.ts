// View models for one attempt: the paper (every item server-rendered with its saved answer), the
// no-JavaScript confirmation, and the result with its per-domain chart and the review the policy allows.
import { translate, type Locale } from '../../lib/i18n';
import { escapeHtml, renderMarkdown } from '../../lib/markdown';
import { DOMAINS } from '../questions';
import type { AttemptItemView, AttemptView, ResultView } from './attempt.service';
import {
  domainLabel,
  formatElapsed,
  formatNumber,
  htmlLang,
  localized,
  modeLabel,
  otherLanguage,
  timeView,
  typeLabel,
  type OwnAttempt,
  type PaperLanguage,
} from './exam-page.view';
import type { ExamView } from './exam.service';

const LETTERS = 'ABCDEF';

/** Markdown for one short line: the paragraph wrapper is dropped so it sits beside its letter. */
function inlineMarkdown(source: string): string {
  const html = renderMarkdown(source);
  const single = /^<p>([\s\S]*)<\/p>$/.exec(html);
  return single && !single[1]!.includes('<p>') ? single[1]! : html;
}

/** An answer counts once it says something: a blank fill or an empty multiple choice does not. */
export function isAnswered(response: unknown): boolean {
  if (response === null || response === undefined) return false;
  if (typeof response === 'string') return response.trim() !== '';
  if (Array.isArray(response)) return response.length > 0;
  return typeof response === 'boolean';
}

const tfLabel = (lang: PaperLanguage, value: boolean) => (lang === 'zh' ? (value ? '对' : '错') : value ? 'True' : 'False');

function chosenIds(response: unknown): string[] {
  if (typeof response === 'string') return [response];
  if (Array.isArray(response)) return response.filter((r): r is string => typeof r === 'string');
  return [];
}

// ---------------------------------------------------------------- the paper

function paperItem(locale: Locale, item: AttemptItemView, lang: PaperLanguage, saved: AttemptView['responses'][string] | undefined) {
  const response = saved?.response ?? null;
  const chosen = new Set(chosenIds(response));
  const other = otherLanguage(lang);
  const main = item.translations[lang];
  const alt = item.translations[other];
  const name = item.itemId;
  const choice = item.type === 'single' || item.type === 'multiple';
  return {
    itemId: item.itemId,
    number: item.number,
    type: item.type,
    typeLabel: typeLabel(locale, item.type),
    points: formatNumber(item.points),
    answered: isAnswered(response),
    flagged: saved?.flagged ?? false,
    savedAt: saved?.savedAt ?? '',
    name,
    inputType: item.type === 'multiple' ? 'checkbox' : 'radio',
    lang,
    htmlLang: htmlLang(lang),
    stemHtml: main.stem ? renderMarkdown(main.stem) : '',
    options: choice
      ? main.options.map((o, i) => ({ id: o.id, letter: LETTERS[i] ?? '?', html: inlineMarkdown(o.text), checked: chosen.has(o.id), inputId: `${name}-${o.id}` }))
      : item.type === 'truefalse'
        ? [true, false].map((v, i) => ({ id: String(v), letter: LETTERS[i]!, html: escapeHtml(tfLabel(lang, v)), checked: response === v, inputId: `${name}-${v}` }))
        : [],
    truefalse: item.type === 'truefalse',
    multiple: item.type === 'multiple',
    fill: item.type === 'fill',
    fillValue: typeof response === 'string' ? response : '',
    other: {
      lang: other,
      htmlLang: htmlLang(other),
      label: translate(locale, `exam.paper.showIn.${other}`),
      stemHtml: alt.stem ? renderMarkdown(alt.stem) : '',
      options: choice
        ? alt.options.map((o, i) => ({ letter: LETTERS[i] ?? '?', html: inlineMarkdown(o.text) }))
        : item.type === 'truefalse'
          ? [true, false].map((v, i) => ({ letter: LETTERS[i]!, html: escapeHtml(tfLabel(other, v)) }))
          : [],
    },
  };
}

/** Message templates with their {placeholders} kept: exam.js fills them in. */
const KEEP_PLACEHOLDERS = new Proxy({}, { get: (_target, name) => `{${String(name)}}` }) as Record<string, unknown>;

/** What exam.js needs beyond the DOM: the clock and the strings it shows. Safe inside <script>. */
function clientData(locale: Locale, attempt: AttemptView, lang: PaperLanguage) {
  const keys = ['saving', 'saved', 'offline', 'failed', 'signedOut', 'warn10', 'warn1', 'timeUp', 'submitting', 'summary', 'allAnswered', 'pendingSaves', 'itemSaved', 'itemSaving', 'itemOffline', 'position'];
  const other = otherLanguage(lang);
  const data = {
    id: attempt.id,
    serverNow: attempt.serverNow,
    deadline: attempt.deadline,
    messages: {
      ...Object.fromEntries(keys.map((k) => [k, translate(locale, `exam.js.${k}`, KEEP_PLACEHOLDERS)])),
      showOther: translate(locale, `exam.paper.showIn.${other}`),
      hideOther: translate(locale, `exam.paper.hideIn.${other}`),
    },
  };
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

export function paperView(locale: Locale, attempt: AttemptView, lang: PaperLanguage, savedCount?: number) {
  const items = attempt.items.map((item) => paperItem(locale, item, lang, attempt.responses[item.itemId]));
  const answered = items.filter((i) => i.answered).length;
  return {
    id: attempt.id,
    title: localized(attempt.title, locale),
    code: attempt.examCode,
    modeLabel: modeLabel(locale, attempt.mode),
    mode: attempt.mode,
    items,
    total: items.length,
    answered,
    deadline: timeView(attempt.deadline),
    minutesLeft: Math.ceil(attempt.timeLeftSeconds / 60),
    timeLeft: `${String(Math.floor(attempt.timeLeftSeconds / 60)).padStart(2, '0')}:${String(attempt.timeLeftSeconds % 60).padStart(2, '0')}`,
    timeUp: attempt.timeLeftSeconds <= 0,
    otherLang: otherLanguage(lang),
    showOtherLabel: translate(locale, `exam.paper.showIn.${otherLanguage(lang)}`),
    savedNotice: savedCount === undefined ? undefined : translate(locale, savedCount ? 'exam.paper.savedCount' : 'exam.paper.nothingChanged', { n: savedCount }),
    clientData: clientData(locale, attempt, lang),
  };
}

// ---------------------------------------------------------------- confirmation (no JavaScript)

export function confirmView(locale: Locale, attempt: AttemptView) {
  const link = (i: AttemptItemView) => ({ number: i.number, href: `/attempts/${attempt.id}#item-${i.itemId}` });
  const unanswered = attempt.items.filter((i) => !isAnswered(attempt.responses[i.itemId]?.response)).map(link);
  const flagged = attempt.items.filter((i) => attempt.responses[i.itemId]?.flagged).map(link);
  return {
    id: attempt.id,
    title: localized(attempt.title, locale),
    total: attempt.items.length,
    answered: attempt.items.length - unanswered.length,
    unanswered,
    flagged,
    deadline: timeView(attempt.deadline),
    minutesLeft: Math.ceil(attempt.timeLeftSeconds / 60),
  };
}

// ---------------------------------------------------------------- result

/**
 * Bars for percent per domain with a line at the pass mark: inline SVG, readable without scripts.
 * Horizontal positions are percentages of the chart's width (no viewBox), so the bars stretch to any
 * screen while the text keeps its CSS size and stays legible on a phone.
 */
const CHART = { row: 50, top: 30, labelGap: 18, bar: 16, span: 86 };

export function domainChartSvg(locale: Locale, byDomain: NonNullable<ResultView['byDomain']>, passPercent: number): string {
  const order = (d: string) => {
    const i = (DOMAINS as readonly string[]).indexOf(d);
    return i < 0 ? DOMAINS.length : i;
  };
  const rows = [...byDomain].sort((a, b) => order(a.domain) - order(b.domain));
  const { row, top, labelGap, bar, span } = CHART;
  const height = top + rows.length * row + 6;
  const x = (percent: number) => `${((span * Math.max(0, Math.min(100, percent))) / 100).toFixed(2)}%`;
  const title = translate(locale, 'exam.result.chartTitle');
  const parts = [
    `<svg class="exam-chart" width="100%" height="${height}" role="img" aria-labelledby="exam-chart-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="exam-chart-title">${escapeHtml(title)}</title>`,
  ];
  rows.forEach((d, i) => {
    const y = top + i * row;
    const pass = d.percent >= passPercent;
    const label = domainLabel(locale, d.domain);
    const value = `${formatNumber(d.percent)}%`;
    parts.push(
      `<g class="exam-chart-row"><title>${escapeHtml(`${label}: ${value} (${formatNumber(d.score)}/${formatNumber(d.max)})`)}</title>`,
      `<text class="exam-chart-label" x="0" y="${y + 12}">${escapeHtml(label)}</text>`,
      `<rect class="exam-chart-track" x="0" y="${y + labelGap}" width="${span}%" height="${bar}" rx="3"/>`,
      `<rect class="exam-chart-bar ${pass ? 'is-pass' : 'is-fail'}" x="0" y="${y + labelGap}" width="${x(d.percent)}" height="${bar}" rx="3"/>`,
      `<text class="exam-chart-value" x="100%" y="${y + labelGap + 13}" text-anchor="end">${escapeHtml(value)}</text></g>`,
    );
  });
  const passLabel = translate(locale, 'exam.result.passLine', { percent: formatNumber(passPercent) });
  const anchor = passPercent > 80 ? 'end' : passPercent < 15 ? 'start' : 'middle';
  parts.push(
    `<line class="exam-chart-pass" x1="${x(passPercent)}" x2="${x(passPercent)}" y1="${top - 8}" y2="${height - 2}"/>`,
    `<text class="exam-chart-pass-label" x="${x(passPercent)}" y="${top - 13}" text-anchor="${anchor}">${escapeHtml(passLabel)}</text>`,
    '</svg>',
  );
  return parts.join('');
}

function answerText(locale: Locale, item: AttemptItemView, lang: PaperLanguage, value: unknown): string {
  if (!isAnswered(value)) return translate(locale, 'exam.review.noAnswer');
  if (item.type === 'truefalse') return tfLabel(lang, value === true);
  if (item.type === 'fill') return String(value);
  const letters = chosenIds(value)
    .map((id) => item.options.findIndex((o) => o.id === id))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b)
    .map((i) => LETTERS[i]);
  return letters.join(', ');
}

function reviewItem(locale: Locale, item: AttemptItemView, lang: PaperLanguage, r: NonNullable<ResultView['items']>[number]) {
  const showKey = r.key !== undefined;
  const chosen = new Set(chosenIds(r.response));
  const keyIds = new Set(chosenIds(r.key));
  const text = item.translations[lang];
  const options =
    item.type === 'truefalse'
      ? [true, false].map((v) => ({ letter: '', html: escapeHtml(tfLabel(lang, v)), chosen: r.response === v, correct: showKey && r.key === v }))
      : text.options.map((o, i) => ({ letter: LETTERS[i] ?? '?', html: inlineMarkdown(o.text), chosen: chosen.has(o.id), correct: showKey && keyIds.has(o.id) }));
  const full = r.earned >= r.points;
  return {
    number: item.number,
    anchor: `review-${item.itemId}`,
    typeLabel: typeLabel(locale, item.type),
    earned: formatNumber(r.earned),
    points: formatNumber(r.points),
    state: full ? 'right' : r.earned > 0 ? 'partial' : 'wrong',
    htmlLang: htmlLang(lang),
    stemHtml: text.stem ? renderMarkdown(text.stem) : '',
    options,
    fill: item.type === 'fill',
    yourAnswer: answerText(locale, item, lang, r.response),
    keyAnswer: showKey ? answerText(locale, item, lang, r.key) : undefined,
    explanationHtml: showKey && r.explanation ? renderMarkdown(r.explanation) : undefined,
  };
}

export interface RetakeView {
  href?: string;
  nextAt?: { iso: string; text: string };
  limitReached?: boolean;
}

/** Whether the candidate may sit this exam again now, later (cooldown), or not at all. */
export function retakeView(exam: ExamView | undefined, attempts: OwnAttempt[], now: Date): RetakeView {
  if (!exam || exam.status !== 'published') return {};
  const graded = attempts.filter((a) => a.examId === exam.id && a.status === 'graded');
  if (exam.attemptsAllowed !== null && graded.length >= exam.attemptsAllowed) return { limitReached: true };
  const last = graded.map((a) => a.finishedAt).filter((f): f is string => !!f).sort().at(-1);
  if (last && exam.cooldownSeconds > 0) {
    const next = new Date(new Date(last).getTime() + exam.cooldownSeconds * 1000);
    if (next > now) return { nextAt: timeView(next) };
  }
  return { href: `/exams/${exam.id}` };
}

export function resultPageView(locale: Locale, attempt: AttemptView, lang: PaperLanguage, retake: RetakeView) {
  const result = attempt.result!;
  const items = new Map(attempt.items.map((i) => [i.itemId, i]));
  const review = (result.items ?? []).flatMap((r) => {
    const item = items.get(r.itemId);
    return item ? [reviewItem(locale, item, lang, r)] : [];
  });
  return {
    id: attempt.id,
    examId: attempt.examId,
    title: localized(attempt.title, locale),
    code: attempt.examCode,
    mode: attempt.mode,
    modeLabel: modeLabel(locale, attempt.mode),
    score: formatNumber(result.score),
    max: formatNumber(result.max),
    percent: formatNumber(result.percent),
    passed: result.passed,
    passPercent: formatNumber(result.passPercent),
    passPoints: formatNumber((result.max * result.passPercent) / 100),
    timeUsed: formatElapsed(locale, result.timeUsedSeconds),
    finalizedBy: translate(locale, `exam.result.finalizedBy.${result.finalizedBy}`),
    gradedAt: timeView(result.gradedAt),
    chartSvg: result.byDomain?.length ? domainChartSvg(locale, result.byDomain, result.passPercent) : undefined,
    domains: (result.byDomain ?? []).map((d) => ({ label: domainLabel(locale, d.domain), score: formatNumber(d.score), max: formatNumber(d.max), percent: formatNumber(d.percent) })),
    policyNote: translate(locale, `exam.result.policy.${result.reviewPolicy}`),
    review,
    showKeys: review.some((r) => r.keyAnswer !== undefined),
    retake,
  };
}
