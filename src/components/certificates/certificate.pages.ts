// Pages: public verification for employers (no account), the holder's certificates, the admin list.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors';
import { translate } from '../../lib/i18n';
import { parseInput } from '../../lib/validation';
import type { CertificatesContext } from './certificates.context';
import * as certificates from './certificate.service';
import { adminView, holderView, revokeSchema } from './certificate.routes';
import { REVOCATION_CODES, REVOCATION_LABELS } from './revocation';
import { issuerProfile } from './credential';

const verifyForm = z.strictObject({ number: z.string().trim().min(1).max(40), name: z.string().trim().min(1).max(200) });
const nameForm = z.strictObject({ name: z.string().trim().min(1).max(200) });

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
    revocationLabel: verdict.revocation ? (zh ? verdict.revocation.label.zh : verdict.revocation.label.en) : undefined,
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

  // A bare number (typed, or the QR of a certificate printed before tokens existed) proves nothing: the
  // page asks for the holder's name and says nothing about the number, known or not.
  router.get('/verify/:number', (req, res) => {
    const number = String(req.params.number).trim().toUpperCase().slice(0, 40);
    res.render('pages/certificates/verify-number', { title: translate(req.locale, 'cert.verify.title'), number });
  });

  router.post('/verify/:number', limited, async (req, res) => {
    const number = String(req.params.number).trim().toUpperCase();
    const parsed = nameForm.safeParse(req.body);
    if (!parsed.success) return res.redirect(303, `/verify/${encodeURIComponent(number)}`);
    await showResult(req, res, number, parsed.data.name);
  });

  // The QR target: its token proves the visitor holds (or saw) the paper. The page shows the masked name
  // first, so the person presenting the paper can be compared with it, then the status; the full
  // details still need the name.
  router.get('/v/:token', limited, async (req, res) => {
    const landing = await certificates.findByVerifyToken(String(req.params.token));
    if (!landing) {
      return res.status(404).render('pages/certificates/verify', { title: translate(req.locale, 'cert.verify.title'), values: {}, unknownCode: true });
    }
    const zh = req.locale === 'zh-CN';
    res.render('pages/certificates/qr-landing', {
      title: translate(req.locale, 'cert.verify.title'),
      landing,
      maskedName: [landing.maskedNameZh, landing.maskedName].filter(Boolean).join(' · '),
      levelLabel: zh ? landing.level.zh : landing.level.en,
      statusLabel: translate(req.locale, `cert.status.${landing.status}`),
    });
  });

  router.get('/certificates', signedIn(), async (req, res) => {
    const items = (await certificates.listForHolder(req.user!.id)).map((c) => {
      const view = holderView(c, ctx);
      return { ...resultModel(req, view), pdfUrl: view.pdfUrl, credentialUrl: view.credentialUrl, qrUrl: view.qrUrl };
    });
    res.render('pages/certificates/mine', { title: translate(req.locale, 'cert.mine.title'), items });
  });

  router.get('/admin/certificates', signedIn('admin'), async (req, res) => {
    const filter = parseInput(adminQuery, req.query);
    const list = await certificates.listAll({ ...(filter.status ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}) });
    res.render('pages/certificates/admin', {
      title: translate(req.locale, 'cert.admin.title'),
      filter,
      items: list.map((c) => {
        const view = adminView(c, ctx);
        return { ...resultModel(req, view), note: view.revocationNote };
      }),
      revocationCodes: REVOCATION_CODES.map((code) => ({ code, label: REVOCATION_LABELS[code][req.locale === 'zh-CN' ? 'zh' : 'en'] })),
    });
  });

  router.post('/admin/certificates/:number/revoke', signedIn('admin'), async (req, res) => {
    const { code, reason } = parseInput(revokeSchema, req.body);
    await certificates.revoke(req.user!, String(req.params.number), { code, note: reason });
    res.redirect(303, '/admin/certificates');
  });

  router.get('/issuer', (_req, res) => {
    res.type('application/json').send(JSON.stringify(issuerProfile(ctx.settings.publicUrl, ctx.settings.issuerName)));
  });

  return router;
}
