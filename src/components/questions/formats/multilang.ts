// Bilingual text inside single-language formats (GIFT, Aiken, Moodle XML), the way Moodle sites hold it:
// the multilang filter's <span lang="xx" class="multilang">…</span> (and multilang2's {mlang xx}…{mlang}).
import type { Language, LocalizedText } from '../question.types';

const SPAN = /<span\s+(?:lang="([\w-]+)"\s+class="multilang"|class="multilang"\s+lang="([\w-]+)")\s*>([\s\S]*?)<\/span>/gi;
const MLANG = /\{mlang\s+([\w-]+)\}([\s\S]*?)\{mlang\}/gi;

/** Maps Moodle language codes (zh_cn, zh-CN, zh, en, en_us…) onto ours. */
export function languageFromCode(code: string): Language | undefined {
  const lower = code.toLowerCase();
  if (lower.startsWith('zh')) return 'zh';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

/**
 * Splits multilang markup into {zh, en}. Text with no multilang markup belongs to `fallback`.
 * Blocks in other languages are dropped (reported through `onDropped`).
 */
export function splitMultilang(text: string, fallback: Language, onDropped?: (code: string) => void): LocalizedText {
  const out: LocalizedText = {};
  let found = false;
  const take = (code: string, body: string) => {
    found = true;
    const language = languageFromCode(code);
    if (!language) return onDropped?.(code);
    const value = body.trim();
    if (value) out[language] = out[language] ? `${out[language]} ${value}` : value;
  };
  for (const match of text.matchAll(SPAN)) take(match[1] ?? match[2] ?? '', match[3] ?? '');
  for (const match of text.matchAll(MLANG)) take(match[1] ?? '', match[2] ?? '');
  if (!found) {
    const value = text.trim();
    return value ? { [fallback]: value } : {};
  }
  return out;
}

/**
 * The inverse: multilang spans, zh first (as Moodle's zh_cn). A single language is wrapped too, so a
 * re-import knows which language it was whatever the import's default language.
 */
export function joinMultilang(text: LocalizedText): string {
  const parts: string[] = [];
  const zh = text.zh?.trim();
  const en = text.en?.trim();
  if (zh) parts.push(`<span lang="zh_cn" class="multilang">${zh}</span>`);
  if (en) parts.push(`<span lang="en" class="multilang">${en}</span>`);
  return parts.join('');
}
