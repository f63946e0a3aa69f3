// View models shared by the bank pages: labels, the candidate-view preview data, list rows, the key.
// Templates only display what these build (views do not compute).
import { translate, type Locale } from '../../lib/i18n';
import { renderMarkdown } from '../../lib/markdown';
import { STATUSES, type QuestionStatus } from './question.schemas';
import type { QuestionView } from './question.service';
import { DOMAINS, LEVELS, QUESTION_TYPES, type Language, type LocalizedText, type QuestionContent } from './question.types';
import { OPTION_LETTERS } from './question-form';

/** The bank pages' own stylesheet (the layout links it when a page passes extraCss). */
export const BANK_CSS = ['/assets/question.css', '/assets/bank.css'];
export const LEVELS_DESC = [...LEVELS].sort((a, b) => b - a);
export const DIFFICULTIES = [1, 2, 3, 4, 5] as const;

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export const typeLabel = (locale: Locale, type: string) => translate(locale, `bank.type.${type}`);
export const domainLabel = (locale: Locale, domain: string) => translate(locale, `bank.domain.${domain}`);
export const statusLabel = (locale: Locale, status: string) => translate(locale, `bank.status.${status}`);
export const levelLabel = (locale: Locale, level: number | string) => translate(locale, `level.${level}`);

/** <option>s for a select; `anyLabel` adds a leading "any" choice with the empty value. */
export function choices(values: readonly (string | number)[], label: (v: string) => string, selected: string | undefined, anyLabel?: string): Choice[] {
  const out = values.map((v) => ({ value: String(v), label: label(String(v)), selected: String(v) === selected }));
  return anyLabel === undefined ? out : [{ value: '', label: anyLabel, selected: !selected }, ...out];
}

export const typeChoices = (locale: Locale, selected?: string, any?: string) => choices(QUESTION_TYPES, (t) => typeLabel(locale, t), selected, any);
export const domainChoices = (locale: Locale, selected?: string, any?: string) => choices(DOMAINS, (d) => domainLabel(locale, d), selected, any);
export const statusChoices = (locale: Locale, selected?: string, any?: string) => choices(STATUSES, (s) => statusLabel(locale, s), selected, any);
export const levelChoices = (locale: Locale, selected?: string, any?: string) => choices(LEVELS_DESC, (l) => levelLabel(locale, l), selected, any);
export const difficultyChoices = (locale: Locale, selected?: string, any?: string) =>
  choices(DIFFICULTIES, (d) => translate(locale, `bank.difficulty.${d}`), selected, any);

/** Markdown for one short line: the paragraph wrapper is dropped so it sits beside a letter. */
function inlineMarkdown(source: string): string {
  const html = renderMarkdown(source);
  const single = /^<p>([\s\S]*)<\/p>$/.exec(html);
  return single && !single[1]!.includes('<p>') ? single[1]! : html;
}

/** What the question-preview partial takes: {stemHtml, options:[{letter, html, id}], type, lang}. */
export interface PreviewData {
  stemHtml: string;
  options: Array<{ letter: string; html: string; id: string }>;
  type: string;
  lang: Language;
}

export interface PreviewSource {
  type?: unknown;
  stem?: LocalizedText;
  options?: Array<{ id?: string; text?: LocalizedText }> | undefined;
}

export function previewData(source: PreviewSource, lang: Language): PreviewData {
  const type = typeof source.type === 'string' ? source.type : '';
  const stem = source.stem?.[lang];
  const options = type === 'single' || type === 'multiple' ? (source.options ?? []) : [];
  return {
    stemHtml: stem ? renderMarkdown(stem) : '',
    options: options.slice(0, OPTION_LETTERS.length).map((o, i) => {
      const text = o.text?.[lang];
      return { letter: OPTION_LETTERS[i]!, html: text ? inlineMarkdown(text) : '', id: o.id ?? OPTION_LETTERS[i]!.toLowerCase() };
    }),
    type,
    lang,
  };
}

export function previewPair(source: PreviewSource): Record<Language, PreviewData> {
  return { zh: previewData(source, 'zh'), en: previewData(source, 'en') };
}

/** The page language first, the other as fallback; `lang` says which one it is. */
export function inPageLanguage(locale: Locale, text: LocalizedText): { text: string; lang: string; fallback: boolean } {
  const [first, second] = locale === 'en' ? (['en', 'zh'] as const) : (['zh', 'en'] as const);
  const value = text[first] ?? text[second] ?? '';
  const lang = text[first] !== undefined ? first : second;
  return { text: value, lang: lang === 'zh' ? 'zh-CN' : 'en', fallback: text[first] === undefined };
}

export function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface QuestionRow {
  id: string;
  href: string;
  code: string;
  type: string;
  domain: string;
  levels: string;
  levelsTitle: string;
  difficulty: number;
  status: QuestionStatus;
  statusLabel: string;
  stem: { text: string; lang: string; fallback: boolean };
  updated: string;
  updatedIso: string;
}

export function questionRow(locale: Locale, q: QuestionView): QuestionRow {
  const stem = inPageLanguage(locale, q.stem);
  return {
    id: q.id,
    href: `/bank/questions/${q.id}`,
    code: q.code,
    type: typeLabel(locale, q.type),
    domain: domainLabel(locale, q.domain),
    levels: q.levels.join(' · '),
    levelsTitle: q.levels.map((l) => levelLabel(locale, l)).join(', '),
    difficulty: q.difficulty,
    status: q.status,
    statusLabel: statusLabel(locale, q.status),
    stem: { ...stem, text: truncate(stem.text, 110) },
    updated: formatDate(q.updatedAt),
    updatedIso: q.updatedAt,
  };
}

export interface KeyView {
  /** Letters of the correct options (choice types). */
  letters?: string;
  /** True/false answer in both languages. */
  answer?: string;
  accepted?: string[];
  tolerance?: number;
}

export function keyView(content: QuestionContent): KeyView {
  if (content.type === 'single' || content.type === 'multiple') {
    return { letters: (content.options ?? []).map((o, i) => (o.correct ? OPTION_LETTERS[i] : '')).filter(Boolean).join(', ') };
  }
  if (content.type === 'truefalse') return { answer: content.answer ? '对 · True' : '错 · False' };
  return { accepted: content.accepted ?? [], ...(content.tolerance !== undefined ? { tolerance: content.tolerance } : {}) };
}

export function explanationHtml(content: QuestionContent): Record<Language, string> {
  return { zh: content.explanation.zh ? renderMarkdown(content.explanation.zh) : '', en: content.explanation.en ? renderMarkdown(content.explanation.en) : '' };
}

/** ?a=1&b=2 from the given values, blanks left out. */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Everything the question page and the review queue show about one question. */
export function questionDetail(locale: Locale, q: QuestionView) {
  return {
    ...questionRow(locale, q),
    revision: q.revision,
    version: q.version,
    liveVersion: q.liveVersion,
    knowledgePoint: q.knowledgePoint,
    tags: q.tags,
    difficultyLabel: translate(locale, `bank.difficulty.${q.difficulty}`),
    levelsFull: q.levels.map((l) => levelLabel(locale, l)),
    preview: previewPair(q),
    key: keyView(q),
    explanation: explanationHtml(q),
    versionAuthor: q.versionAuthor,
    created: formatDate(q.createdAt),
  };
}

/** An error's message in the page language (bank.error.<code>), or the service's own text. */
export function errorMessage(locale: Locale, error: { code: string; message: string }): string {
  const key = `bank.error.${error.code}`;
  const translated = translate(locale, key);
  return translated === key ? error.message : translated;
}
