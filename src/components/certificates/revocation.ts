// Why a certificate was revoked, as the public sees it: a short code from a fixed list, in both
// languages. The examiner's own words (which may name misconduct or a person) stay an internal note,
// shown to administrators and in the audit log only.

export const REVOCATION_CODES = ['revoked_by_issuer', 'superseded', 'regraded', 'issued_in_error'] as const;
export type RevocationCode = (typeof REVOCATION_CODES)[number];

export const REVOCATION_LABELS: Record<RevocationCode, { zh: string; en: string }> = {
  revoked_by_issuer: { zh: '发证机构撤销', en: 'Revoked by the issuer' },
  superseded: { zh: '已由新证书取代', en: 'Superseded by a newer certificate' },
  regraded: { zh: '成绩复核后撤销', en: 'Withdrawn after regrading' },
  issued_in_error: { zh: '误发', en: 'Issued in error' },
};

export function isRevocationCode(value: unknown): value is RevocationCode {
  return typeof value === 'string' && (REVOCATION_CODES as readonly string[]).includes(value);
}

/** What verifiers see: the code and its labels; certificates revoked before codes existed read as "by the issuer". */
export function publicRevocation(code: string | null | undefined): { code: RevocationCode; label: { zh: string; en: string } } {
  const known = isRevocationCode(code) ? code : 'revoked_by_issuer';
  return { code: known, label: REVOCATION_LABELS[known] };
}
