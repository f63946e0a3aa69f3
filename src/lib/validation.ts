import { z } from 'zod';
import { ValidationError, type ErrorDetail } from './errors';

/** `items[2].text.en` style path, as clients and tests expect it. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function issuesToDetails(issues: ReadonlyArray<z.core.$ZodIssue>, prefix?: string): ErrorDetail[] {
  const details = issues.flatMap((issue): ErrorDetail[] => {
    // Unknown keys are reported one detail per key so each path is exact.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: joinPath(prefix, formatPath([...issue.path, key])),
        message: 'Unknown field.',
        code: 'unknown_field',
      }));
    }
    // Our own refinements name their rule (params.code) so clients and translations can rely on it.
    if (issue.code === 'custom' && typeof issue.params?.code === 'string') {
      const { code, ...params } = issue.params as Record<string, unknown> & { code: string };
      return [{ path: joinPath(prefix, formatPath(issue.path)), message: issue.message, code, params }];
    }
    return [{ path: joinPath(prefix, formatPath(issue.path)), message: issue.message, code: issue.code }];
  });
  // zod may report a wrong type and a failed length check for one field: the first says it all.
  const seen = new Set<string | undefined>();
  return details.filter((detail) => !seen.has(detail.path) && seen.add(detail.path));
}

function joinPath(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Parses untrusted input with one schema; throws a 400 validation_failed with field paths. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(issuesToDetails(result.error.issues, prefix));
  return result.data;
}

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address.' }));
