// `npm run verify-cert -- <file.pdf> [--key <jwk file | keys URL>]`: checks a certificate PDF offline.
// Without --key it uses this installation's keys (CERT_KEYS_DIR); with --key, a JWK file, a
// {"keys": [...]} file, or the issuer's /api/certificates/keys URL.
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { checkEmbedded } from '../components/certificates/certificate-verify-pdf';
import { openKeyStore } from '../components/certificates/signing-keys';
import { loadConfig } from '../config';

type Jwk = { kid?: string; kty?: string; crv?: string; x?: string; jwk?: Jwk };

async function keyResolver(source: string | undefined): Promise<(kid: string) => KeyObject | undefined> {
  if (!source) {
    const store = openKeyStore(loadConfig().certificates.keysDir);
    return (kid) => store.publicKey(kid);
  }
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : fs.readFileSync(source, 'utf8');
  const parsed = JSON.parse(text) as Jwk | { keys: Jwk[] };
  const list = ('keys' in parsed ? parsed.keys : [parsed]).map((k) => k.jwk ?? k);
  return (kid) => {
    const jwk = list.find((k) => k.kid === kid) ?? (list.length === 1 && !list[0]!.kid ? list[0] : undefined);
    return jwk ? createPublicKey({ key: { kty: jwk.kty ?? 'OKP', crv: jwk.crv ?? 'Ed25519', x: jwk.x }, format: 'jwk' }) : undefined;
  };
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  const keyIndex = argv.indexOf('--key');
  const keySource = keyIndex >= 0 ? argv[keyIndex + 1] : undefined;
  if (!file || (keyIndex >= 0 && !keySource)) {
    process.stderr.write('usage: npm run verify-cert -- <certificate.pdf> [--key <jwk file | keys URL>]\n');
    return 2;
  }
  const result = checkEmbedded(fs.readFileSync(file), await keyResolver(keySource));
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(result.canonical ?? '{}') as Record<string, unknown>;
  } catch {
    // reported below as an invalid signature
  }
  const holder = record.holder as { name?: string; nameZh?: string } | undefined;
  const level = record.levelLabel as { zh?: string; en?: string } | undefined;
  process.stdout.write(
    [
      `certificate: ${result.number ?? '(unreadable)'}`,
      `holder:      ${[holder?.nameZh, holder?.name].filter(Boolean).join(' · ') || '-'}`,
      `level:       ${level ? `${level.zh} ${level.en}` : '-'}`,
      `issued:      ${String(record.issuedOn ?? '-')}  expires: ${String(record.expiresOn ?? '-')}`,
      `key:         ${result.keyId ?? '-'}`,
      `signature:   ${result.signatureValid ? 'VALID' : 'INVALID (the record was altered, or the key does not match)'}`,
      'Revocation is not checked offline: verify at the issuer\'s /verify page or API for the current status.',
      '',
    ].join('\n'),
  );
  return result.signatureValid ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  },
);
