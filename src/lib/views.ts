// Server-rendered pages with plain Handlebars: views/pages/**, wrapped in views/layouts/<layout>.hbs,
// with views/partials/*.hbs registered by file name. Templates compile once and are cached.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { translate, isLocale, type Locale } from './i18n';

export const VIEWS_DIR = path.resolve(__dirname, '..', '..', 'views');

type Template = Handlebars.TemplateDelegate;

export interface ViewEngine {
  /** Express view-engine callback. */
  render(file: string, options: object, callback: (err: Error | null, html?: string) => void): void;
}

export function createViewEngine(viewsDir = VIEWS_DIR): ViewEngine {
  const hbs = Handlebars.create();
  const cache = new Map<string, Template>();

  const compile = (file: string): Template => {
    let template = cache.get(file);
    if (!template) {
      template = hbs.compile(fs.readFileSync(file, 'utf8'), { strict: false, preventIndent: true });
      cache.set(file, template);
    }
    return template;
  };

  const partialsDir = path.join(viewsDir, 'partials');
  for (const name of fs.existsSync(partialsDir) ? fs.readdirSync(partialsDir) : []) {
    if (name.endsWith('.hbs')) hbs.registerPartial(name.slice(0, -4), fs.readFileSync(path.join(partialsDir, name), 'utf8'));
  }

  const localeOf = (options: Handlebars.HelperOptions): Locale => {
    const locale: unknown = options.data?.root?.locale;
    return isLocale(locale) ? locale : 'zh-CN';
  };
  hbs.registerHelper('t', function (key: string, options: Handlebars.HelperOptions) {
    return translate(localeOf(options), key, options.hash);
  });
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));

  return {
    render(file, rawOptions, callback) {
      const options = rawOptions as Record<string, unknown>;
      try {
        const body = compile(file)(options);
        const layout = options.layout === false ? undefined : String(options.layout ?? 'main');
        const html = layout ? compile(path.join(viewsDir, 'layouts', `${layout}.hbs`))({ ...options, body }) : body;
        callback(null, html);
      } catch (err) {
        callback(err as Error);
      }
    },
  };
}
