import request from 'supertest';
import { UserModel } from '../src/components/accounts/user.model';
import { buildTestApp, createUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';

useTestDatabase();
const { app } = buildTestApp();

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('ate_session='));
}

describe('language', () => {
  it('when the browser prefers English, then the home page is in English', async () => {
    const res = await request(app).get('/').set('Accept-Language', 'en-GB,en;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Level 3 (Senior)');
  });

  it('when the browser prefers Chinese or says nothing, then the page is in Chinese', async () => {
    for (const header of ['zh-CN,zh;q=0.9,en;q=0.8', '']) {
      const res = await request(app).get('/').set('Accept-Language', header).expect(200);
      expect(res.text).toContain('<html lang="zh-CN">');
      expect(res.text).toContain('三级/高级工');
    }
  });

  it('when ?lang=en is given, then it overrides Accept-Language', async () => {
    const res = await request(app).get('/login?lang=en').set('Accept-Language', 'zh-CN').expect(200);
    expect(res.text).toContain('Sign in');
  });

  it('when the language switch is used, then a cookie keeps the choice and the visitor returns to the page', async () => {
    const res = await request(app).get('/lang/en?next=/login').expect(303);
    expect(res.headers.location).toBe('/login');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('lang=en'));
    expect(cookie).toBeDefined();
    const page = await request(app).get('/login').set('Cookie', 'lang=en').set('Accept-Language', 'zh-CN').expect(200);
    expect(page.text).toContain('<html lang="en">');
  });

  it('when next= points off-site, then the switch redirects home instead', async () => {
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const res = await request(app).get(`/lang/en?next=${encodeURIComponent(next)}`).expect(303);
      expect(res.headers.location).toBe('/');
    }
  });
});

describe('register, sign in and sign out without JavaScript', () => {
  it('when the register form is posted, then the account exists, a session cookie is set and the header greets the user', async () => {
    const res = await request(app)
      .post('/register')
      .type('form')
      .send({ name: 'Li Hua', nameZh: '', email: 'lihua@example.com', password: 'a long password' })
      .expect(303);
    expect(res.headers.location).toBe('/');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(await UserModel.countDocuments({ email: 'lihua@example.com' })).toBe(1);
    const home = await request(app).get('/').set('Cookie', cookie.split(';')[0]!).set('Accept-Language', 'en').expect(200);
    expect(home.text).toContain('Signed in as Li Hua');
  });

  it('when the register form is invalid, then 400 with field messages in the page language and no account', async () => {
    const res = await request(app)
      .post('/register?lang=zh-CN')
      .type('form')
      .send({ name: 'Wang', email: 'not-an-email', password: 'short' })
      .expect(400);
    expect(res.text).toContain('请输入有效的电子邮箱。');
    expect(res.text).toContain('密码至少需要 10 个字符。');
    expect(res.text).toContain('value="Wang"');
    expect(await UserModel.countDocuments({ name: 'Wang' })).toBe(0);
  });

  it('when sign-in fails, then 401 with the error on the form and no cookie', async () => {
    const user = await createUser(app);
    const res = await request(app).post('/login').type('form').send({ email: user.email, password: 'wrong password!' }).set('Accept-Language', 'en').expect(401);
    expect(res.text).toContain('The email or password is wrong.');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('when sign-in succeeds with a same-site next, then the browser goes there; an off-site next is ignored', async () => {
    const user = await createUser(app);
    const ok = await request(app).post('/login').type('form').send({ email: user.email, password: user.password, next: '/lang/en' }).expect(303);
    expect(ok.headers.location).toBe('/lang/en');
    expect(sessionCookie(ok)).toBeDefined();
    const offsite = await request(app).post('/login').type('form').send({ email: user.email, password: user.password, next: '//evil.example' }).expect(303);
    expect(offsite.headers.location).toBe('/');
  });

  it('when the user signs out, then the session cookie is cleared', async () => {
    const res = await request(app).post('/logout').expect(303);
    expect(sessionCookie(res)).toMatch(/ate_session=;.*Expires=Thu, 01 Jan 1970/i);
  });
});

describe('escaping', () => {
  it('when a user name contains HTML, then pages show it as text', async () => {
    const user = await createUser(app, ['candidate'], { name: '<script>alert(1)</script>' });
    const res = await request(app).get('/').set('Cookie', `ate_session=${user.token}`).expect(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
