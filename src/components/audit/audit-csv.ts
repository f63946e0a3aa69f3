// The audit log as CSV for spreadsheets and other tools: one entry per row, written through lib/csv
// (every cell quoted and guarded against formula injection, since reasons and emails come from users).
import { CSV_BOM, csvRow } from '../../lib/csv';
import { formatChinaTime } from '../../lib/china-time';
import { streamAudit, type AuditEntryView, type AuditFilter } from './audit.service';

/** Stable, language-neutral column names: scripts read these files too. */
export const AUDIT_CSV_COLUMNS = [
  'time_utc8',
  'time_iso',
  'action',
  'actor_id',
  'actor_email',
  'target_type',
  'target_id',
  'target_label',
  'before',
  'after',
  'reason',
  'ip',
  'request_id',
] as const;

const json = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

function auditCsvRow(entry: AuditEntryView): string {
  return csvRow([
    formatChinaTime(entry.at),
    entry.at.toISOString(),
    entry.action,
    entry.actor?.id,
    entry.actor?.email,
    entry.target.type,
    entry.target.id,
    entry.target.label,
    json(entry.before),
    json(entry.after),
    entry.reason,
    entry.ip,
    entry.requestId,
  ]);
}

/**
 * The file as a sequence of text chunks (BOM and header first, then one row per entry), newest first.
 * Pulled one row at a time from a database cursor, so a consumer that respects backpressure holds only a
 * batch in memory.
 */
export async function* exportAuditCsv(filter: AuditFilter): AsyncGenerator<string> {
  yield CSV_BOM + csvRow(AUDIT_CSV_COLUMNS);
  for await (const entry of streamAudit(filter)) yield auditCsvRow(entry);
}
