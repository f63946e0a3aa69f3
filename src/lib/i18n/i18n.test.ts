import fs from 'node:fs';
import path from 'node:path';
import { messageKeys, negotiateLocale, translate } from '.';

/** Every `{{t "literal.key"}}` in the templates (keys built at run time are checked where they are built). */
function templateKeys(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return templateKeys(file);
    if (!entry.name.endsWith('.hbs')) return [];
    return [...fs.readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.-]+)"/g)].map((m) => m[1]!);
  });
}

describe('message files', () => {
  it('when a key exists in one language, then it exists in the other', () => {
    expect(messageKeys('zh-CN').sort()).toEqual(messageKeys('en').sort());
  });

  it('when a template names a message, then the message exists (a missing key shows the raw key to users)', () => {
    const known = new Set(messageKeys('en'));
    const used = templateKeys(path.resolve(__dirname, '..', '..', '..', 'views'));
    expect(used.length).toBeGreaterThan(100);
    expect([...new Set(used)].filter((key) => !known.has(key))).toEqual([]);
  });

  it('when a message has placeholders, then translate fills them', () => {
    expect(translate('en', 'nav.signedInAs', { name: 'Li' })).toBe('Signed in as Li');
    expect(translate('zh-CN', 'nav.signedInAs', { name: '李' })).toBe('当前用户：李');
  });
});

describe('negotiateLocale', () => {
  it.each([
    [{}, 'zh-CN'],
    [{ acceptLanguage: 'en-US,en;q=0.9' }, 'en'],
    [{ acceptLanguage: 'fr-FR,en;q=0.5,zh;q=0.8' }, 'zh-CN'],
    [{ acceptLanguage: 'zh-TW' }, 'zh-CN'],
    [{ acceptLanguage: 'en;q=0' }, 'zh-CN'],
    [{ acceptLanguage: 'en', cookie: 'zh-CN' }, 'zh-CN'],
    [{ acceptLanguage: 'zh', cookie: 'zh-CN', query: 'en' }, 'en'],
    [{ query: ['en'], acceptLanguage: 'zh' }, 'zh-CN'],
  ] as const)('%j -> %s', (input, expected) => {
    expect(negotiateLocale(input as Parameters<typeof negotiateLocale>[0])).toBe(expected);
  });
});
