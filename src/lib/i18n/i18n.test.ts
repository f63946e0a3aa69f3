import { messageKeys, negotiateLocale, translate } from '.';

describe('message files', () => {
  it('when a key exists in one language, then it exists in the other', () => {
    expect(messageKeys('zh-CN').sort()).toEqual(messageKeys('en').sort());
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
