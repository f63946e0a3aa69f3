// `npm run verify-cert -- <file.pdf> [--key <jwk file | JWK Set file | keys URL>]`: checks a certificate PDF
// offline. Without --key it reads this installation's public keys (CERT_KEYS_DIR) and never creates one;
// with --key, a JWK, a JWK Set ({"keys": [...]}, e.g. saved from /.well-known/jwks.json) or that URL.
// Prints every signed field. Exit codes: 0 signature valid, 1 invalid (altered, forged, or signed outside
// the key's window or after it was compromised), 2 usage or unreadable input, 3 no key with the record's id.
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkEmbedded } from '../components/certificates/certificate-verify-pdf';
import type { CertificateRecord } from '../components/certificates/certificate.types';
import { loadConfig } from '../config';

interface Jwk {
  kid?: string;
  kty?: string;
  crv?: string;
  x?: string;
  validFrom?: string;
  validUntil?: string | null;
  compromisedFrom?: string;
  /** Key files of this installation keep the JWK under publicJwk; the pre-JWK-Set API wrapped it in jwk. */
  jwk?: Jwk;
  publicJwk?: Jwk;
}

class UsageError extends Error {}

/** Keys as a list of JWKs with their validity, from --key or the local keys folder (read only). */
async function loadKeys(source: string | undefined): Promise<Jwk[]> {
  if (!source) {
    const dir = loadConfig().certificates.keysDir;
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    if (files.length === 0) throw new UsageError(`No keys in ${dir}. Pass the issuer's keys: --key https://<issuer>/.well-known/jwks.json`);
    return files.map((f) => {
      const stored = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Jwk & { kid: string };
      return { ...stored.publicJwk, kid: stored.kid, validFrom: stored.validFrom, validUntil: stored.validUntil, ...(stored.compromisedFrom ? { compromisedFrom: stored.compromisedFrom } : {}) };
    });
  }
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : fs.readFileSync(source, 'utf8');
  const parsed = JSON.parse(text) as Jwk | { keys: Jwk[] };
  return ('keys' in parsed ? parsed.keys : [parsed]).map((k) => ({ ...k, ...(k.jwk ?? {}) }));
}

/** JWK Sets name keys by a DID URL ending in "#<kid>"; key files and older sets by the bare kid. */
const named = (jwk: Jwk, kid: string) => jwk.kid === kid || jwk.kid?.endsWith(`#${kid}`);

/** Whether a certificate issued on `issuedOn` (a date) falls inside the key's window and before any compromise. */
function keyTrustedOn(jwk: Jwk, issuedOn: string): boolean {
  const dayStart = Date.parse(`${issuedOn}T00:00:00Z`);
  const dayEnd = dayStart + 86_400_000;
  if (jwk.validFrom && Date.parse(jwk.validFrom) >= dayEnd) return false;
  if (jwk.validUntil && Date.parse(jwk.validUntil) <= dayStart) return false;
  // The record says the day, not the hour: a key compromised that day or earlier fails the certificate.
  if (jwk.compromisedFrom && Date.parse(jwk.compromisedFrom) < dayEnd) return false;
  return true;
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--key');
  const keyIndex = argv.indexOf('--key');
  const keySource = keyIndex >= 0 ? argv[keyIndex + 1] : undefined;
  if (!file || (keyIndex >= 0 && !keySource)) throw new UsageError('usage: npm run verify-cert -- <certificate.pdf> [--key <jwk file | JWK Set file | keys URL>]');
  const keys = await loadKeys(keySource);
  const pdf = fs.readFileSync(file);
  let found: Jwk | undefined;
  const result = checkEmbedded(pdf, (kid): KeyObject | undefined => {
    found = keys.find((k) => named(k, kid));
    return found ? createPublicKey({ key: { kty: found.kty ?? 'OKP', crv: found.crv ?? 'Ed25519', x: found.x }, format: 'jwk' }) : undefined;
  });
  let record: Partial<CertificateRecord> = {};
  try {
    record = JSON.parse(result.canonical ?? '{}') as CertificateRecord;
  } catch {
    // reported below as an invalid signature
  }
  const inWindow = !!found && !!record.issuedOn && keyTrustedOn(found, record.issuedOn);
  const valid = result.signatureValid && inWindow;
  const h = record.holder;
  // Unknown key only when the record is readable and names a key the given set lacks; a damaged record is invalid.
  const unknownKey = !!record.keyId && !found;
  const verdict = unknownKey
    ? `UNKNOWN KEY (no key ${result.keyId ?? '?'} in the keys given)`
    : !found || !result.signatureValid
      ? 'INVALID (the record was altered, or it was not signed by this key)'
      : !inWindow
        ? 'INVALID (signed outside the key\'s validity window, or after the key was compromised)'
        : 'VALID';
  process.stdout.write(
    [
      `certificate: ${result.number ?? '(unreadable)'}`,
      `holder:      ${[h?.nameZh, h?.name].filter(Boolean).join(' · ') || '-'}`,
      `id:          ${[record.idType, record.idNumberMasked].filter(Boolean).join(' ') || '-'}`,
      `occupation:  ${record.occupation ? `${record.occupation.zh} ${record.occupation.en} (${record.occupation.code})` : '-'}`,
      `level:       ${record.levelLabel ? `${record.levelLabel.zh} ${record.levelLabel.en}` : '-'}`,
      `exam:        ${record.exam ? `${record.exam.title.zh} / ${record.exam.title.en} (${record.exam.code})` : '-'}`,
      `score:       ${record.score ?? '-'}%  (pass mark ${record.passPercent ?? '-'}%)`,
      `issued:      ${record.issuedOn ?? '-'}  expires: ${record.expiresOn ?? '-'}`,
      `issuer:      ${record.issuer ? `${record.issuer.name.zh} / ${record.issuer.name.en} (${record.issuer.code})` : '-'}`,
      `key:         ${result.keyId ?? '-'}`,
      `signature:   ${verdict}`,
      'Only the signed record above is checked; trust it, not the printed page. Revocation is not checked',
      'offline: look the certificate up at the issuer\'s /verify page or API for its current status.',
      '',
    ].join('\n'),
  );
  if (unknownKey) return 3;
  return valid ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  },
);
