import jwt from 'jsonwebtoken';
import request from 'supertest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/components/accounts/token';
import { UserModel } from '../src/components/accounts/user.model';
import { buildTestApp, createUser, TEST_SECRET } from './helpers/app';
import { useTestDatabase } from './helpers/database';

useTestDatabase();
const { app } = buildTestApp();

/** A token like ours (a fresh session at version 0) unless `claims`/`options` say otherwise. */
function signRaw(claims: object, options: jwt.SignOptions, secret = TEST_SECRET): string {
  const defaults: jwt.SignOptions = { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };
  return jwt.sign({ sid: 'rawSession0123456789', sv: 0, ...claims }, secret, { ...defaults, ...('exp' in claims ? {} : { expiresIn: 600 }), ...options });
}

/** Rewrites the payload's subject and keeps the original signature. */
function tamper(token: string, subject: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return [header, Buffer.from(JSON.stringify({ ...claims, sub: subject })).toString('base64url'), signature].join('.');
}

describe('registration', () => {
  it('when a visitor registers, then they get 201, a candidate user without a hash, and a working token', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .send({ email: '  Zhang.Yu@Example.COM ', password: 'long enough pw', name: 'Zhang Yu', nameZh: '张予' })
      .expect(201);
    expect(res.body.user).toMatchObject({ email: 'zhang.yu@example.com', name: 'Zhang Yu', nameZh: '张予', roles: ['candidate'] });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|scrypt/);
    const stored = await UserModel.findOne({ email: 'zhang.yu@example.com' }).select('+passwordHash').lean();
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('long enough pw');
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('when the email is already registered (in another case), then 409 email_taken and still one account', async () => {
    await createUser(app, ['candidate'], { email: 'dup@example.com' });
    const res = await request(app)
      .post('/api/auth/register')
      .send({ email: 'DUP@example.com', password: 'another password', name: 'Someone' })
      .expect(409);
    expect(res.body.error.code).toBe('email_taken');
    expect(await UserModel.countDocuments({ email: 'dup@example.com' })).toBe(1);
  });

  it('when the password is shorter than 10 characters, then 400 naming the password field and nothing stored', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .send({ email: 'short@example.com', password: '123456789', name: 'Short' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'password' })]);
    expect(await UserModel.countDocuments({ email: 'short@example.com' })).toBe(0);
  });

  it('when the body carries an unknown key (a self-granted role), then 400 with its path and no account', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .send({ email: 'sneaky@example.com', password: 'long enough pw', name: 'Sneaky', roles: ['admin'] })
      .expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'roles', code: 'unknown_field' })]);
    expect(await UserModel.countDocuments({ email: 'sneaky@example.com' })).toBe(0);
  });

  it('when fields have the wrong types, then 400 lists each field path', async () => {
    const res = await request(app).post('/api/auth/register').send({ email: 42, password: ['x'], name: null }).expect(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['email', 'name', 'password']);
  });
});

