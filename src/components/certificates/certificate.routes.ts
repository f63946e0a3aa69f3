// Certificate API: public verification (rate-limited), keys and status list; holder and admin actions.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../lib/errors';
import { readUpload } from '../../lib/upload';
import { parseInput } from '../../lib/validation';
import { requireRole, requireUser } from '../accounts';
import { qrPathFor } from './certificate-files';
import { verifyPdf } from './certificate-verify-pdf';
import { CertificateModel, type Certificate } from './certificate.model';
import type { CertificatesContext } from './certificates.context';
import * as certificates from './certificate.service';
import { REVOCATION_CODES } from './revocation';
import { achievementOf, buildStatusListCredential, credentialClaims, didDocument, issueCredentialJwt, jwkSet, keyUri, signJwt } from './credential';
import { badgeSvg } from './badge-image';

export const MAX_BATCH = 100;
/**
 * What one pair in a batch costs, in single look-ups: half, because a batch spares the round trips and
 * the per-request work, not the look-ups. A batch of 100 costs 50 of the default 60 a minute, and one
 * above the bucket's size is refused with 400 (it could never fit) rather than 429 forever.
 */
export const BATCH_PAIR_COST = 0.5;
export const PDF_UPLOAD_LIMIT = 5 * 1024 * 1024;

const numberParams = z.strictObject({ number: z.string().trim().toUpperCase().regex(certificates.NUMBER_PATTERN, 'A 22-character certificate number.') });
const nameQuery = z.strictObject({ name: z.string().trim().min(1, 'Give the holder name.').max(200) });
const batchSchema = z.strictObject({
  items: z
    .array(z.strictObject({ number: z.string().trim().min(1).max(40), name: z.string().trim().min(1).max(200) }))
    .min(1)
    .max(MAX_BATCH),
});
/** `code` is what verifiers see; `reason` is the internal note (audit log and administrators only). */
export const revokeSchema = z.strictObject({
  code: z.enum(REVOCATION_CODES).default('revoked_by_issuer'),
  reason: z.string().trim().min(3, 'Say why.').max(1000),
});
const listQuery = z.strictObject({ status: z.enum(['valid', 'expired', 'revoked']).optional(), q: z.string().trim().max(40).optional() });

/** The holder, or an admin; anyone else gets the same 404 as for a missing certificate. */
function canManage(req: Request, cert: Certificate): boolean {
  return req.user!.roles.includes('admin') || cert.userId.toHexString() === req.user!.id;
}

async function ownedCertificate(req: Request): Promise<Certificate> {
  const { number } = parseInput(numberParams, req.params);
  const cert = await certificates.findByNumber(number);
  if (!cert || !canManage(req, cert)) throw new NotFoundError('No such certificate.', 'certificate_not_found');
  return cert;
}

export function holderView(cert: Certificate, ctx: CertificatesContext) {
  return {
    ...certificates.toVerdict(cert, ctx.keys),
    pdfUrl: `/api/certificates/${cert.number}/pdf`,
    credentialUrl: `/api/certificates/${cert.number}/credential`,
    // The QR target, for the holder to share: it shows the masked name and status without the name.
    qrUrl: qrPathFor(cert),
  };
}

/** What administrators see: the holder's view plus the internal revocation note. */
export function adminView(cert: Certificate, ctx: CertificatesContext) {
  return { ...holderView(cert, ctx), ...(cert.revocationReason ? { revocationNote: cert.revocationReason } : {}) };
}

/** Mounted before the JSON body parser: verify-pdf takes an uploaded file. */
export function certificateUploadRouter(ctx: CertificatesContext): Router {
  const router = Router();
  router.post('/api/certificates/verify-pdf', ctx.verifyLimiter.middleware, async (req, res) => {
    const upload = await readUpload(req, PDF_UPLOAD_LIMIT, '5 MB');
    res.json(await verifyPdf(upload.data, ctx));
  });
  return router;
}

