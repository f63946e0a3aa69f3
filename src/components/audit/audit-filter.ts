// The filters of the audit page, shared by the list and its CSV export so both always show the same rows.
import type { Request } from 'express';
import { z } from 'zod';
import { chinaDayEnd, chinaDayStart } from '../../lib/china-time';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit.actions';
import type { AuditFilter } from './audit.service';

/** A calendar day in UTC+8, as <input type="date"> sends it. */
const day = z
  .string()
  .trim()
  .refine((value) => chinaDayStart(value) !== undefined, 'A date as YYYY-MM-DD (UTC+8).');

export const auditQuerySchema = z
  .strictObject({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().trim().max(200).optional(),
    targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
    targetId: z.string().trim().max(200).optional(),
    from: day.optional(),
    to: day.optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
  })
  // Same-shaped strings compare like the dates they hold.
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The end date is before the start date.' });
export type AuditQueryInput = z.output<typeof auditQuerySchema>;

const KEYS = ['action', 'actor', 'targetType', 'targetId', 'from', 'to', 'page'] as const;

/** Only the filter's own keys (the page also sees ?lang=), blanks dropped: an empty select means "any". */
export function pickAuditQuery(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const value = query[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

export function toAuditFilter(query: AuditQueryInput): AuditFilter {
  return {
    action: query.action,
    actorEmail: query.actor,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from ? chinaDayStart(query.from) : undefined,
    until: query.to ? chinaDayEnd(query.to) : undefined,
  };
}

/** `?action=…&from=…` for links; defaults left out so URLs stay short. The CSV link drops the page. */
export function auditQueryString(query: Partial<AuditQueryInput>, { page = true } = {}): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    if (key === 'page') continue;
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (page && query.page && query.page > 1) params.set('page', String(query.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
