// Open Badges 3.0 credentials (W3C Verifiable Credentials), secured by the OB 3.0 JWT proof format: a
// JWT with typ "JWT", EdDSA, the credential in the `vc` claim with the registered claims (iss, sub, nbf,
// exp, jti) beside it, and a
// `kid` that is a DID URL of the issuer's did:web document. The same keys are a JWK Set at
// /.well-known/jwks.json (kid = that DID URL), so both DID resolvers and plain JOSE libraries
// (jose's createRemoteJWKSet) find the key themselves. Also the Bitstring Status List revocation flips.
import { gzipSync } from 'node:zlib';
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.model';
import type { KeyStore, PublishedKey } from './signing-keys';

export const STATUS_LIST_ID = 1;
/** The spec's minimum list size (16 KB of bits) gives holders herd privacy. */
export const STATUS_LIST_BITS = 131_072;

const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

function b64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

/** did:web of PUBLIC_URL: host, with a port written %3A, and any path as further colon-separated parts. */
export function issuerDid(publicUrl: string): string {
  const url = new URL(publicUrl);
  const path = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean).map(encodeURIComponent);
  return ['did:web', encodeURIComponent(url.host), ...path].join(':');
}

/** The `kid` of a key in JOSE headers and the JWK Set: a DID URL that the issuer's DID document resolves. */
export function keyUri(publicUrl: string, kid: string): string {
  return `${issuerDid(publicUrl)}#${kid}`;
}

/** A standard JWK Set; validity windows are extra members, as RFC 7517 allows. */
export function jwkSet(keys: PublishedKey[], publicUrl: string) {
  return { keys: keys.map((k) => ({ ...k.jwk, kid: keyUri(publicUrl, k.kid), validFrom: k.validFrom, validUntil: k.validUntil, ...(k.compromisedFrom ? { compromisedFrom: k.compromisedFrom } : {}) })) };
}

/** did:web document (served at /.well-known/did.json) listing every published key as a JsonWebKey verification method. */
export function didDocument(keys: PublishedKey[], publicUrl: string) {
  const did = issuerDid(publicUrl);
  const methods = keys.map((k) => ({ id: keyUri(publicUrl, k.kid), type: 'JsonWebKey2020', controller: did, publicKeyJwk: { kty: k.jwk.kty, crv: k.jwk.crv, x: k.jwk.x } }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
    authentication: methods.map((m) => m.id),
  };
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function signJwt(payload: object, kid: string, privateKey: KeyObject, typ = 'JWT'): string {
  const header = { alg: 'EdDSA', kid, typ };
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

export function statusListUrl(publicUrl: string): string {
  return `${publicUrl}/api/certificates/status/${STATUS_LIST_ID}`;
}

export function achievementUrl(publicUrl: string, examCode: string): string {
  return `${publicUrl}/achievements/${encodeURIComponent(examCode)}`;
}

/**
 * The subject's id, binding the credential to its holder: the same for every certificate of one holder,
 * derived from the account, revealing nothing about it.
 */
export function holderSubjectId(userId: string): string {
  const h = createHash('sha256').update(`ai-trainer-exam holder ${userId}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function issuerProfile(publicUrl: string, name: { zh: string; en: string }) {
  return {
    '@context': CONTEXTS,
    id: issuerDid(publicUrl),
    type: ['Profile'],
    name: `${name.zh} · ${name.en}`,
    url: publicUrl,
    // Where verifiers find the keys without a DID resolver (OpenID's name for the member).
    jwks_uri: `${publicUrl}/.well-known/jwks.json`,
    otherIdentifier: [{ type: ['IdentifierEntry'], identifier: `${publicUrl}/issuer`, identifierType: 'url' }],
  };
}

/** The achievement an exam's certificate stands for: what /achievements/<code> serves and credentials embed. */
export function achievementOf(r: Pick<Certificate['record'], 'exam' | 'occupation' | 'levelLabel' | 'passPercent'>, publicUrl: string) {
  const id = achievementUrl(publicUrl, r.exam.code);
  return {
    id,
    type: ['Achievement'],
    achievementType: 'Certification',
    name: `${r.exam.title.zh} · ${r.exam.title.en}`,
    description: `${r.occupation.zh}（${r.occupation.code}）${r.levelLabel.zh} / ${r.occupation.en} (${r.occupation.code}), ${r.levelLabel.en}`,
    criteria: { narrative: `Pass the ${r.exam.title.en} with at least ${r.passPercent}%.` },
    image: { id: `${id}/badge.svg`, type: 'Image', caption: `${r.occupation.en} ${r.levelLabel.en}` },
    resultDescriptions: [{ id: `${id}#score`, type: ['ResultDescription'], name: 'Score', resultType: 'Percent', requiredValue: String(r.passPercent) }],
  };
}

export function buildCredential(cert: Certificate, publicUrl: string, issuerName: { zh: string; en: string }): Record<string, unknown> {
  const r = cert.record;
  const achievementId = achievementUrl(publicUrl, r.exam.code);
  const resultDescriptionId = `${achievementId}#score`;
  return {
    '@context': CONTEXTS,
    id: `${publicUrl}/api/certificates/${cert.number}/credential`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${r.occupation.zh} ${r.levelLabel.zh} · ${r.occupation.en} ${r.levelLabel.en}`,
    issuer: { id: issuerDid(publicUrl), type: ['Profile'], name: `${issuerName.zh} · ${issuerName.en}`, url: publicUrl },
    validFrom: cert.issuedAt.toISOString(),
    validUntil: cert.expiresAt.toISOString(),
    credentialSubject: {
      id: holderSubjectId(cert.userId.toHexString()),
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: r.holder.nameZh ?? r.holder.name }],
      achievement: achievementOf(r, publicUrl),
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

/** OB 3.0 JWT proof: the credential in the `vc` claim, and the registered claims that mirror it. */
export function credentialClaims(credential: Record<string, unknown>, validFrom: Date, validUntil?: Date, signedAt = new Date()): Record<string, unknown> {
  const issuer = credential.issuer as string | { id: string };
  const subject = credential.credentialSubject as { id?: string };
  return {
    vc: credential,
    iss: typeof issuer === 'string' ? issuer : issuer.id,
    ...(subject.id ? { sub: subject.id } : {}),
    jti: credential.id,
    nbf: seconds(validFrom),
    iat: seconds(signedAt),
    ...(validUntil ? { exp: seconds(validUntil) } : {}),
  };
}

export function issueCredentialJwt(cert: Certificate, keys: KeyStore, publicUrl: string, issuerName: { zh: string; en: string }): { credential: Record<string, unknown>; jwt: string } {
  const credential = buildCredential(cert, publicUrl, issuerName);
  const { kid, privateKey } = keys.current();
  return { credential, jwt: signJwt(credentialClaims(credential, cert.issuedAt, cert.expiresAt), keyUri(publicUrl, kid), privateKey) };
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
    issuer: issuerDid(publicUrl),
    validFrom: now.toISOString(),
    credentialSubject: { id: `${statusListUrl(publicUrl)}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeStatusList(revokedIndexes) },
  };
}
