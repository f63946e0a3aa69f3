// The paper as one HTML form (the no-JavaScript path). A 190-item paper has more fields than the app's
// url-encoded parser allows (100), so the form is sent as multipart/form-data and read here.
import type { Request } from 'express';
import { readMultipartForm } from '../../lib/upload';
import type { AttemptItemView, AttemptView } from './attempt.service';
import { isAnswered } from './attempt-page.view';

const FORM_LIMIT_BYTES = 512 * 1024;
const MAX_FIELDS = 3000;

export type FormFields = Map<string, string[]>;

/** Every field of a multipart (or url-encoded, already parsed) form, repeated names kept in order. */
export function readPaperForm(req: Request): Promise<FormFields> {
  if (!req.is('multipart/form-data')) {
    const fields: FormFields = new Map();
    for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      fields.set(name, ([] as unknown[]).concat(value).filter((v): v is string => typeof v === 'string'));
    }
    return Promise.resolve(fields);
  }
  return readMultipartForm(req, { limitBytes: FORM_LIMIT_BYTES, limitLabel: '512 KB', maxFields: MAX_FIELDS, allowFile: false }).then((form) => form.fields);
}

/** What the form says for one item, in the API's response shape (null when nothing is chosen). */
export function formResponse(item: AttemptItemView, values: string[]): unknown {
  const ids = new Set(item.options.map((o) => o.id));
  switch (item.type) {
    case 'single':
      return values.find((v) => ids.has(v)) ?? null;
    case 'multiple': {
      // Kept in paper order, so the same choice always looks the same.
      const chosen = new Set(values);
      const picked = item.options.map((o) => o.id).filter((id) => chosen.has(id));
      return picked.length ? picked : null;
    }
    case 'truefalse':
      return values.includes('true') ? true : values.includes('false') ? false : null;
    default: {
      const text = values[0] ?? '';
      return text.trim() === '' ? null : text;
    }
  }
}

function sameResponse(a: unknown, b: unknown): boolean {
  if (!isAnswered(a) || !isAnswered(b)) return isAnswered(a) === isAnswered(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return a === b;
}

export interface FormChange {
  itemId: string;
  response: unknown;
  flagged: boolean;
}

/** The items whose answer or flag on the form differs from what is saved. */
export function changedAnswers(attempt: AttemptView, fields: FormFields): FormChange[] {
  const changes: FormChange[] = [];
  for (const item of attempt.items) {
    const saved = attempt.responses[item.itemId];
    const response = formResponse(item, fields.get(item.itemId) ?? []);
    const flagged = (fields.get(`flag-${item.itemId}`) ?? []).length > 0;
    if (!sameResponse(saved?.response ?? null, response) || (saved?.flagged ?? false) !== flagged) {
      changes.push({ itemId: item.itemId, response, flagged });
    }
  }
  return changes;
}
