// Ed25519 signing keys, kept under CERT_KEYS_DIR (default DATA_DIR/keys), one JSON file per key, each
// with a validity window. Rotation adds a key and closes the old one's window; old public keys stay
// published, so every certificate signed inside a key's window still verifies. A key can be marked
// compromised from a date: what it signed from then on no longer verifies.
//
// Running servers see a rotation or a compromise without a restart: every file is written beside the
// others and renamed into place, which changes the folder's modification time, and the store reads the
// folder again when that time moves (one stat per use, no watcher to leak).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceUnavailableError } from '../../lib/errors';

export interface PublishedKey {
  kid: string;
  /** Public key as a JWK (kty OKP, crv Ed25519, x) with kid, alg and use. */
  jwk: JsonWebKey & { kid: string; alg: 'EdDSA'; use: 'sig' };
  validFrom: string;
  validUntil: string | null;
  /** Signatures made with this key at or after this time are not trusted. */
  compromisedFrom?: string;
}

interface StoredKey {
  kid: string;
  validFrom: string;
  validUntil: string | null;
  compromisedFrom?: string | null;
  publicJwk: JsonWebKey;
  privatePem: string;
}

/** 503 to a client (nothing was signed); the operator's fix is in the message and the log. */
export class NoSigningKeyError extends ServiceUnavailableError {
  constructor(at: Date) {
    super(`No certificate signing key is valid at ${at.toISOString()} (all are retired or compromised): run npm run keys:rotate.`);
  }
}

export interface KeyStore {
  /** The key new certificates are signed with now: inside its window, not compromised. Throws NoSigningKeyError otherwise. */
  current(now?: Date): { kid: string; privateKey: KeyObject };
  publicKey(kid: string): KeyObject | undefined;
  /** Whether `kid` was a trustworthy signing key at `at`: inside its window and before any compromise. */
  trustedAt(kid: string, at: Date): boolean;
  published(): PublishedKey[];
  /** Starts a new key now; the previous one stays published with validUntil = now. */
  rotate(now?: Date): PublishedKey;
  /** Marks `kid` compromised from `from`; returns the key as now published. */
  markCompromised(kid: string, from: Date): PublishedKey;
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

const inWindow = (key: StoredKey, at: Date) =>
  Date.parse(key.validFrom) <= at.getTime() && (!key.validUntil || at.getTime() < Date.parse(key.validUntil)) && !(key.compromisedFrom && Date.parse(key.compromisedFrom) <= at.getTime());

/** Loads the keys in `dir`, creating the first one (file mode 0600) when there is none. */
export function openKeyStore(dir: string, now = new Date()): KeyStore {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const read = (): StoredKey[] =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as StoredKey)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  /** Written beside and renamed into place: readers never see half a key, and the folder's mtime moves. */
  const write = (key: StoredKey, create: boolean) => {
    const file = path.join(dir, `${key.kid}.json`);
    if (create && fs.existsSync(file)) throw Object.assign(new Error(`${file} exists`), { code: 'EEXIST' });
    const temp = path.join(dir, `.${key.kid}.${process.pid}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(key, null, 2), { mode: 0o600 });
    fs.renameSync(temp, file);
  };

  if (read().length === 0) {
    try {
      write(newKey(now), true);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  let keys: StoredKey[] = [];
  let seen = '';
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, KeyObject>();
  /** Reads the folder again if anything was renamed into it since the last look. */
  const fresh = (): StoredKey[] => {
    const stat = fs.statSync(dir);
    const stamp = `${stat.mtimeMs}:${stat.ino}`;
    if (stamp !== seen) {
      keys = read();
      seen = stamp;
    }
    return keys;
  };
  fresh();
  const publicKeyOf = (key: StoredKey) => {
    let k = publicKeys.get(key.kid);
    if (!k) publicKeys.set(key.kid, (k = createPublicKey({ key: key.publicJwk, format: 'jwk' })));
    return k;
  };
  const publish = (k: StoredKey): PublishedKey => ({
    kid: k.kid,
    jwk: { ...k.publicJwk, kid: k.kid, alg: 'EdDSA' as const, use: 'sig' as const },
    validFrom: k.validFrom,
    validUntil: k.validUntil,
    ...(k.compromisedFrom ? { compromisedFrom: k.compromisedFrom } : {}),
  });

  return {
    current(at = new Date()) {
      const signing = fresh().filter((k) => inWindow(k, at)).at(-1);
      if (!signing) throw new NoSigningKeyError(at);
      let privateKey = privateKeys.get(signing.kid);
      if (!privateKey) privateKeys.set(signing.kid, (privateKey = createPrivateKey(signing.privatePem)));
      return { kid: signing.kid, privateKey };
    },
    publicKey(kid) {
      const key = fresh().find((k) => k.kid === kid);
      return key ? publicKeyOf(key) : undefined;
    },
    trustedAt(kid, at) {
      const key = fresh().find((k) => k.kid === kid);
      return !!key && inWindow(key, at);
    },
    published: () => fresh().map(publish),
    rotate(at = new Date()) {
      const next = newKey(at);
      for (const k of fresh().filter((k) => !k.validUntil)) write({ ...k, validUntil: at.toISOString() }, false);
      write(next, true);
      return publish(fresh().find((k) => k.kid === next.kid)!);
    },
    markCompromised(kid, from) {
      const key = fresh().find((k) => k.kid === kid);
      if (!key) throw new Error(`No key ${kid} in ${dir}.`);
      write({ ...key, compromisedFrom: from.toISOString() }, false);
      return publish(fresh().find((k) => k.kid === kid)!);
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
