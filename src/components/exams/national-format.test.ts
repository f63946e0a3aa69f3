import { apportion, NATIONAL_FORMATS, paperDemand } from './national-format';

describe('national paper formats', () => {
  it.each([3, 4, 5] as const)('level %i: 100 points, 90 minutes, pass 60', (level) => {
    const format = NATIONAL_FORMATS[level];
    expect(format.sections.reduce((sum, s) => sum + s.count * s.points, 0)).toBe(100);
    expect(format.durationSeconds).toBe(5400);
    expect(Object.values(format.shares).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('level 3 is 40 true/false + 140 single + 10 multiple = 190 questions', () => {
    expect(NATIONAL_FORMATS[3].sections.map((s) => [s.type, s.count])).toEqual([['truefalse', 40], ['single', 140], ['multiple', 10]]);
  });

  it('when shares do not divide evenly, then largest remainders settle it and the parts add up', () => {
    const parts = apportion(10, { ethics: 5, foundations: 10, 'business-analysis': 20, 'intelligent-training': 30, 'system-design': 30, 'training-guidance': 5 });
    expect([...parts.values()].reduce((a, b) => a + b, 0)).toBe(10);
    expect(parts.get('intelligent-training')).toBe(3);
    expect(parts.get('system-design')).toBe(3);
    expect(parts.get('business-analysis')).toBe(2);
    expect(parts.get('foundations')).toBe(1);
    // 0.5 each: the tie goes to the one listed first.
    expect((parts.get('ethics') ?? 0) + (parts.get('training-guidance') ?? 0)).toBe(1);
  });

  it('the level-4 paper draws 60 data-labeling single-choice questions', () => {
    const cell = paperDemand(NATIONAL_FORMATS[4]).find((c) => c.domain === 'data-labeling' && c.type === 'single');
    expect(cell?.need).toBe(60);
  });
});
