// Text normalisation shared by fill grading, duplicate detection and search.

/** Full-width -> half-width (NFKC), lower case, trimmed, inner whitespace collapsed. */
export function normalizeAnswer(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** For duplicate detection: like normalizeAnswer, and punctuation and whitespace ignored altogether. */
export function stemKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** A number written the way candidates write one (after NFKC: "1,000" and "３．１４" too), or undefined. */
export function parseNumber(text: string): number | undefined {
  const cleaned = normalizeAnswer(text).replace(/(?<=\d),(?=\d{3}\b)/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(cleaned)) return undefined;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : undefined;
}
