// Ed25519 signing keys, kept under CERT_KEYS_DIR (default DATA_DIR/keys), one JSON file per key.
// Rotation adds a key and closes the old one's validity; old public keys stay published, so every
// certificate signed before a rotation still verifies.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PublishedKey {
  kid: string;
  /** Public key as a JWK (kty OKP, crv Ed25519, x) with kid, alg and use. */
  jwk: JsonWebKey & { kid: string; alg: 'EdDSA'; use: 'sig' };
  validFrom: string;
  validUntil: string | null;
}

interface StoredKey {
  kid: string;
  validFrom: string;
  validUntil: string | null;
  publicJwk: JsonWebKey;
  privatePem: string;
}

export interface KeyStore {
  /** The key new certificates are signed with. */
  current(): { kid: string; privateKey: KeyObject };
  publicKey(kid: string): KeyObject | undefined;
  published(): PublishedKey[];
  /** Starts a new key now; the previous one stays published with validUntil = now. */
  rotate(now?: Date): PublishedKey;
}

function kidFor(publicJwk: JsonWebKey, at: Date): string {
  const digest = createHash('sha256').update(String(publicJwk.x)).digest('hex').slice(0, 8);
  return `ate-${at.toISOString().slice(0, 10).replace(/-/g, '')}-${digest}`;
}

function newKey(at: Date): StoredKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' });
  return {
    kid: kidFor(publicJwk, at),
    validFrom: at.toISOString(),
    validUntil: null,
    publicJwk,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Loads the keys in `dir`, creating the first one (file mode 0600) when there is none. */
export function openKeyStore(dir: string, now = new Date()): KeyStore {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const read = (): StoredKey[] =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as StoredKey)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const write = (key: StoredKey, flag: 'wx' | 'w') => fs.writeFileSync(path.join(dir, `${key.kid}.json`), JSON.stringify(key, null, 2), { mode: 0o600, flag });

  let keys = read();
  if (keys.length === 0) {
    try {
      write(newKey(now), 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    keys = read();
  }
  const publicKeys = new Map<string, KeyObject>();
  const publicKeyOf = (key: StoredKey) => {
    let k = publicKeys.get(key.kid);
    if (!k) {
      k = createPublicKey({ key: key.publicJwk, format: 'jwk' });
      publicKeys.set(key.kid, k);
    }
    return k;
  };
  let signing = keys.filter((k) => !k.validUntil).at(-1) ?? keys.at(-1)!;
  let privateKey = createPrivateKey(signing.privatePem);

  return {
    current: () => ({ kid: signing.kid, privateKey }),
    publicKey(kid) {
      const key = keys.find((k) => k.kid === kid);
      return key ? publicKeyOf(key) : undefined;
    },
    published: () =>
      keys.map((k) => ({ kid: k.kid, jwk: { ...k.publicJwk, kid: k.kid, alg: 'EdDSA' as const, use: 'sig' as const }, validFrom: k.validFrom, validUntil: k.validUntil })),
    rotate(at = new Date()) {
      const fresh = newKey(at);
      for (const k of keys.filter((k) => !k.validUntil)) {
        k.validUntil = at.toISOString();
        write(k, 'w');
      }
      write(fresh, 'wx');
      keys = read();
      signing = keys.find((k) => k.kid === fresh.kid)!;
      privateKey = createPrivateKey(signing.privatePem);
      return this.published().find((k) => k.kid === fresh.kid)!;
    },
  };
}

export function signText(text: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url');
}

export function verifyText(text: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** What the PDF footer prints so a person can compare a signature at a glance. */
export function signatureFingerprint(signature: string): string {
  return createHash('sha256').update(signature).digest('hex').slice(0, 16).replace(/(.{4})(?!$)/g, '$1 ');
}
