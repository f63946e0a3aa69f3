// Every route that reads an upload or a multipart form, fed broken bodies byte by byte: each one must end
// in a 4xx (or a closed connection the client caused), the server must keep answering, nothing must be
// stored, and the next valid request must succeed. One unhandled stream error would stop the process for
// every candidate, and jest would fail this file.
import request from 'supertest';
import { QuestionModel } from '../src/components/questions/question.model';
import { CertificateModel } from '../src/components/certificates/certificate.model';
import { bearer, buildTestApp, createUser, session, TEST_PUBLIC_URL, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { listen, multipartBody, rawRequest, type RawResponse } from './helpers/raw-http';
import { correctResponses, publishedExam, seedSmallBank } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let port: number;
let close: () => Promise<void>;
let examiner: TestUser;
let candidate: TestUser;
let attemptId: string;
let certificatePdf: Buffer;

const GIFT = '::Q1:: 验证集用于调整超参数。{T}\n';

beforeAll(async () => {
  ({ port, close } = await listen(app));
  await seedSmallBank(12);
  [examiner, candidate] = await Promise.all([createUser(app, ['examiner']), createUser(app, ['candidate'], { name: 'Wang Fang', nameZh: '王芳' })]);
  // A certificate to upload: pass a short certification exam.
  const certExam = await publishedExam(app, examiner, { code: 'UPLOAD-CERT', mode: 'certification', count: 5 });
  const cert = (await request(app).post(`/api/exams/${certExam}/attempts`).set(bearer(candidate)).expect(201)).body.attempt;
  for (const [itemId, response] of Object.entries(await correctResponses(cert.id))) {
    await request(app).put(`/api/attempts/${cert.id}/answers/${itemId}`).set(bearer(candidate)).send({ response }).expect(200);
  }
  await request(app).post(`/api/attempts/${cert.id}/submit`).set(bearer(candidate)).expect(200);
  const number = (await CertificateModel.findOne({ attemptId: cert.id }).lean())!.number;
  certificatePdf = (await request(app).get(`/api/certificates/${number}/pdf`).set(bearer(candidate)).buffer(true).parse((res, cb) => {
    const parts: Buffer[] = [];
    res.on('data', (c: Buffer) => parts.push(c));
    res.on('end', () => cb(null, Buffer.concat(parts)));
  }).expect(200)).body as Buffer;
  // An attempt in progress for the no-JavaScript paper form.
  const mock = await publishedExam(app, examiner, { code: 'UPLOAD-MOCK', count: 5 });
  attemptId = (await request(app).post(`/api/exams/${mock}/attempts`).set(bearer(candidate)).expect(201)).body.attempt.id;
}, 60_000);

afterAll(() => close());

interface UploadRoute {
  name: string;
  path: () => string;
  /** Headers that authenticate the request (bearer, or the session cookie with our own Origin). */
  auth: () => Record<string, string>;
  file: () => { filename: string; type: string; data: Buffer | string; name?: string };
  fields?: Record<string, string>;
  limitBytes: number;
  /** What a well-formed request gets back. */
  ok: (res: RawResponse) => void;
}

const pageAuth = (user: () => TestUser) => () => ({ ...session(user()), Origin: TEST_PUBLIC_URL });

const ROUTES: UploadRoute[] = [
  {
    name: 'POST /api/certificates/verify-pdf (anyone)',
    path: () => '/api/certificates/verify-pdf',
    auth: () => ({}),
    file: () => ({ filename: 'certificate.pdf', type: 'application/pdf', data: certificatePdf }),
    limitBytes: 5 * 1024 * 1024,
    ok: (res) => {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).status).toBe('valid');
    },
  },
  {
    name: 'POST /api/questions/import (examiner API)',
    path: () => '/api/questions/import?format=gift&domain=intelligent-training&levels=3',
    auth: () => bearer(examiner),
    file: () => ({ filename: 'bank.gift', type: 'text/plain', data: GIFT.replace('Q1', `Q${Math.random().toString(36).slice(2, 8)}`).replace('验证集', `验证集${Math.random()}`) }),
    limitBytes: 20 * 1024 * 1024,
    ok: (res) => {
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body).created).toBe(1);
    },
  },
  {
    name: 'POST /bank/import (examiner page)',
    path: () => '/bank/import',
    auth: pageAuth(() => examiner),
    file: () => ({ filename: 'bank.gift', type: 'text/plain', data: GIFT.replace('验证集', `验证集${Math.random()}`) }),
    fields: { format: 'gift', domain: 'intelligent-training', level3: '3' },
    limitBytes: 20 * 1024 * 1024,
    ok: (res) => expect(res.status).toBe(200),
  },
  {
    name: 'POST /attempts/:id/save (candidate paper form)',
    path: () => `/attempts/${attemptId}/save`,
    auth: pageAuth(() => candidate),
    // The paper form has no file: its parts are plain fields, sent here as one "file-less" part.
    file: () => ({ name: 'q1', filename: '', type: 'text/plain', data: 'true' }),
    limitBytes: 512 * 1024,
    ok: (res) => expect(res.status).toBe(303),
  },
];

