// Pages: public verification for employers (no account), the holder's certificates, the admin list.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import type { CertificatesContext } from './certificates.context';
import * as certificates from './certificate.service';
import { holderView } from './certificate.routes';

const verifyForm = z.strictObject({ number: z.string().trim().min(1).max(40), name: z.string().trim().min(1).max(200) });
const nameForm = z.strictObject({ name: z.string().trim().min(1).max(200) });
const revokeForm = z.strictObject({ reason: z.string().trim().min(3).max(1000) });
const adminQuery = z.strictObject({ status: z.enum(['valid', 'expired', 'revoked']).optional(), q: z.string().trim().max(40).optional() });

function signedIn(role?: 'admin') {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (role && !req.user.roles.includes(role)) throw new AppError(403, 'forbidden', 'Administrators only.');
    next();
  };
}

/** Verdict as the result page shows it, in the page language. */
function resultModel(req: Request, verdict: certificates.Verdict) {
  const zh = req.locale === 'zh-CN';
  return {
    verdict,
    statusLabel: translate(req.locale, `cert.status.${verdict.status}`),
    holderName: [verdict.holder.nameZh, verdict.holder.name].filter(Boolean).join(' · '),
    levelLabel: zh ? verdict.level.label.zh : verdict.level.label.en,
    occupation: zh ? verdict.occupation.zh : verdict.occupation.en,
    examTitle: zh ? verdict.exam.title.zh : verdict.exam.title.en,
    issuerName: zh ? verdict.issuer.name.zh : verdict.issuer.name.en,
    issuedOn: verdict.issuedAt.slice(0, 10),
    expiresOn: verdict.expiresAt.slice(0, 10),
    revokedOn: verdict.revokedAt?.slice(0, 10),
  };
}

export function certificatePagesRouter(ctx: CertificatesContext): Router {
  const router = Router();
  const limited = ctx.verifyLimiter.middleware;

  const showResult = async (req: Request, res: Response, number: string, name: string) => {
    try {
      const verdict = await certificates.verifyByNumberAndName(number, name, ctx.keys);
      res.render('pages/certificates/result', { title: translate(req.locale, 'cert.result.title'), ...resultModel(req, verdict) });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      res.status(404).render('pages/certificates/verify', { title: translate(req.locale, 'cert.verify.title'), values: { number, name }, notFound: true });
    }
  };

  router.get('/verify', (req, res) => {
    res.render('pages/certificates/verify', { title: translate(req.locale, 'cert.verify.title'), values: {} });
  });

  router.post('/verify', limited, async (req, res) => {
    try {
      const { number, name } = parseInput(verifyForm, req.body);
      await showResult(req, res, number, name);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('pages/certificates/verify', { title: translate(req.locale, 'cert.verify.title'), values: req.body, invalid: true });
    }
  });

  // The QR target: only valid or not valid, until the visitor gives the holder's name (then the
  // details say expired or revoked, when and why).
  router.get('/verify/:number', limited, async (req, res) => {
    const number = String(req.params.number).trim().toUpperCase();
    const status = await certificates.publicStatus(number);
    const shown = status === 'valid' ? 'valid' : 'invalid';
    res.status(status ? 200 : 404).render('pages/certificates/verify-number', {
      title: translate(req.locale, 'cert.verify.title'),
      number,
      known: !!status,
      statusLabel: translate(req.locale, `cert.status.${shown}`),
      status: shown,
    });
  });

  router.post('/verify/:number', limited, async (req, res) => {
    const number = String(req.params.number).trim().toUpperCase();
    const parsed = nameForm.safeParse(req.body);
    if (!parsed.success) return res.redirect(303, `/verify/${encodeURIComponent(number)}`);
    await showResult(req, res, number, parsed.data.name);
  });

  router.get('/certificates', signedIn(), async (req, res) => {
    const items = (await certificates.listForHolder(req.user!.id)).map((c) => ({ ...resultModel(req, holderView(c, ctx)), pdfUrl: `/api/certificates/${c.number}/pdf`, credentialUrl: `/api/certificates/${c.number}/credential` }));
    res.render('pages/certificates/mine', { title: translate(req.locale, 'cert.mine.title'), items });
  });

  router.get('/admin/certificates', signedIn('admin'), async (req, res) => {
    const filter = parseInput(adminQuery, req.query);
    const list = await certificates.listAll({ ...(filter.status ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}) });
    res.render('pages/certificates/admin', {
      title: translate(req.locale, 'cert.admin.title'),
      filter,
      items: list.map((c) => resultModel(req, holderView(c, ctx))),
    });
  });

  router.post('/admin/certificates/:number/revoke', signedIn('admin'), async (req, res) => {
    const { reason } = parseInput(revokeForm, req.body);
    await certificates.revoke(req.user!, String(req.params.number), reason);
    res.redirect(303, '/admin/certificates');
  });

  router.get('/issuer', (_req, res) => {
    res.json({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: `${ctx.settings.publicUrl}/issuer`,
      type: ['Profile'],
      name: `${ctx.settings.issuerName.zh} · ${ctx.settings.issuerName.en}`,
      url: ctx.settings.publicUrl,
    });
  });

  return router;
}
