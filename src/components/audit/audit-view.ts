// How one audit entry reads on the page: UTC+8 time, translated labels, and a compact before → after.
import { formatChinaTime } from '../../lib/china-time';
import { translate, type Locale } from '../../lib/i18n';
import type { AuditEntryView } from './audit.service';

const MAX_CHANGE_LENGTH = 300;

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '–';
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(', ') : '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * "roles: candidate → candidate, examiner" for what changed, "userId: 65f…" for what stayed (context),
 * in the order the fields were recorded. Long values are cut: the CSV export has everything.
 */
export function describeChange(before: unknown, after: unknown): string {
  let text: string;
  if (before === undefined && after === undefined) text = '';
  else if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    text = keys
      .map((key) => {
        const [was, now] = [show(b[key]), show(a[key])];
        return was === now ? `${key}: ${now}` : `${key}: ${was} → ${now}`;
      })
      .join('; ');
  } else text = `${show(before)} → ${show(after)}`;
  return text.length > MAX_CHANGE_LENGTH ? `${text.slice(0, MAX_CHANGE_LENGTH - 1)}…` : text;
}

export function auditRow(locale: Locale, entry: AuditEntryView) {
  return {
    id: entry.id,
    time: formatChinaTime(entry.at),
    timeIso: entry.at.toISOString(),
    actor: entry.actor ? entry.actor.email || entry.actor.id : translate(locale, 'audit.actor.system'),
    actorId: entry.actor?.id,
    system: !entry.actor,
    action: entry.action,
    actionLabel: translate(locale, `audit.action.${entry.action}`),
    targetType: translate(locale, `audit.target.${entry.target.type}`),
    targetLabel: entry.target.label ?? entry.target.id,
    // The id too when the label is something else, so a row can be narrowed to that target.
    targetId: entry.target.label && entry.target.label !== entry.target.id ? entry.target.id : undefined,
    change: describeChange(entry.before, entry.after),
    reason: entry.reason ?? '',
    ip: entry.ip ?? '',
  };
}
