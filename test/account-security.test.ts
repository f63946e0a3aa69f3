// Accounts that resist guessing, sessions that end when they should, and names a certificate can carry.
import request from 'supertest';
import { UserModel } from '../src/components/accounts/user.model';
import { ThrottleModel } from '../src/lib/throttle-store';
import { bearer, buildTestApp, createUser, session, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';

useTestDatabase();
// Waits off, so the lockout can be reached without waiting; the waits have their own app below.
const { app } = buildTestApp({ loginPolicy: { firstWaitSeconds: 0, lockAfter: 10, lockSeconds: 900, perAddress: 1000 } });

const login = (email: string, password: string) => request(app).post('/api/auth/login').send({ email, password });

describe('guessing passwords', () => {
  it('when 25 wrong passwords are tried for one account, then it locks after 10 and even the right password gets 429 with an honest Retry-After', async () => {
    const user = await createUser(app);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await login(user.email, `wrong password ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([429]));
    const right = await login(user.email, user.password).expect(429);
    expect(right.body.error.code).toBe('too_many_requests');
    const retry = Number(right.headers['retry-after']);
    // The lock is 15 minutes from the 10th failure: no less than what is left, and no more.
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    expect(right.body.error.details.retryAfterSeconds).toBe(retry);
    expect(right.body.token).toBeUndefined();
  });

  it('when an unknown email is guessed, then the answers are exactly those for a real account', async () => {
    const user = await createUser(app);
    const real: unknown[] = [];
    const fake: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      real.push([(await login(user.email, `nope ${i}`)).status]);
      fake.push([(await login(`nobody-${user.id}@example.com`, `nope ${i}`)).status]);
    }
    expect(fake).toEqual(real);
    const a = await login(user.email, 'nope');
    const b = await login(`nobody-${user.id}@example.com`, 'nope');
    expect(b.body.error.code).toBe(a.body.error.code);
  });

  it('when guesses arrive in parallel, then every one is counted (none slips past the lock)', async () => {
    const user = await createUser(app);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(user.email, `parallel ${i}`)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20);
  });

  it('when a sign-in succeeds before the lock, then the failure count starts again', async () => {
    const user = await createUser(app);
    for (let i = 0; i < 9; i++) await login(user.email, `wrong ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 9; i++) await login(user.email, `wrong again ${i}`).expect(401);
    await login(user.email, user.password).expect(200);
  });
});

describe('growing waits and addresses', () => {
  const slow = buildTestApp({ loginPolicy: { freeFailures: 2, firstWaitSeconds: 1, lockAfter: 10, perAddress: 6 } }).app;
  // Only a proxy we trust may name the client; the test app trusts none, so addresses are the socket's.
  const slowLogin = (email: string, password: string) => request(slow).post('/api/auth/login').send({ email, password });
  // Every app in this file signs in from 127.0.0.1: start each of these with the address counter at zero.
  beforeEach(() => ThrottleModel.deleteMany({}));

  it('when the free failures are used, then the next try must wait, and the wait doubles', async () => {
    const user = await createUser(slow);
    await slowLogin(user.email, 'wrong 1').expect(401);
    await slowLogin(user.email, 'wrong 2').expect(401);
    const first = await slowLogin(user.email, user.password).expect(429);
    expect(Number(first.headers['retry-after'])).toBe(1);
    // The stored wait ends where Retry-After says; push it into the past as if a second had gone by.
    await ThrottleModel.updateMany({ _id: /^login-wait:/ }, { $set: { expire: new Date(Date.now() - 1) } });
    await slowLogin(user.email, 'wrong 3').expect(401);
    const second = await slowLogin(user.email, user.password).expect(429);
    expect(Number(second.headers['retry-after'])).toBe(2);
  });

  it('when one address fails against many accounts (spraying), then that address is refused for every account', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await createUser(slow));
    for (const u of users) await slowLogin(u.email, 'Summer2026!!').expect(401);
    const fresh = await createUser(slow);
    const res = await slowLogin(fresh.email, fresh.password).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('registration', () => {
  const capped = buildTestApp({ loginPolicy: { registrationsPerHour: 3 } }).app;

  it('when one address registers more than the hourly cap, then 429 and no account is made', async () => {
    // Other apps in this file registered from 127.0.0.1 too.
    await ThrottleModel.deleteMany({});
    for (let i = 0; i < 3; i++) {
      await request(capped).post('/api/auth/register').send({ email: `cap${i}-${Date.now()}@example.com`, password: 'long enough pw', name: 'Cap' }).expect(201);
    }
    const email = `cap-over-${Date.now()}@example.com`;
    const res = await request(capped).post('/api/auth/register').send({ email, password: 'long enough pw', name: 'Cap' }).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
    expect(await UserModel.countDocuments({ email })).toBe(0);
  });
});

describe('sessions that end', () => {
  it('when a user signs out on one device, then that token stops working and their other sessions go on', async () => {
    const user = await createUser(app);
    const other = (await login(user.email, user.password).expect(200)).body.token as string;
    await request(app).post('/api/auth/logout').set(bearer(user)).expect(204);
    await request(app).get('/api/me').set(bearer(user)).expect(401);
    await request(app).get('/api/me').set(bearer({ token: other })).expect(200);
  });

  it('when a browser signs out, then the cookie token is refused even if someone kept a copy', async () => {
    const user = await createUser(app);
    await request(app).post('/logout').set(session(user)).expect(303);
    await request(app).get('/api/me').set('Cookie', `ate_session=${user.token}`).expect(401);
  });

  it('when a user signs out everywhere, then every session of theirs ends at once', async () => {
    const user = await createUser(app);
    const other = (await login(user.email, user.password).expect(200)).body.token as string;
    await request(app).post('/logout/everywhere').set(session(user)).expect(303);
    await request(app).get('/api/me').set(bearer(user)).expect(401);
    await request(app).get('/api/me').set(bearer({ token: other })).expect(401);
    await login(user.email, user.password).expect(200);
  });

  it('when the password is changed, then other sessions end, this one continues with a new token, and only the new password works', async () => {
    const user = await createUser(app);
    const other = (await login(user.email, user.password).expect(200)).body.token as string;
    const res = await request(app).post('/api/me/password').set(bearer(user)).send({ currentPassword: user.password, newPassword: 'a brand new password' }).expect(200);
    await request(app).get('/api/me').set(bearer({ token: other })).expect(401);
    await request(app).get('/api/me').set(bearer(user)).expect(401);
    await request(app).get('/api/me').set(bearer({ token: res.body.token })).expect(200);
    await login(user.email, user.password).expect(401);
    await login(user.email, 'a brand new password').expect(200);
  });

  it('when the current password given is wrong, then 401, nothing changes and sessions go on', async () => {
    const user = await createUser(app);
    const before = (await UserModel.findById(user.id).select('+passwordHash').lean())!;
    const res = await request(app).post('/api/me/password').set(bearer(user)).send({ currentPassword: 'not it at all', newPassword: 'a brand new password' }).expect(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    const after = (await UserModel.findById(user.id).select('+passwordHash').lean())!;
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    await request(app).get('/api/me').set(bearer(user)).expect(200);
  });

  it('when the password is changed on the account page, then the browser stays signed in with a new cookie', async () => {
    const user = await createUser(app);
    const res = await request(app).post('/account/password').set(session(user)).type('form').send({ currentPassword: user.password, newPassword: 'page changed password' }).expect(303);
    expect(res.headers.location).toBe('/account?saved=password');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('ate_session='))!.split(';')[0]!;
    await request(app).get('/api/me').set('Cookie', cookie).expect(200);
    await request(app).get('/api/me').set('Cookie', `ate_session=${user.token}`).expect(401);
  });
});

describe('names a certificate can carry', () => {
  it.each([
    ['a right-to-left override', 'Zhang\u202Eyu', 6, 'U+202E', 'bidi'],
    ['a zero-width space', '张\u200B三', 2, 'U+200B', 'invisible'],
    ['a control character', 'Li\u0007 Wei', 3, 'U+0007', 'control'],
    ['a private-use character', 'Wang\uE000', 5, 'U+E000', 'private-use'],
    ['a byte-order mark', '\uFEFFLiu', 1, 'U+FEFF', 'invisible'],
  ])('when a name holds %s, then 400 naming its position and nothing is stored', async (_label, name, position, codePoint, kind) => {
    const email = `name-${Math.random().toString(36).slice(2)}@example.com`;
    const res = await request(app).post('/api/auth/register').set('Accept-Language', 'en').send({ email, password: 'long enough pw', name }).expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'name', code: 'name_character', params: { position, codePoint, kind } })]);
    expect(res.body.error.details[0].message).toContain(`Character ${position} (${codePoint})`);
    expect(await UserModel.countDocuments({ email })).toBe(0);
  });

  it('when a name is refused in Chinese, then the message is in Chinese', async () => {
    const res = await request(app).post('/api/auth/register').set('Accept-Language', 'zh-CN').send({ email: 'zh-name@example.com', password: 'long enough pw', name: '王\u202E芳' }).expect(400);
    expect(res.body.error.details[0].message).toBe('第 2 个字符（U+202E）不能用于姓名：这是双向文本控制符，可能使文字以不同顺序显示。');
  });

  it('when a name is decomposed, spaced out, or in CJK Extension B, then it is stored in NFC with single spaces', async () => {
    const res = await request(app).post('/api/auth/register').send({ email: 'nfc@example.com', password: 'long enough pw', name: '  Jose\u0301\u3000  Garcia ', nameZh: '𠀀明' }).expect(201);
    expect(res.body.user.name).toBe('Jos\u00e9 Garcia');
    expect(res.body.user.nameZh).toBe('𠀀明');
  });

  it('when a profile update carries a bidi override, then 400 and the stored name is unchanged', async () => {
    const user = await createUser(app, ['candidate'], { name: 'Chen Jie' });
    await request(app).patch('/api/me').set(bearer(user)).send({ nameZh: '陈\u202E杰' }).expect(400);
    expect((await UserModel.findById(user.id).lean())!.nameZh).toBeUndefined();
  });
});

