// Verifies a VC-JWT with did-jwt-vc, resolving the issuer's did:web document over HTTP from a test server.
// Runs as its own process because did-jwt-vc's dependencies are ES modules Jest cannot load.
// Usage: node did-jwt-vc-check.mjs <jwt> <origin> <host the DID names>; prints {"ok":true,...} or {"ok":false,"error":...}.
import { verifyCredential } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';

const [jwt, origin, expectedHost] = process.argv.slice(2);
const resolver = new Resolver({
  // did:web, with the test's stand-in for DNS: the DID's host must be the one expected, the document comes from `origin`.
  web: async (did) => {
    const host = decodeURIComponent(did.split(':')[2] ?? '');
    if (host !== expectedHost) return { didDocument: null, didDocumentMetadata: {}, didResolutionMetadata: { error: 'notFound' } };
    const response = await fetch(`${origin}/.well-known/did.json`);
    return { didDocument: await response.json(), didDocumentMetadata: {}, didResolutionMetadata: { contentType: 'application/did+json' } };
  },
});
try {
  // did-jwt-vc's format check knows only the VC 1.1 context; OB 3.0.3 credentials carry VC 2.0's, so that check alone is off.
  const verified = await verifyCredential(jwt, resolver, { policies: { format: false } });
  process.stdout.write(JSON.stringify({ ok: true, issuer: verified.issuer, signer: verified.signer.id }));
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(err?.message ?? err) }));
}
