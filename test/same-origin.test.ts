// Cross-site requests: a page on another origin — including a sibling subdomain that SameSite=Lax lets
// through — must not be able to use a signed-in user's cookie to change anything.
import request from 'supertest';
import { UserModel } from '../src/components/accounts/user.model';
import { ExamModel } from '../src/components/exams/exam.model';
import { bearer, buildTestApp, createUser, session, TEST_PUBLIC_URL, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { changedCollections, digestDatabase } from './helpers/db-digest';
import { listRoutes } from './helpers/routes';
import { publishedExam, seedSmallBank } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let admin: TestUser;
let examiner: TestUser;
let target: TestUser;
let examId: string;

beforeAll(async () => {
  await seedSmallBank(6);
  [admin, examiner, target] = await Promise.all([createUser(app, ['admin']), createUser(app, ['examiner']), createUser(app)]);
  examId = await publishedExam(app, examiner, { code: 'CSRF-MOCK' });
});

const cookieOnly = (user: TestUser) => ({ Cookie: session(user).Cookie });

/** The ways a forged request arrives: another site, a sibling subdomain, no browser evidence at all. */
const FORGERIES: Array<[string, Record<string, string>]> = [
  ['another site', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
  ['a sibling subdomain (same-site)', { Origin: 'http://attacker.localhost:3000', 'Sec-Fetch-Site': 'same-site' }],
  ['an opaque origin', { Origin: 'null' }],
  ['a foreign referer only', { Referer: 'https://evil.example/page' }],
  ['no Origin, Referer or Sec-Fetch-Site', {}],
];

describe.each(FORGERIES)('when a cookie-authenticated request comes from %s', (_label, headers) => {
  it('then an admin role grant by form is refused with 403 cross_site_request and the roles stay', async () => {
    const res = await request(app).post(`/admin/users/${target.id}/roles`).set(cookieOnly(admin)).set(headers).set('Accept', 'application/json').type('form').send('roles=admin');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site_request');
    expect((await UserModel.findById(target.id).lean())!.roles).toEqual(['candidate']);
  });

  it('then unpublishing an exam by form is refused and the exam stays published', async () => {
    const res = await request(app).post(`/bank/exams/${examId}/unpublish`).set(cookieOnly(examiner)).set(headers).type('form').send('');
    expect(res.status).toBe(403);
    expect((await ExamModel.findById(examId).lean())!.status).toBe('published');
  });

  it('then the JSON API refuses it too when it rides on the cookie', async () => {
    const res = await request(app).patch(`/api/users/${target.id}/roles`).set(cookieOnly(admin)).set(headers).send({ roles: ['admin'] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site_request');
    expect((await UserModel.findById(target.id).lean())!.roles).toEqual(['candidate']);
  });
});

describe('every state-changing route', () => {
  // Listed from the routers themselves, so a new form or API route is covered without editing this.
  const routes = listRoutes(app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));

  it('when the list is taken, then it holds the forms and API calls we know of', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toEqual(expect.arrayContaining([{ method: 'POST', path: '/admin/users/:id/roles' }, { method: 'PUT', path: '/api/attempts/:id/answers/:itemId' }]));
  });

  it('when each is sent cross-site with an administrator\'s session cookie, then each answers 403 cross_site_request and the database is unchanged', async () => {
    const before = await digestDatabase();
    const refused: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'itemId' ? 'q1' : name === 'number' ? 'S000031000001263000001' : examId));
      const res = await request(app)[route.method.toLowerCase() as 'post'](path).set(cookieOnly(admin)).set({ Origin: 'https://evil.example', Accept: 'application/json' }).send({});
      if (res.status === 403 && res.body.error?.code === 'cross_site_request') refused.push(`${route.method} ${route.path}`);
    }
    expect(refused).toEqual(routes.map((r) => `${r.method} ${r.path}`));
    expect(changedCollections(before, await digestDatabase())).toEqual([]);
  });
});

describe('requests that are ours', () => {
  it('when the form comes from our own origin (as the browser says), then it goes through', async () => {
    const other = await createUser(app);
    await request(app).post(`/admin/users/${other.id}/roles`).set(cookieOnly(admin)).set({ Origin: TEST_PUBLIC_URL, 'Sec-Fetch-Site': 'same-origin' }).type('form').send('roles=examiner').expect(303);
    expect((await UserModel.findById(other.id).lean())!.roles).toEqual(['examiner']);
  });

  it('when the app is reached by another host name (a LAN address), then a form from that same origin goes through', async () => {
    const other = await createUser(app);
    await request(app).post(`/admin/users/${other.id}/roles`).set(cookieOnly(admin)).set({ Host: 'exam-centre.lan:8080', Origin: 'http://exam-centre.lan:8080' }).type('form').send('roles=examiner').expect(303);
  });

  it('when an API client uses a bearer token, then no Origin is needed', async () => {
    const other = await createUser(app);
    await request(app).patch(`/api/users/${other.id}/roles`).set(bearer(admin)).send({ roles: ['examiner'] }).expect(200);
  });

  it('when an anonymous script posts a sign-in form, then it is answered; from another site, it is refused', async () => {
    await request(app).post('/login').type('form').send({ email: 'nobody@example.com', password: 'wrong password' }).expect(401);
    const forged = await request(app).post('/login').set('Origin', 'https://evil.example').type('form').send({ email: target.email, password: target.password });
    expect(forged.status).toBe(403);
    expect(forged.headers['set-cookie']).toBeUndefined();
  });
});

describe('security headers by deployment', () => {
  it('when PUBLIC_URL is plain http, then no upgrade-insecure-requests and no HSTS', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('when PUBLIC_URL is https, then both are sent', async () => {
    const secure = buildTestApp({ publicUrl: 'https://exam.example.cn' }).app;
    const res = await request(secure).get('/').expect(200);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});

