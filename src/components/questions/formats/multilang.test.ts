import { joinMultilang, splitMultilang } from './multilang';

describe('multilang', () => {
  it.each([
    ['plain text goes to the fallback language', 'What is ReLU?', 'en', { en: 'What is ReLU?' }],
    ['empty text is no language', '  ', 'zh', {}],
    [
      'span syntax splits into both',
      '<span lang="zh_cn" class="multilang">什么是过拟合？</span><span lang="en" class="multilang">What is overfitting?</span>',
      'en',
      { zh: '什么是过拟合？', en: 'What is overfitting?' },
    ],
    ['attribute order does not matter', '<span class="multilang" lang="en">Hi</span>', 'zh', { en: 'Hi' }],
    ['mlang syntax works too', '{mlang zh}你好{mlang}{mlang en}Hello{mlang}', 'en', { zh: '你好', en: 'Hello' }],
  ] as const)('%s', (_label, text, fallback, expected) => {
    expect(splitMultilang(text, fallback)).toEqual(expected);
  });

  it('when a block is in another language, then it is dropped and reported', () => {
    const dropped: string[] = [];
    expect(splitMultilang('<span lang="fr" class="multilang">Bonjour</span><span lang="en" class="multilang">Hi</span>', 'zh', (c) => dropped.push(c))).toEqual({ en: 'Hi' });
    expect(dropped).toEqual(['fr']);
  });

  it('round-trips through joinMultilang', () => {
    for (const text of [{ zh: '甲', en: 'A' }, { zh: '只有中文' }, { en: 'English only' }]) {
      expect(splitMultilang(joinMultilang(text), 'zh')).toEqual(text);
    }
  });
});
