// Stems, options and explanations as candidates see them: the safe Markdown subset rendered to HTML.
import { renderMarkdown } from '../../lib/markdown';
import type { Language, LocalizedText } from './question.types';

/** The text in `language`, or the other language when a draft lacks it. */
export function pickLanguage(text: LocalizedText | undefined, language: Language): string {
  return text?.[language] ?? text?.[language === 'zh' ? 'en' : 'zh'] ?? '';
}

export function renderQuestionText(text: LocalizedText | undefined, language: Language): string {
  return renderMarkdown(pickLanguage(text, language));
}
