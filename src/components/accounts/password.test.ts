import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('when the same password is hashed twice, then the salts differ and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    await expect(verifyPassword('correct horse', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse', b)).resolves.toBe(true);
  });

  it('when the password differs or the stored value is malformed, then verify is false', async () => {
    const hash = await hashPassword('correct horse');
    await expect(verifyPassword('correct horsE', hash)).resolves.toBe(false);
    await expect(verifyPassword('correct horse', 'plain-text')).resolves.toBe(false);
    await expect(verifyPassword('correct horse', hash.replace(/\$[^$]+$/, '$AAAA'))).resolves.toBe(false);
  });

  it('when a password uses full-width characters, then its NFKC form verifies the same', async () => {
    const hash = await hashPassword('ｐａｓｓｗｏｒｄ１２３');
    await expect(verifyPassword('password123', hash)).resolves.toBe(true);
  });
});
