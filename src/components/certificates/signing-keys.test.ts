import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NoSigningKeyError, openKeyStore, signText, verifyText } from './signing-keys';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ate-keys-'));

describe('signing keys with lifecycles', () => {
  it('when another process rotates the keys, then a running store signs with the new key without a restart', () => {
    const dir = tempDir();
    const server = openKeyStore(dir);
    const first = server.current().kid;
    const rotated = openKeyStore(dir).rotate(new Date(Date.now() + 1000));
    // Before the new key's window opens the old one still signs; from then on only the new one.
    expect(server.current().kid).toBe(first);
    expect(server.current(new Date(Date.now() + 2000)).kid).toBe(rotated.kid);
    expect(server.trustedAt(first, new Date(Date.now() + 2000))).toBe(false);
    expect(server.trustedAt(first, new Date())).toBe(true);
    expect(server.published().map((k) => k.kid)).toEqual([first, rotated.kid]);
  });

  it('when a key is marked compromised from a date, then what it signed before still verifies, after it not, and it no longer signs', () => {
    const dir = tempDir();
    const server = openKeyStore(dir, new Date('2026-01-01T00:00:00Z'));
    const { kid, privateKey } = server.current();
    const signature = signText('record', privateKey);
    openKeyStore(dir).markCompromised(kid, new Date('2026-06-01T00:00:00Z'));
    expect(verifyText('record', signature, server.publicKey(kid)!)).toBe(true);
    expect(server.trustedAt(kid, new Date('2026-05-31T23:59:59Z'))).toBe(true);
    expect(server.trustedAt(kid, new Date('2026-06-01T00:00:00Z'))).toBe(false);
    expect(server.published()[0]).toMatchObject({ kid, compromisedFrom: '2026-06-01T00:00:00.000Z' });
    expect(() => server.current(new Date('2026-07-01T00:00:00Z'))).toThrow(NoSigningKeyError);
  });
});
