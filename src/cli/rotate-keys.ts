// `npm run keys:rotate`: starts a new certificate signing key. Old keys stay published (with their
// validity end), so certificates signed before still verify. Restart running servers afterwards.
import { openKeyStore } from '../components/certificates/signing-keys';
import { loadConfig } from '../config';

const store = openKeyStore(loadConfig().certificates.keysDir);
const fresh = store.rotate();
process.stdout.write(`New signing key ${fresh.kid}; ${store.published().length} key(s) published. Restart the server to sign with it.\n`);
