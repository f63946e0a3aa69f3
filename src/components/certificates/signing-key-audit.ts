// Key rotations in the audit log. `npm run keys:rotate` changes files, not the database, and usually runs
// while the server owns the embedded database, so a rotation is recorded from the key files themselves:
// by the CLI when it can reach the database (MONGODB_URI), and by the server at every start (it has to be
// restarted to sign with the new key anyway). One entry per key, under a fixed id, so both may try.
import { recordAuditOnce } from '../audit';
import type { KeyStore } from './signing-keys';

/** Records every key that replaced an earlier one and is not in the log yet; returns how many it added. */
export async function recordKeyRotations(keys: KeyStore, reason: string): Promise<number> {
  const published = [...keys.published()].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  let added = 0;
  // The first key was created, not rotated to.
  for (let i = 1; i < published.length; i++) {
    const previous = published[i - 1]!;
    const key = published[i]!;
    const wrote = await recordAuditOnce(`keys.rotated:${key.kid}`, {
      action: 'keys.rotated',
      actor: null,
      target: { type: 'signing_key', id: key.kid },
      before: { kid: previous.kid, validUntil: previous.validUntil },
      after: { kid: key.kid, validFrom: key.validFrom },
      reason,
      at: new Date(key.validFrom),
    });
    if (wrote) added++;
  }
  return added;
}