describe('login', () => {
  it('when the credentials are right, then 200 with the user and a token', async () => {
    const user = await createUser(app);
    const res = await request(app).post('/api/auth/login').send({ email: user.email.toUpperCase(), password: user.password }).expect(200);
    expect(res.body.user.id).toBe(user.id);
    expect(typeof res.body.token).toBe('string');
  });

  it('when the password is wrong or the email unknown, then the same 401 invalid_credentials', async () => {
    const user = await createUser(app);
    const wrong = await request(app).post('/api/auth/login').send({ email: user.email, password: 'not the password' }).expect(401);
    const unknown = await request(app).post('/api/auth/login').send({ email: 'nobody@example.com', password: user.password }).expect(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(unknown.body).toEqual(wrong.body);
  });
});

describe('tokens', () => {
  it('when no token is sent, then /api/me answers 401 unauthenticated', async () => {
    const res = await request(app).get('/api/me').expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('when a token is made exactly as ours are, then it is accepted (the control for the cases below)', async () => {
    const user = await createUser(app);
    await request(app).get('/api/me').set('Authorization', `Bearer ${signRaw({}, { subject: user.id })}`).expect(200);
  });

  it.each([
    ['without exp (jsonwebtoken would accept it forever)', (id: string) => jwt.sign({ sid: 'rawSession0123456789', sv: 0, iat: Math.floor(Date.now() / 1000) }, TEST_SECRET, { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, subject: id })],
    ['living longer than we ever sign for', (id: string) => signRaw({}, { subject: id, expiresIn: 365 * 86400 })],
    ['without a session id', (id: string) => signRaw({ sid: undefined }, { subject: id })],
    ['from an older session version', (id: string) => signRaw({ sv: -1 }, { subject: id })],
    ['tampered (payload edited, signature kept)', (id: string) => tamper(signRaw({}, { subject: '0123456789abcdef01234567' }), id)],
    ['expired', (id: string) => signRaw({ exp: Math.floor(Date.now() / 1000) - 10 }, { subject: id })],
    ['wrong audience', (id: string) => signRaw({}, { subject: id, audience: 'someone-else' })],
    ['wrong issuer', (id: string) => signRaw({}, { subject: id, issuer: 'someone-else' })],
    ['signed with another secret', (id: string) => signRaw({}, { subject: id }, 'another-secret-another-secret-xx')],
    ['unsigned (alg none)', (id: string) => jwt.sign({ sub: id, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE }, '', { algorithm: 'none' })],
  ])('when the token is %s, then 401 unauthenticated', async (_label, makeToken) => {
    const user = await createUser(app);
    const res = await request(app).get('/api/me').set('Authorization', `Bearer ${makeToken(user.id)}`).expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('when a well-formed token names a user that no longer exists, then 401', async () => {
    const user = await createUser(app);
    await UserModel.deleteOne({ _id: user.id });
    await request(app).get('/api/me').set('Authorization', `Bearer ${user.token}`).expect(401);
  });

  it('when the session cookie carries the token, then /api/me accepts it', async () => {
    const user = await createUser(app);
    const res = await request(app).get('/api/me').set('Cookie', `ate_session=${user.token}`).expect(200);
    expect(res.body.user.email).toBe(user.email);
  });
});

describe('roles', () => {
  it('when a candidate changes roles, then 403 forbidden and nothing changes', async () => {
    const candidate = await createUser(app);
    const res = await request(app)
      .patch(`/api/users/${candidate.id}/roles`)
      .set('Authorization', `Bearer ${candidate.token}`)
      .send({ roles: ['admin'] })
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await UserModel.findById(candidate.id).lean())?.roles).toEqual(['candidate']);
  });

  it('when an admin grants examiner, then 200 and the stored roles change', async () => {
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app);
    const res = await request(app)
      .patch(`/api/users/${target.id}/roles`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ roles: ['examiner', 'candidate', 'examiner'] })
      .expect(200);
    expect(res.body.user.roles).toEqual(['candidate', 'examiner']);
    expect((await UserModel.findById(target.id).lean())?.roles).toEqual(['candidate', 'examiner']);
    // A role change ends the target's sessions at once; signing in again gives the new roles.
    await request(app).get('/api/me').set('Authorization', `Bearer ${target.token}`).expect(401);
    const again = await request(app).post('/api/auth/login').send({ email: target.email, password: target.password }).expect(200);
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${again.body.token}`).expect(200);
    expect(me.body.user.roles).toContain('examiner');
  });

  it('when the only admin would lose the admin role, then 409 last_admin', async () => {
    await UserModel.updateMany({ roles: 'admin' }, { $set: { roles: ['candidate'] } });
    const admin = await createUser(app, ['admin']);
    const res = await request(app)
      .patch(`/api/users/${admin.id}/roles`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ roles: ['candidate'] })
      .expect(409);
    expect(res.body.error.code).toBe('last_admin');
    expect((await UserModel.findById(admin.id).lean())?.roles).toEqual(['admin']);
  });

  it('when the role is unknown or the list empty, then 400 with the field path', async () => {
    const admin = await createUser(app, ['admin']);
    const target = await createUser(app);
    const bad = await request(app)
      .patch(`/api/users/${target.id}/roles`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ roles: ['candidate', 'superuser'] })
      .expect(400);
    expect(bad.body.error.details[0].path).toBe('roles[1]');
    const empty = await request(app)
      .patch(`/api/users/${target.id}/roles`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ roles: [] })
      .expect(400);
    expect(empty.body.error.details[0].path).toBe('roles');
  });

  it('when the user id is malformed or unknown, then 404 not_found', async () => {
    const admin = await createUser(app, ['admin']);
    for (const id of ['not-an-id', '0123456789abcdef01234567', '{"$gt":""}']) {
      const res = await request(app)
        .patch(`/api/users/${encodeURIComponent(id)}/roles`)
        .set('Authorization', `Bearer ${admin.token}`)
        .send({ roles: ['examiner'] })
        .expect(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});
