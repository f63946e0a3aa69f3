// Builds the Express app from its dependencies. No listening, no connecting, no environment reads.
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { pingDatabase } from './db/database';
import { accountsApiRouter, accountsPagesRouter, authenticate, type TokenService } from './components/accounts';
import { localeMiddleware, renderErrorPage, webPagesRouter } from './components/web';
import { errorHandler, JSON_BODY_LIMIT, notFound, requestContext, requireJsonBody } from './lib/http';
import type { Logger } from './lib/logger';
import { createViewEngine, VIEWS_DIR } from './lib/views';

export interface AppDependencies {
  config: Pick<Config, 'publicUrl' | 'nodeEnv'>;
  logger: Logger;
  tokens: TokenService;
}

export function createApp({ config, logger, tokens }: AppDependencies): Express {
  const app = express();
  const secureCookies = config.publicUrl.startsWith('https://');
  const views = createViewEngine();

  app.disable('x-powered-by');
  app.engine('hbs', views.render);
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);

  app.use(requestContext(logger));
  app.use(helmet());
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: '1h', index: false }));

  app.get('/healthz', async (_req, res) => {
    const up = await pingDatabase();
    res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'degraded', db: 'down' });
  });

  app.use('/api', requireJsonBody);
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  app.use(cookieParser());
  app.use(localeMiddleware);
  app.use(authenticate(tokens, secureCookies));
  app.use((req, res, next) => {
    res.locals.user = req.user;
    next();
  });

  app.use(accountsApiRouter(tokens));
  app.use(accountsPagesRouter(tokens, secureCookies));
  app.use(webPagesRouter());

  app.use(notFound);
  app.use(errorHandler(renderErrorPage));
  return app;
}
