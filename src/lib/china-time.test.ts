import { chinaDayEnd, chinaDayStart, formatChinaTime } from './china-time';

describe('China time', () => {
  it('when a UTC instant is formatted, then it shows the wall clock in UTC+8, across midnight', () => {
    expect(formatChinaTime(new Date('2026-04-30T16:30:05.999Z'))).toBe('2026-05-01 00:30:05');
  });

  it('when a day is given, then it starts at 00:00 UTC+8 and ends when the next day starts', () => {
    expect(chinaDayStart('2026-05-01')?.toISOString()).toBe('2026-04-30T16:00:00.000Z');
    expect(chinaDayEnd('2026-05-01')?.toISOString()).toBe('2026-05-01T16:00:00.000Z');
  });

  it.each(['2026-02-30', '2026-13-01', '2026-5-1', 'yesterday', ''])('when %j is given, then it is not a day', (day) => {
    expect(chinaDayStart(day)).toBeUndefined();
  });
});
