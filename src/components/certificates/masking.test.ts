import { maskPersonName } from '../../lib/person-name';
import { maskIdNumber } from './certificate.service';

describe('what a certificate shows of its holder before the name is given', () => {
  it('when an ID number is masked, then at most its last 4 and never more than a third of it shows', () => {
    expect(maskIdNumber('110101199003074514')).toBe('**************4514');
    expect(maskIdNumber('H1234567')).toBe('******67');
    expect(maskIdNumber('A1234')).toBe('****4');
    expect(maskIdNumber('AB')).toBe('**');
    expect(maskIdNumber('X')).toBe('*');
  });

  it('when a name is masked, then the first (and for 3+ characters the last) character shows', () => {
    expect(maskPersonName('张三')).toBe('张*');
    expect(maskPersonName('欧阳小明')).toBe('欧**明');
    expect(maskPersonName('Zhang San')).toBe('Z**** S**');
    expect(maskPersonName('  Li  ')).toBe('L*');
    expect(maskPersonName('王')).toBe('*');
  });
});
