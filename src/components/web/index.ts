export { localeMiddleware } from './locale.middleware';
export { renderErrorPage, safeNextPath, webPagesRouter } from './web.pages';
