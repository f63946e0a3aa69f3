import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { UserModel } from '../src/components/accounts/user.model';
import { buildTestApp, createUser, TEST_PUBLIC_URL } from './helpers/app';
import { useTestDatabase } from './helpers/database';

useTestDatabase();
const { app } = buildTestApp();

const cookie = (token: string) => `ate_session=${token}`;
/** A fragment no other test's users contain, so each test sees only its own accounts. */
const marker = () => `m${randomBytes(4).toString('hex')}`;
/** One role form per listed user. */
const rowCount = (html: string) => (html.match(/class="role-form"/g) ?? []).length;
/** Handlebars escapes "=" and "&" in attributes; links are easier to read with them decoded. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const storedRoles = async (id: string) => (await UserModel.findById(id).lean())?.roles;

describe('GET /admin/users', () => {
  it('when an administrator opens the list, then each user shows name, Chinese name, email, roles and creation date', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app, ['candidate'], { email: `wang.${m}@example.com`, name: `Wang Fang ${m}`, nameZh: '王芳' });
    const res = await request(app).get(`/admin/users?q=${m}`).set('Cookie', cookie(admin.token)).set('Accept-Language', 'en').expect(200);
    expect(res.text).toContain(`Wang Fang ${m}`);
    expect(res.text).toContain('王芳');
    expect(res.text).toContain(`wang.${m}@example.com`);
    expect(res.text).toContain('<span class="role role-candidate">Candidate</span>');
    const created = (await UserModel.findById(target.id).lean())!.createdAt.toISOString().slice(0, 10);
    expect(res.text).toContain(`>${created}</time>`);
    expect(decoded(res.text)).toContain(`action="/admin/users/${target.id}/roles?q=${m}"`);
    expect(res.text).toContain('href="/admin/certificates"');
    expect(rowCount(res.text)).toBe(1);
  });

  it('when the page is asked for in Chinese, then labels are Chinese', async () => {
    const admin = await createUser(app, ['admin']);
    const res = await request(app).get('/admin/users').set('Cookie', cookie(admin.token)).set('Accept-Language', 'zh-CN').expect(200);
    expect(res.text).toContain('用户账号');
    expect(res.text).toContain('修改角色');
  });

  it('when searching by an email fragment in another case or by Chinese name, then only those users are listed', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    await createUser(app, ['candidate'], { email: `li.lei.${m}@example.com`, name: 'Li Lei' });
    await createUser(app, ['candidate'], { email: `other.${m}@example.com`, name: `Han Meimei`, nameZh: `韩梅梅${m}` });
    const byEmail = await request(app).get(`/admin/users?q=${encodeURIComponent(`LI.LEI.${m.toUpperCase()}`)}`).set('Cookie', cookie(admin.token)).expect(200);
    expect(byEmail.text).toContain(`li.lei.${m}@example.com`);
    expect(byEmail.text).not.toContain(`other.${m}@example.com`);
    expect(rowCount(byEmail.text)).toBe(1);
    const byChineseName = await request(app).get(`/admin/users?q=${encodeURIComponent(`梅梅${m}`)}`).set('Cookie', cookie(admin.token)).expect(200);
    expect(byChineseName.text).toContain(`other.${m}@example.com`);
    expect(rowCount(byChineseName.text)).toBe(1);
  });

  it('when q holds regular-expression characters, then they match literally', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    await createUser(app, ['candidate'], { name: `Literal (a.b) ${m}` });
    await createUser(app, ['candidate'], { name: `Pattern aXb ${m}` });
    const literal = await request(app).get(`/admin/users?q=${encodeURIComponent(`(a.b) ${m}`)}`).set('Cookie', cookie(admin.token)).expect(200);
    expect(literal.text).toContain(`Literal (a.b) ${m}`);
    expect(literal.text).not.toContain(`Pattern aXb ${m}`);
    for (const q of ['.*', '[', '(?i)^', '\\']) {
      const res = await request(app).get(`/admin/users?q=${encodeURIComponent(q)}`).set('Cookie', cookie(admin.token)).expect(200);
      expect(rowCount(res.text)).toBe(0);
    }
  });

  it('when filtering by role, then only users holding it are listed', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    await createUser(app, ['candidate'], { name: `Cand ${m}` });
    await createUser(app, ['examiner'], { name: `Exam ${m}` });
    const res = await request(app).get(`/admin/users?q=${m}&role=examiner`).set('Cookie', cookie(admin.token)).expect(200);
    expect(res.text).toContain(`Exam ${m}`);
    expect(res.text).not.toContain(`Cand ${m}`);
    expect(res.text).toContain('<option value="examiner" selected>');
  });

  it('when more than 50 users match, then the list pages by 50 and links keep the search', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    await UserModel.insertMany(
      Array.from({ length: 51 }, (_, i) => ({ email: `bulk${i}.${m}@example.com`, name: `Bulk ${i}`, passwordHash: 'unused', roles: ['candidate'] })),
    );
    const first = await request(app).get(`/admin/users?q=${m}`).set('Cookie', cookie(admin.token)).set('Accept-Language', 'en').expect(200);
    expect(rowCount(first.text)).toBe(50);
    expect(first.text).toContain('51 accounts');
    expect(decoded(first.text)).toContain(`href="/admin/users?q=${m}&page=2" rel="next"`);
    const second = await request(app).get(`/admin/users?q=${m}&page=2`).set('Cookie', cookie(admin.token)).expect(200);
    expect(rowCount(second.text)).toBe(1);
    expect(decoded(second.text)).toContain(`/roles?q=${m}&page=2"`);
  });

  it('when the filters are invalid, then 400 with a message and the unfiltered list', async () => {
    const admin = await createUser(app, ['admin']);
    const res = await request(app).get('/admin/users?role=superuser&page=0').set('Cookie', cookie(admin.token)).set('Accept-Language', 'en').expect(400);
    expect(res.text).toContain('The search or filter is not valid');
    expect(rowCount(res.text)).toBeGreaterThan(0);
  });
});

describe('POST /admin/users/:id/roles', () => {
  it('when an administrator grants examiner with the form, then the stored roles change and the list comes back with its search', async () => {
    const m = marker();
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app, ['candidate'], { name: `Target ${m}` });
    const res = await request(app)
      .post(`/admin/users/${target.id}/roles?q=${m}&page=1`)
      .set('Cookie', cookie(admin.token))
      .set('Origin', TEST_PUBLIC_URL)
      .type('form')
      .send('roles=candidate&roles=examiner')
      .expect(303);
    expect(res.headers.location).toBe(`/admin/users?q=${m}&saved=1`);
    expect(await storedRoles(target.id)).toEqual(['candidate', 'examiner']);
    const list = await request(app).get(res.headers.location!).set('Cookie', cookie(admin.token)).set('Accept-Language', 'en').expect(200);
    expect(list.text).toContain('Roles saved.');
    expect(list.text).toContain('<span class="role role-examiner">Examiner</span>');
  });

  it('when the only administrator unticks admin, then 409 with the last_admin message and nothing changes', async () => {
    await UserModel.updateMany({ roles: 'admin' }, { $set: { roles: ['candidate'] } });
    const admin = await createUser(app, ['admin']);
    const res = await request(app)
      .post(`/admin/users/${admin.id}/roles`)
      .set('Cookie', cookie(admin.token))
      .set('Origin', TEST_PUBLIC_URL)
      .set('Accept-Language', 'en')
      .type('form')
      .send('roles=candidate')
      .expect(409);
    expect(res.text).toContain('This is the last administrator');
    expect(res.text).toContain(`<tr id="user-${admin.id}" class="row-error">`);
    expect(await storedRoles(admin.id)).toEqual(['admin']);
  });

  it('when an administrator gives up their own admin role while another remains, then it is saved and they leave the admin area', async () => {
    await createUser(app, ['admin']);
    const admin = await createUser(app, ['admin', 'examiner']);
    const res = await request(app).post(`/admin/users/${admin.id}/roles`).set('Cookie', cookie(admin.token)).set('Origin', TEST_PUBLIC_URL).type('form').send('roles=examiner').expect(303);
    expect(res.headers.location).toBe('/');
    expect(await storedRoles(admin.id)).toEqual(['examiner']);
  });

  it('when no role is ticked, then 400 asking for a role and nothing changes', async () => {
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app, ['examiner']);
    const res = await request(app).post(`/admin/users/${target.id}/roles`).set('Cookie', cookie(admin.token)).set('Origin', TEST_PUBLIC_URL).set('Accept-Language', 'zh-CN').type('form').send('').expect(400);
    expect(res.text).toContain('请至少选择一个角色。');
    expect(await storedRoles(target.id)).toEqual(['examiner']);
  });

  it('when the form names an unknown role or user, then 400 or 404 on the page and nothing changes', async () => {
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app);
    await request(app).post(`/admin/users/${target.id}/roles`).set('Cookie', cookie(admin.token)).set('Origin', TEST_PUBLIC_URL).type('form').send('roles=superuser').expect(400);
    expect(await storedRoles(target.id)).toEqual(['candidate']);
    const missing = await request(app).post('/admin/users/0123456789abcdef01234567/roles').set('Cookie', cookie(admin.token)).set('Origin', TEST_PUBLIC_URL).set('Accept-Language', 'en').type('form').send('roles=examiner').expect(404);
    expect(missing.text).toContain('This account no longer exists.');
  });
});

describe('access', () => {
  it('when a candidate opens the list or posts the form, then 403 and nothing changes', async () => {
    const candidate = await createUser(app);
    const res = await request(app).get('/admin/users').set('Cookie', cookie(candidate.token)).set('Accept-Language', 'en').expect(403);
    expect(res.text).toContain('You do not have permission to see this page.');
    await request(app).post(`/admin/users/${candidate.id}/roles`).set('Cookie', cookie(candidate.token)).set('Origin', TEST_PUBLIC_URL).type('form').send('roles=admin').expect(403);
    expect(await storedRoles(candidate.id)).toEqual(['candidate']);
  });

  it('when there is no session, then 303 to the sign-in page with the way back', async () => {
    const res = await request(app).get('/admin/users?q=li').expect(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/users?q=li')}`);
    const target = await createUser(app);
    const post = await request(app).post(`/admin/users/${target.id}/roles`).type('form').send('roles=admin').expect(303);
    expect(post.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/users')}`);
    expect(await storedRoles(target.id)).toEqual(['candidate']);
  });

  it('when an administrator is signed in, then the header links to the administration area; for a candidate it does not', async () => {
    const admin = await createUser(app, ['admin']);
    const candidate = await createUser(app);
    const forAdmin = await request(app).get('/').set('Cookie', cookie(admin.token)).expect(200);
    expect(forAdmin.text).toContain('href="/admin/users"');
    const forCandidate = await request(app).get('/').set('Cookie', cookie(candidate.token)).expect(200);
    expect(forCandidate.text).not.toContain('href="/admin/users"');
  });
});
