// UI strings in zh-CN and en, one pair of message files per area (core, bank, exam…).
// Both languages share one key set (a unit test holds them to it).
import auditEn from './messages/audit.en.json';
import auditZh from './messages/audit.zh-CN.json';
import bankEn from './messages/bank.en.json';
import bankZh from './messages/bank.zh-CN.json';
import certEn from './messages/cert.en.json';
import certZh from './messages/cert.zh-CN.json';
import coreEn from './messages/core.en.json';
import coreZh from './messages/core.zh-CN.json';
import examEn from './messages/exam.en.json';
import examZh from './messages/exam.zh-CN.json';
import errorsEn from './messages/errors.en.json';
import errorsZh from './messages/errors.zh-CN.json';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_COOKIE = 'lang';

const MESSAGES: Record<Locale, Record<string, string>> = {
  en: { ...coreEn, ...bankEn, ...examEn, ...certEn, ...errorsEn, ...auditEn },
  'zh-CN': { ...coreZh, ...bankZh, ...examZh, ...certZh, ...errorsZh, ...auditZh },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Maps "zh", "zh-cn", "zh-Hans-CN", "en-GB"… onto a supported locale. */
export function matchLocale(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

/** Precedence: explicit ?lang=, then the language cookie, then Accept-Language, then the default. */
export function negotiateLocale(input: { query?: unknown; cookie?: unknown; acceptLanguage?: string }): Locale {
  for (const explicit of [input.query, input.cookie]) {
    if (typeof explicit === 'string') {
      const match = matchLocale(explicit);
      if (match) return match;
    }
  }
  const ranked = (input.acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const entry of ranked) {
    const match = matchLocale(entry.tag);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

export function translate(locale: Locale, key: string, vars: Record<string, unknown> = {}): string {
  const template = MESSAGES[locale][key] ?? MESSAGES.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

export function messageKeys(locale: Locale): string[] {
  return Object.keys(MESSAGES[locale]);
}
