import { auditRow, describeChange } from './audit-view';

describe('describeChange', () => {
  it('when fields changed, then each shows before → after, and unchanged fields show once for context', () => {
    expect(describeChange({ userId: 'u1', extraSeconds: 0 }, { userId: 'u1', extraSeconds: 600 })).toBe('userId: u1; extraSeconds: 0 → 600');
    expect(describeChange({ roles: ['candidate'] }, { roles: ['candidate', 'examiner'] })).toBe('roles: candidate → candidate, examiner');
  });

  it('when only one side exists, then the other shows as a dash', () => {
    expect(describeChange(undefined, { status: 'valid' })).toBe('status: – → valid');
    expect(describeChange('draft', undefined)).toBe('draft → –');
    expect(describeChange(undefined, undefined)).toBe('');
  });

  it('when the values are long, then the text is cut to 300 characters', () => {
    const text = describeChange({ note: 'x'.repeat(500) }, { note: 'y' });
    expect(text).toHaveLength(300);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('auditRow', () => {
  it('when the system did it, then the actor reads as the system in the page language', () => {
    const row = auditRow('zh-CN', { id: 'e1', at: new Date('2025-01-01T00:00:00Z'), action: 'keys.rotated', actor: null, target: { type: 'signing_key', id: 'k2' } });
    expect(row).toMatchObject({ actor: '系统', system: true, actionLabel: '轮换签名密钥', targetType: '签名密钥', targetLabel: 'k2', time: '2025-01-01 08:00:00' });
  });
});
