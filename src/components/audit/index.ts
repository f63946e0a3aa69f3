// What other components may use from the audit log. It depends on no other business component:
// accounts, exams, questions and certificates import it, never the other way round.
export { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from './audit.actions';
export type { AuditActor, AuditTarget } from './audit.model';
export {
  auditedTargetIds,
  existingAuditIds,
  listAudit,
  recordAudit,
  recordAuditOnce,
  type AuditEntryView,
  type AuditFilter,
  type AuditInput,
  type Paging,
} from './audit.service';
export { exportAuditCsv, AUDIT_CSV_COLUMNS } from './audit-csv';
export { auditRequestContext } from './audit.context';
export { auditPagesRouter, AUDIT_PAGE_SIZE } from './audit.pages';
