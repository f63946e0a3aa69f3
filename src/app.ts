// Builds the Express app from its dependencies. No listening, no connecting, no environment reads.
import path from 'node:path';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { pingDatabase } from './db/database';
import { accountsApiRouter, accountsPagesRouter, authenticate, createAccountsContext, SESSION_COOKIE, userAdminPagesRouter, type LoginPolicy, type TokenService } from './components/accounts';
import { auditPagesRouter, auditRequestContext } from './components/audit';
import { certificateApiRouter, certificatePagesRouter, certificateUploadRouter, installCertificateIssuer, type CertificatesContext } from './components/certificates';
import { examAdminPagesRouter, examApiRouter, examPagesRouter } from './components/exams';
import { questionApiRouter, questionImportRouter, questionPagesRouter } from './components/questions';
import { localeMiddleware, renderErrorPage, webPagesRouter } from './components/web';
import { errorHandler, JSON_BODY_LIMIT, notFound, requestContext, requireJsonBody } from './lib/http';
import type { Logger } from './lib/logger';
import { sameOriginGuard } from './lib/same-origin';
import { createViewEngine, VIEWS_DIR } from './lib/views';

export interface AppDependencies {
  config: Pick<Config, 'publicUrl' | 'nodeEnv'> & Partial<Pick<Config, 'trustProxy'>>;
  logger: Logger;
  tokens: TokenService;
  certificates: CertificatesContext;
  /** Sign-in throttling; the defaults unless a test needs other numbers. */
  loginPolicy?: Partial<LoginPolicy>;
  /** Routers mounted after the built-in ones and before the 404 handler (used by tests of new pages). */
  extraRouters?: Router[];
}

/**
 * Helmet's defaults, except what only makes sense over https: on a plain-HTTP deployment (a test centre's
 * intranet reached by IP) `upgrade-insecure-requests` would send every form post to an https port that
 * does not exist, and HSTS would lock browsers out of the site.
 */
function securityHeaders(https: boolean): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    strictTransportSecurity: https ? { maxAge: 180 * 86400 } : false,
    // Not helmet's "no-referrer": under it browsers send `Origin: null` on our own form posts, and the
    // same-origin check needs the real origin. "same-origin" still tells other sites nothing.
    referrerPolicy: { policy: 'same-origin' },
  };
}

export function createApp({ config, logger, tokens, certificates, loginPolicy, extraRouters = [] }: AppDependencies): Express {
  const app = express();
  const secureCookies = config.publicUrl.startsWith('https://');
  const views = createViewEngine();
  const accounts = createAccountsContext(tokens, secureCookies, loginPolicy);
  installCertificateIssuer(certificates);

  app.disable('x-powered-by');
  // Behind a reverse proxy, client addresses (rate limits, audit) and the scheme come from its headers.
  app.set('trust proxy', config.trustProxy ?? false);
  app.engine('hbs', views.render);
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);

  app.use(requestContext(logger));
  app.use(helmet(securityHeaders(secureCookies)));
  // A 190-item paper page is ~400 KB of HTML; compressed it is a fraction of that on a slow line.
  app.use(compression());
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: '1h', index: false }));

  app.get('/healthz', async (_req, res) => {
    const up = await pingDatabase();
    res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'degraded', db: 'down' });
  });

  app.use(cookieParser());
  app.use(localeMiddleware);
  app.use(sameOriginGuard({ publicUrl: config.publicUrl, sessionCookie: SESSION_COOKIE }));
  app.use(authenticate(tokens, secureCookies));
  app.use((req, res, next) => {
    res.locals.user = req.user;
    res.locals.isStaff = req.user?.roles.some((role) => role === 'examiner' || role === 'admin') ?? false;
    next();
  });

  // Routes that read files (not JSON) come before the JSON-only rule for the API.
  app.use(questionImportRouter());
  app.use(certificateUploadRouter(certificates));
  app.use('/api', requireJsonBody);
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  // After the body parsers (they would lose the context): audit entries carry the request's IP and id.
  app.use(auditRequestContext);

  app.use(accountsApiRouter(accounts));
  app.use(questionApiRouter());
  app.use(examApiRouter());
  app.use(certificateApiRouter(certificates));
  app.use(accountsPagesRouter(accounts));
  // Blueprint pages live under /bank/exams, so they go before the bank's own /bank routes.
  app.use(examAdminPagesRouter());
  app.use(questionPagesRouter());
  app.use(certificatePagesRouter(certificates));
  app.use(userAdminPagesRouter());
  app.use(auditPagesRouter());
  app.use(examPagesRouter());
  app.use(webPagesRouter());
  for (const router of extraRouters) app.use(router);

  app.use(notFound);
  app.use(errorHandler(renderErrorPage));
  return app;
}
