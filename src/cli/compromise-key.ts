// `npm run keys:compromise -- <kid> [<from, ISO date-time>]`: marks a signing key compromised from a time
// (default now). Certificates it signed from then on verify as invalid everywhere (server, verify-cert,
// the JWK Set's compromisedFrom member); earlier ones stay valid. Running servers stop signing with it at
// once. Rotate afterwards (npm run keys:rotate) so new certificates can be signed.
import { openKeyStore } from '../components/certificates/signing-keys';
import { loadConfig } from '../config';

function main(argv: string[]): number {
  const [kid, fromText] = argv;
  const from = fromText ? new Date(fromText) : new Date();
  if (!kid || Number.isNaN(from.getTime())) {
    process.stderr.write('usage: npm run keys:compromise -- <kid> [<from, e.g. 2026-12-01T08:00:00+08:00>]\n');
    return 2;
  }
  const store = openKeyStore(loadConfig().certificates.keysDir);
  if (!store.publicKey(kid)) {
    process.stderr.write(`No key ${kid}. Keys: ${store.published().map((k) => k.kid).join(', ')}\n`);
    return 2;
  }
  const key = store.markCompromised(kid, from);
  process.stdout.write(`Key ${key.kid} marked compromised from ${key.compromisedFrom}. Run npm run keys:rotate if no other key is valid now.\n`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
