// What an error says to a person, in their language: the message files know each stable code (err.<code>)
// and each field-level rule (detail.<code>); where they do not, the English text thrown stays.
import type { AppError, ErrorDetail } from './errors';
import { translate, type Locale } from './i18n';

function objectDetails(error: AppError): Record<string, unknown> {
  return typeof error.details === 'object' && error.details !== null && !Array.isArray(error.details) ? (error.details as Record<string, unknown>) : {};
}

/** The error's message in `locale`, filled from its details (limit, retryAfterSeconds…). */
export function errorMessage(locale: Locale, error: AppError): string {
  const key = `err.${error.code}`;
  const text = translate(locale, key, objectDetails(error));
  return text === key ? error.message : text;
}

/** One field-level problem in `locale`. */
export function detailMessage(locale: Locale, detail: ErrorDetail): string {
  if (typeof detail.code !== 'string') return detail.message;
  const key = `detail.${detail.code}`;
  const params: Record<string, unknown> = { ...(detail.params ?? {}) };
  if (typeof params.kind === 'string') params.kindLabel = translate(locale, `detail.charKind.${params.kind}`);
  const text = translate(locale, key, params);
  return text === key ? detail.message : text;
}

/** A validation error's details with their messages in `locale`; other details as they are. */
export function errorDetails(locale: Locale, error: AppError): unknown {
  if (!Array.isArray(error.details)) return error.details ?? null;
  return (error.details as ErrorDetail[]).map((d) => (typeof d === 'object' && d !== null ? { ...d, message: detailMessage(locale, d) } : d));
}
