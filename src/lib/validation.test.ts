import { z } from 'zod';
import { ValidationError } from './errors';
import { formatPath, parseInput } from './validation';

describe('validation', () => {
  it('formats nested paths the way clients read them', () => {
    expect(formatPath(['options', 2, 'text', 'en'])).toBe('options[2].text.en');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });

  it('when input has unknown keys or wrong types, then a ValidationError lists one detail per path', () => {
    const schema = z.strictObject({ a: z.string().min(3), items: z.array(z.strictObject({ n: z.number() })) });
    let caught: unknown;
    try {
      parseInput(schema, { a: 5, items: [{ n: 1 }, { n: 'x', extra: true }], zzz: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const details = (caught as ValidationError).details as Array<{ path: string; code: string }>;
    expect(details.map((d) => d.path).sort()).toEqual(['a', 'items[1].extra', 'items[1].n', 'zzz']);
    expect(details.find((d) => d.path === 'zzz')?.code).toBe('unknown_field');
  });
});
