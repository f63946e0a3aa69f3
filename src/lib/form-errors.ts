// Service validation details (paths like options[2].text.en) placed on an HTML form: beside the
// field they belong to, or in a general list when the form has no such field.
import type { ErrorDetail } from './errors';

export interface FormErrors {
  /** Form field -> message(s), shown next to the field. */
  fields: Record<string, string>;
  /** Problems with no field on the form. */
  general: string[];
}

export function groupFormErrors(
  details: readonly ErrorDetail[],
  fieldFor: (path: string) => string | undefined,
  messageFor: (detail: ErrorDetail, field: string | undefined) => string,
): FormErrors {
  const out: FormErrors = { fields: {}, general: [] };
  for (const detail of details) {
    const field = fieldFor(detail.path ?? '');
    const message = messageFor(detail, field);
    if (!field) out.general.push(detail.path ? `${detail.path}: ${message}` : message);
    else if (!out.fields[field]?.includes(message)) out.fields[field] = out.fields[field] ? `${out.fields[field]} ${message}` : message;
  }
  return out;
}
