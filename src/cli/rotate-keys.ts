// `npm run keys:rotate`: starts a new certificate signing key. Old keys stay published (with their
// validity end), so certificates signed before still verify. Running servers sign with it at once.
//
// The audit log entry: with MONGODB_URI set, written here. The embedded database is not started for it:
// a running server owns those files (mongod would refuse the lock; two FerretDB processes on one SQLite
// store is not something to risk for one entry), and the server records the rotation from the key files
// when it next starts.
import os from 'node:os';
import mongoose from 'mongoose';
import { recordKeyRotations } from '../components/certificates';
import { openKeyStore } from '../components/certificates/signing-keys';
import { ConfigError, loadConfig } from '../config';
import { connectMongoose } from '../db/database';

/** Who ran it, as far as the machine knows (containers may have no user name for the uid). */
function operator(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${os.hostname()}`;
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  const store = openKeyStore(config.certificates.keysDir);
  const fresh = store.rotate();
  process.stdout.write(`New signing key ${fresh.kid}; ${store.published().length} key(s) published; running servers sign with it from now on.\n`);
  if (!config.mongodbUri) {
    process.stdout.write('The audit log records the rotation when the server next starts.\n');
    return 0;
  }
  try {
    await connectMongoose(config.mongodbUri);
    await recordKeyRotations(store, `npm run keys:rotate by ${operator()}`);
    process.stdout.write('Recorded in the audit log.\n');
    return 0;
  } catch (err) {
    // The key is rotated either way; say so, and that the server will still record it.
    process.stderr.write(`The key was rotated, but the audit log entry could not be written now (${(err as Error).message}); the server records it when it next starts.\n`);
    return 1;
  } finally {
    await mongoose.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