describe('the audit log of sign-ins', () => {
  it('when sign-ins fail until the account locks, then each failure and the lockout are recorded with the address; a password change and signing out everywhere too', async () => {
    const { AuditModel } = await import('../src/components/audit/audit.model');
    const user = await createUser(app);
    for (let i = 0; i < 10; i++) await login(user.email, `wrong ${i}`).expect(401);
    const entries = await AuditModel.find({ 'target.id': user.id }).sort({ at: 1, _id: 1 }).lean();
    expect(entries.filter((e) => e.action === 'auth.login_failed')).toHaveLength(10);
    expect(entries.filter((e) => e.action === 'auth.lockout')).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: null, target: { type: 'user', label: user.email }, after: { failures: 1 } });
    expect(entries[0]!.ip).toMatch(/127\.0\.0\.1/);
    const unknown = `ghost-${user.id}@example.com`;
    await login(unknown, 'whatever pw').expect(401);
    expect(await AuditModel.countDocuments({ action: 'auth.login_failed', 'target.id': `email:${unknown}` })).toBe(1);

    const other = await createUser(app);
    await request(app).post('/api/me/password').set(bearer(other)).send({ currentPassword: other.password, newPassword: 'yet another password' }).expect(200);
    const again = (await login(other.email, 'yet another password').expect(200)).body.token as string;
    await request(app).post('/api/auth/logout-all').set(bearer({ token: again })).expect(204);
    expect((await AuditModel.find({ 'target.id': other.id }).sort({ at: 1, _id: 1 }).lean()).map((e) => e.action)).toEqual(['auth.password_changed', 'auth.signed_out_everywhere']);
  });
});
