import mongoose from 'mongoose';
import { Router } from 'express';
import request from 'supertest';
import { UserModel } from '../src/components/accounts/user.model';
import { buildTestApp } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { SERVER_SELECTION_TIMEOUT_MS } from '../src/db/database';

const database = useTestDatabase();
// A route that fails the way a bug would, to see what clients get for an unexpected error.
const broken = Router();
broken.get('/api/test-only/broken', () => {
  throw new Error('secret internal detail at /work/src/somewhere.ts:12:3');
});
const { app } = buildTestApp({ extraRouters: [broken] });

describe('HTTP hygiene', () => {
  it('when the database answers, then /healthz is 200 ok/up', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up' });
  });

  it('when a JSON body exceeds 1 MB, then 413 payload_too_large and nothing stored', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'big@example.com', password: 'long enough pw', name: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await UserModel.countDocuments({ email: 'big@example.com' })).toBe(0);
  });

  it('when the JSON is malformed, then 400 invalid_json', async () => {
    const res = await request(app).post('/api/auth/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('when an API body is not JSON, then 415 unsupported_media_type', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', 'text/plain')
      .send('email=a@b.c')
      .expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('when code fails unexpectedly, then a generic 500 internal with the request id and no stack or internal text', async () => {
    const res = await request(app).get('/api/test-only/broken').expect(500);
    expect(res.body.error.code).toBe('internal');
    expect(res.body.error.details.requestId).toBe(res.headers['x-request-id']);
    expect(res.text).not.toMatch(/secret|\/work\/|\.ts:\d+/);
  });

  it.each(['/verify/%E0%A4%A', '/api/certificates/%E0%A4%A', '/api/exams/%E0%A4%A', '/api/attempts/%zz/answers/q1', '/assets/%E0%A4%A', '/lang/%'])(
    'when a path is not valid percent-encoding (%s), then a 4xx with a stable code, never a 500',
    async (path) => {
      const res = await request(app).get(path).set('Accept', 'application/json');
      // Parameters fail to decode (400); a static file path that cannot decode is simply not found (404).
      expect([400, 404]).toContain(res.status);
      expect(res.body.error.code).toMatch(/^(invalid_path|not_found)$/);
    },
  );

  it('when an error answers an API call, then its message speaks the request language', async () => {
    const zh = await request(app).post('/api/auth/login').set('Content-Type', 'application/json').set('Accept-Language', 'zh-CN').send('{"email": ').expect(400);
    expect(zh.body.error.message).toBe('请求体不是有效的 JSON。');
    const en = await request(app).post('/api/auth/login').set('Content-Type', 'application/json').set('Accept-Language', 'en').send('{"email": ').expect(400);
    expect(en.body.error.message).toBe('The request body is not valid JSON.');
  });

  it('when an API route does not exist, then 404 not_found as JSON', async () => {
    const res = await request(app).get('/api/nothing-here').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String), details: null } });
  });

  it('when a browser asks for a missing page, then a 404 HTML page', async () => {
    const res = await request(app).get('/nothing-here').set('Accept', 'text/html').expect(404);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('404');
  });

  it('when any request arrives, then it carries a request id (a sane incoming one is kept)', async () => {
    const fresh = await request(app).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'trace-123');
    expect(kept.headers['x-request-id']).toBe('trace-123');
    const replaced = await request(app).get('/healthz').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).not.toContain('<');
  });

  it('when responses go out, then security headers are set and Express is not advertised', async () => {
    const res = await request(app).get('/');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

// Runs last in this file: it takes the database away.
describe('when the database is unreachable', () => {
  beforeAll(async () => {
    mongoose.set('bufferTimeoutMS', 300);
    await mongoose.disconnect();
  });

  it('then /healthz is 503 degraded/down', async () => {
    const res = await request(app).get('/healthz').expect(503);
    expect(res.body).toEqual({ status: 'degraded', db: 'down' });
  });

  it('then an API call fails at once with 503 db_unavailable, Retry-After, and no stack', async () => {
    const res = await request(app).post('/api/auth/login').send({ email: 'a@example.com', password: 'whatever pw' }).expect(503);
    expect(res.body.error.code).toBe('db_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|Mongo/);
  });

  afterAll(async () => {
    // Reconnect so the shared teardown can drop this file's database.
    mongoose.set('bufferTimeoutMS', SERVER_SELECTION_TIMEOUT_MS);
    await database.reconnect();
  });
});