const BOUNDARY = '----ateBoundary7MA4YWxkTrZu0gW';

function multipartHeaders(route: UploadRoute, length: number, boundary = BOUNDARY): Record<string, string> {
  return { ...route.auth(), 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(length), Accept: 'application/json' };
}

function validBody(route: UploadRoute): Buffer {
  const file = route.file();
  // The paper form's single field is sent as a plain field (no filename), as browsers do.
  if (file.filename === '') return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.name}"\r\n\r\n${String(file.data)}\r\n--${BOUNDARY}--\r\n`);
  return multipartBody(BOUNDARY, file, route.fields);
}

async function stillServing(route: UploadRoute): Promise<void> {
  const health = await rawRequest(port, { method: 'GET', path: '/healthz' });
  expect(health?.status).toBe(200);
  const body = validBody(route);
  const res = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, body.length), chunks: [body] });
  route.ok(res!);
}

function expectRefused(res: RawResponse | undefined, statuses: number[]): void {
  expect(res).toBeDefined();
  expect(statuses).toContain(res!.status);
  expect(res!.body).not.toMatch(/\s+at .+:\d+:\d+|node_modules|\/work\//);
}

describe.each(ROUTES)('$name', (route) => {
  let questionsBefore: number;
  beforeEach(async () => {
    questionsBefore = await QuestionModel.countDocuments({});
  });

  it('when the well-formed request is sent, then it succeeds', async () => {
    await stillServing(route);
  });

  it('when the body ends in the middle of a part (truncated), then 400 and the server keeps serving', async () => {
    const body = validBody(route);
    const cut = body.subarray(0, Math.max(60, Math.floor(body.length / 2)));
    const res = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, cut.length), chunks: [cut] });
    expectRefused(res, [400]);
    expect(await QuestionModel.countDocuments({})).toBe(questionsBefore);
    await stillServing(route);
  });

  it('when the body is garbage under a multipart type, then 400 and the server keeps serving', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const res = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, garbage.length), chunks: [garbage] });
    expectRefused(res, [400]);
    expect(await QuestionModel.countDocuments({})).toBe(questionsBefore);
    await stillServing(route);
  });

  it('when the declared boundary is not the one in the body, then 400 and the server keeps serving', async () => {
    const body = validBody(route);
    const res = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, body.length, 'someOtherBoundary'), chunks: [body] });
    expectRefused(res, [400]);
    const noBoundary = await rawRequest(port, { path: route.path(), headers: { ...multipartHeaders(route, body.length), 'Content-Type': 'multipart/form-data' }, chunks: [body] });
    expectRefused(noBoundary, [400]);
    await stillServing(route);
  });

  it('when the body is over the limit (declared or streamed), then 413 and the server keeps serving', async () => {
    const declared = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, route.limitBytes * 2), chunks: [] , hangUp: false });
    expectRefused(declared, [413]);
    // Chunked, so the size is only known while it streams.
    const big = Buffer.alloc(route.limitBytes + 128 * 1024, 'a');
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const body = Buffer.concat([head, big, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
    const chunked = `${body.length.toString(16)}\r\n`;
    const { 'Content-Length': _omit, ...headers } = multipartHeaders(route, 0);
    const streamed = await rawRequest(port, { path: route.path(), headers: { ...headers, 'Transfer-Encoding': 'chunked' }, chunks: [chunked, body, '\r\n0\r\n\r\n'] });
    expectRefused(streamed, [413]);
    expect(await QuestionModel.countDocuments({})).toBe(questionsBefore);
    await stillServing(route);
  });

  it('when a body is dribbled in slowly, then other requests are answered meanwhile and it still succeeds', async () => {
    const body = validBody(route);
    const pieces = Array.from({ length: 8 }, (_, i) => body.subarray(Math.floor((i * body.length) / 8), Math.floor(((i + 1) * body.length) / 8)));
    const slow = rawRequest(port, { path: route.path(), headers: multipartHeaders(route, body.length), chunks: pieces, gapMs: 60 });
    const health = await rawRequest(port, { method: 'GET', path: '/healthz' });
    expect(health?.status).toBe(200);
    route.ok((await slow)!);
  });

  it('when the client hangs up halfway through the body, then the server keeps serving', async () => {
    const body = validBody(route);
    const res = await rawRequest(port, { path: route.path(), headers: multipartHeaders(route, body.length), chunks: [body.subarray(0, Math.floor(body.length / 2))], gapMs: 20, hangUp: true });
    expect(res).toBeUndefined();
    expect(await QuestionModel.countDocuments({})).toBe(questionsBefore);
    await stillServing(route);
  });
});
