// Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0), secured as VC-JWT with EdDSA
// (VC-JOSE-COSE: the JWT payload is the credential itself), and the Bitstring Status List that
// revocation flips. Any JOSE library verifies them with the keys at /api/certificates/keys.
import { gzipSync } from 'node:zlib';
import { sign, type KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.model';
import type { KeyStore } from './signing-keys';

export const STATUS_LIST_ID = 1;
/** The spec's minimum list size (16 KB of bits) gives holders herd privacy. */
export const STATUS_LIST_BITS = 131_072;

const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

function b64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

export function signJwt(payload: object, kid: string, privateKey: KeyObject, typ: string): string {
  const header = { alg: 'EdDSA', kid, typ };
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

export function statusListUrl(publicUrl: string): string {
  return `${publicUrl}/api/certificates/status/${STATUS_LIST_ID}`;
}

export function buildCredential(cert: Certificate, publicUrl: string): Record<string, unknown> {
  const r = cert.record;
  const achievementId = `${publicUrl}/achievements/${encodeURIComponent(r.exam.code)}`;
  const resultDescriptionId = `${achievementId}#score`;
  return {
    '@context': CONTEXTS,
    id: `${publicUrl}/api/certificates/${cert.number}/credential`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${r.occupation.zh} ${r.levelLabel.zh} · ${r.occupation.en} ${r.levelLabel.en}`,
    issuer: {
      id: `${publicUrl}/issuer`,
      type: ['Profile'],
      name: `${r.issuer.name.zh} · ${r.issuer.name.en}`,
      url: publicUrl,
    },
    validFrom: cert.issuedAt.toISOString(),
    validUntil: cert.expiresAt.toISOString(),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: r.holder.nameZh ?? r.holder.name }],
      achievement: {
        id: achievementId,
        type: ['Achievement'],
        achievementType: 'Certification',
        name: `${r.exam.title.zh} · ${r.exam.title.en}`,
        description: `${r.occupation.zh}（${r.occupation.code}）${r.levelLabel.zh} / ${r.occupation.en} (${r.occupation.code}), ${r.levelLabel.en}`,
        criteria: { narrative: `Pass the ${r.exam.title.en} with at least ${r.passPercent}%.` },
        resultDescriptions: [
          { id: resultDescriptionId, type: ['ResultDescription'], name: 'Score', resultType: 'Percent', requiredValue: String(r.passPercent) },
        ],
      },
      result: [{ type: ['Result'], resultDescription: resultDescriptionId, value: String(r.score) }],
    },
    evidence: [{ id: `${publicUrl}/verify/${cert.number}`, type: ['Evidence'], name: `Certificate ${cert.number}` }],
    credentialStatus: {
      id: `${statusListUrl(publicUrl)}#${cert.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(cert.statusIndex),
      statusListCredential: statusListUrl(publicUrl),
    },
  };
}

export function issueCredentialJwt(cert: Certificate, keys: KeyStore, publicUrl: string): { credential: Record<string, unknown>; jwt: string } {
  const credential = buildCredential(cert, publicUrl);
  const { kid, privateKey } = keys.current();
  return { credential, jwt: signJwt(credential, kid, privateKey, 'vc+jwt') };
}

/** Bit i (most significant bit first, as the spec orders them) is set when status index i is revoked. */
export function encodeStatusList(revokedIndexes: number[]): string {
  const bytes = Buffer.alloc(STATUS_LIST_BITS / 8);
  for (const i of revokedIndexes) {
    if (i >= 0 && i < STATUS_LIST_BITS) bytes[i >> 3]! |= 0x80 >> (i & 7);
  }
  // Multibase: the leading 'u' says base64url, as the spec requires.
  return `u${gzipSync(bytes).toString('base64url')}`;
}

export function buildStatusListCredential(revokedIndexes: number[], publicUrl: string, now: Date): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: statusListUrl(publicUrl),
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: `${publicUrl}/issuer`,
    validFrom: now.toISOString(),
    credentialSubject: { id: `${statusListUrl(publicUrl)}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeStatusList(revokedIndexes) },
  };
}
