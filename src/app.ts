// Builds the Express app from its dependencies. No listening, no connecting, no environment reads.
import path from 'node:path';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { pingDatabase } from './db/database';
import { auditPagesRouter, auditRequestContext } from './components/audit';
import { accountsApiRouter, accountsPagesRouter, authenticate, userAdminPagesRouter, type TokenService } from './components/accounts';
import { certificateApiRouter, certificatePagesRouter, certificateUploadRouter, installCertificateIssuer, type CertificatesContext } from './components/certificates';
import { examAdminPagesRouter, examApiRouter, examPagesRouter } from './components/exams';
import { questionApiRouter, questionImportRouter, questionPagesRouter } from './components/questions';
import { localeMiddleware, renderErrorPage, webPagesRouter } from './components/web';
import { errorHandler, JSON_BODY_LIMIT, notFound, requestContext, requireJsonBody } from './lib/http';
import type { Logger } from './lib/logger';
import { createViewEngine, VIEWS_DIR } from './lib/views';

export interface AppDependencies {
  config: Pick<Config, 'publicUrl' | 'nodeEnv'>;
  logger: Logger;
  tokens: TokenService;
  certificates: CertificatesContext;
  /** Routers mounted after the built-in ones and before the 404 handler (used by tests of new pages). */
  extraRouters?: Router[];
}

export function createApp({ config, logger, tokens, certificates, extraRouters = [] }: AppDependencies): Express {
  const app = express();
  const secureCookies = config.publicUrl.startsWith('https://');
  const views = createViewEngine();
  installCertificateIssuer(certificates);

  app.disable('x-powered-by');
  app.engine('hbs', views.render);
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);

  app.use(requestContext(logger));
  app.use(helmet());
  // A 190-item paper page is ~400 KB of HTML; compressed it is a fraction of that on a slow line.
  app.use(compression());
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: '1h', index: false }));

  app.get('/healthz', async (_req, res) => {
    const up = await pingDatabase();
    res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'degraded', db: 'down' });
  });

  app.use(cookieParser());
  app.use(localeMiddleware);
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

  app.use(accountsApiRouter(tokens));
  app.use(questionApiRouter());
  app.use(examApiRouter());
  app.use(certificateApiRouter(certificates));
  app.use(accountsPagesRouter(tokens, secureCookies));
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
