import type { RequestHandler } from 'express';
import { LOCALE_COOKIE, LOCALES, negotiateLocale, translate } from '../../lib/i18n';

/** Picks the request's language and exposes what every page's layout needs. */
export const localeMiddleware: RequestHandler = (req, res, next) => {
  req.locale = negotiateLocale({
    query: req.query.lang,
    cookie: req.cookies?.[LOCALE_COOKIE],
    acceptLanguage: req.get('accept-language'),
  });
  res.locals.locale = req.locale;
  res.locals.htmlLang = req.locale === 'zh-CN' ? 'zh-CN' : 'en';
  res.locals.currentPath = req.originalUrl.split('?')[0];
  res.locals.languages = LOCALES.map((code) => ({
    code,
    label: code === 'zh-CN' ? '中文' : 'English',
    active: code === req.locale,
  }));
  res.locals.t = (key: string) => translate(req.locale, key);
  next();
};