export function certificateApiRouter(ctx: CertificatesContext): Router {
  const router = Router();
  const publicUrl = ctx.settings.publicUrl;

  // The same JWK Set under the well-known name (jose's createRemoteJWKSet, OpenID-style discovery) and the
  // API path earlier releases published; the did:web document lists the same keys for DID resolvers.
  const sendKeys = (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=300').type('application/jwk-set+json').send(JSON.stringify(jwkSet(ctx.keys.published(), publicUrl)));
  };
  router.get('/.well-known/jwks.json', sendKeys);
  router.get('/api/certificates/keys', sendKeys);
  router.get('/.well-known/did.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('application/did+json').send(JSON.stringify(didDocument(ctx.keys.published(), publicUrl)));
  });

  // What a credential's achievement id and image point at, so a wallet can show and check them.
  const achievementFor = async (code: string) => {
    const cert = await CertificateModel.findOne({ 'record.exam.code': code }, { record: 1 }).lean<Pick<Certificate, 'record'>>();
    if (!cert) throw new NotFoundError('No such achievement.');
    return cert.record;
  };
  router.get('/achievements/:code', async (req, res) => {
    const record = await achievementFor(String(req.params.code));
    res.type('application/json').send(JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'], ...achievementOf(record, publicUrl) }));
  });
  router.get('/achievements/:code/badge.svg', async (req, res) => {
    const record = await achievementFor(String(req.params.code));
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(badgeSvg(record));
  });

  router.get('/api/certificates/status/:list', async (req, res) => {
    if (req.params.list !== '1') throw new NotFoundError('No such status list.');
    const revoked = await CertificateModel.find({ status: 'revoked' }, { statusIndex: 1 }).lean<Array<{ statusIndex: number }>>();
    const now = new Date();
    const credential = buildStatusListCredential(revoked.map((c) => c.statusIndex), publicUrl, now);
    const { kid, privateKey } = ctx.keys.current(now);
    res.set('Cache-Control', 'no-cache').type('application/jwt').send(signJwt(credentialClaims(credential, now), keyUri(publicUrl, kid), privateKey));
  });

  router.post('/api/certificates/verify', async (req, res) => {
    const { items } = parseInput(batchSchema, req.body);
    // The whole cost in one charge, so a refused batch spends nothing and its Retry-After is honest.
    ctx.verifyLimiter.take(req, Math.max(1, Math.ceil(items.length * BATCH_PAIR_COST)));
    const results = [];
    for (const { number, name } of items) {
      try {
        results.push({ found: true, ...(await certificates.verifyByNumberAndName(number, name, ctx.keys)) });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        results.push({ number, found: false, error: { code: 'certificate_not_found' } });
      }
    }
    res.json({ results });
  });

  router.get('/api/certificates', requireRole('admin'), async (req, res) => {
    const filter = parseInput(listQuery, req.query);
    const list = await certificates.listAll({ ...(filter.status ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}) });
    res.json({ items: list.map((c) => adminView(c, ctx)) });
  });

  router.get('/api/me/certificates', requireUser, async (req, res) => {
    res.json({ items: (await certificates.listForHolder(req.user!.id)).map((c) => holderView(c, ctx)) });
  });

  router.get('/api/certificates/:number', ctx.verifyLimiter.middleware, async (req, res) => {
    const { number } = parseInput(numberParams, req.params);
    const { name } = parseInput(nameQuery, req.query);
    res.json(await certificates.verifyByNumberAndName(number, name, ctx.keys));
  });

  router.get('/api/certificates/:number/pdf', requireUser, async (req, res) => {
    const cert = await ownedCertificate(req);
    res.type('application/pdf').attachment(`${cert.number}.pdf`).send(await ctx.files.ensure(cert));
  });

  router.get('/api/certificates/:number/credential', requireUser, async (req, res) => {
    const cert = await ownedCertificate(req);
    if (cert.status === 'revoked') throw new ForbiddenError('A revoked certificate has no credential to download.');
    res.json(issueCredentialJwt(cert, ctx.keys, publicUrl, ctx.settings.issuerName));
  });

  router.get('/api/certificates/:number/audit', requireRole('admin'), async (req, res) => {
    const { number } = parseInput(numberParams, req.params);
    res.json({ items: await certificates.auditTrail(number) });
  });

  router.post('/api/certificates/:number/revoke', requireRole('admin'), async (req, res) => {
    const { number } = parseInput(numberParams, req.params);
    const { code, reason } = parseInput(revokeSchema, req.body);
    const cert = await certificates.revoke(req.user!, number, { code, note: reason });
    res.json(adminView(cert, ctx));
  });

  return router;
}

