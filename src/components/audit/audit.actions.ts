// The names of what the security audit log records, and of what an entry can be about. Adding an action
// means adding it here and giving it a label in both message files (audit.action.<name>).

export const AUDIT_ACTIONS = [
  'auth.login_failed',
  'auth.lockout',
  'auth.address_locked',
  'auth.password_changed',
  'auth.signed_out_everywhere',
  'user.roles_changed',
  'exam.extension_granted',
  'exam.published',
  'exam.unpublished',
  'exam.exception_granted',
  'question.approved',
  'question.returned',
  'certificate.issued',
  'certificate.revoked',
  'keys.rotated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['user', 'exam', 'question', 'certificate', 'signing_key'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
