// Fault drills on the real entry point: the server killed outright in the middle of an exam, the
// database going away while candidates autosave, and two app instances racing on one database.
// Every wait here waits for an event (a log line, a health answer) within a budget; none sleeps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded-database';
import { examViaApi, registerVia, startServerProcess, type ApiUser, type ServerProcess } from './helpers/server-process';

jest.setTimeout(300_000);

const ADMIN = { email: 'drill-admin@example.com', password: 'drill admin password' };
const running: ServerProcess[] = [];
const dirs: string[] = [];

function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ate-drill-${label}-`));
  dirs.push(dir);
  return dir;
}

async function start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const server = await startServerProcess({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env });
  running.push(server);
  return server;
}

afterAll(() => {
  for (const server of running) server.kill();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const auth = (user: Pick<ApiUser, 'token'>) => ({ Authorization: `Bearer ${user.token}` });

/** Polls until `check` holds, within `budgetMs` (for state another process reaches in its own time). */
async function eventually<T>(check: () => Promise<T | undefined>, budgetMs: number, what: string): Promise<T> {
  const until = Date.now() + budgetMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${budgetMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

interface PaperItem {
  itemId: string;
  stem: string;
}

describe('when the server is killed with SIGKILL in the middle of an exam and started again', () => {
  it('then every acknowledged answer is there with the value last acknowledged, and the deadline has not moved', async () => {
    const dataDir = tempDir('kill');
    const env = { DATA_DIR: dataDir, CERTIFICATES_DIR: path.join(dataDir, 'certificates') };
    const first = await start(env);
    const { examId } = await examViaApi(first.url, ADMIN, { code: 'DRILL-KILL', mode: 'mock', count: 12 });
    const candidate = await registerVia(first.url, 'candidate');
    const attempt = (await request(first.url).post(`/api/exams/${examId}/attempts`).set(auth(candidate)).expect(201)).body.attempt;
    const items = attempt.items as PaperItem[];

    // Answer every item, then change some answers: the last acknowledged value is what must survive.
    const acknowledged = new Map<string, boolean>();
    for (const [i, item] of items.entries()) {
      const res = await request(first.url).put(`/api/attempts/${attempt.id}/answers/${item.itemId}`).set(auth(candidate)).send({ response: i % 3 === 0 });
      if (res.status === 200) acknowledged.set(item.itemId, i % 3 === 0);
    }
    for (const item of items.slice(0, 4)) {
      const value = !acknowledged.get(item.itemId);
      const res = await request(first.url).put(`/api/attempts/${attempt.id}/answers/${item.itemId}`).set(auth(candidate)).send({ response: value });
      if (res.status === 200) acknowledged.set(item.itemId, value);
    }
    expect(acknowledged.size).toBe(items.length);
    // More saves in flight at the moment of the kill: whatever was acknowledged among them counts too.
    const inFlight = items.slice(4, 8).map((item) =>
      request(first.url).put(`/api/attempts/${attempt.id}/answers/${item.itemId}`).set(auth(candidate)).send({ response: !acknowledged.get(item.itemId) }).then(
        (res) => (res.status === 200 ? acknowledged.set(item.itemId, !acknowledged.get(item.itemId)) : undefined),
        () => undefined,
      ),
    );
    first.kill('SIGKILL');
    await Promise.all(inFlight);
    await first.exited();

    const second = await start(env);
    const after = (await request(second.url).get(`/api/attempts/${attempt.id}`).set(auth(candidate)).expect(200)).body.attempt;
    expect(after.status).toBe('in_progress');
    expect(after.deadline).toBe(attempt.deadline);
    expect(after.startedAt).toBe(attempt.startedAt);
    for (const [itemId, value] of acknowledged) expect([itemId, after.responses[itemId]?.response]).toEqual([itemId, value]);
    // And the exam goes on: the next save is accepted.
    await request(second.url).put(`/api/attempts/${attempt.id}/answers/${items[0]!.itemId}`).set(auth(candidate)).send({ response: true }).expect(200);
  });
});

describe('when the database stops while candidates autosave', () => {
  let db: EmbeddedDatabase;
  let dbDir: string;

  afterAll(async () => {
    await db?.stop();
  });

  it('then saves fail fast with 503 db_unavailable, /healthz says degraded, and the app recovers by itself when the database returns', async () => {
    dbDir = tempDir('db');
    const logger = pino({ level: 'silent' });
    db = await startEmbeddedDatabase({ dataDir: dbDir, logger, searchPath: process.env.PATH ?? '' });
    const port = Number(new URL(db.uri).port);
    const appDir = tempDir('app');
    const server = await start({ DATA_DIR: appDir, CERTIFICATES_DIR: path.join(appDir, 'certificates'), MONGODB_URI: `${db.uri}drill_db_outage` });
    const { examId } = await examViaApi(server.url, ADMIN, { code: 'DRILL-DB', mode: 'mock', count: 6 });
    const candidates = await Promise.all([1, 2, 3].map((n) => registerVia(server.url, `autosaver-${n}`)));
    const attempts = await Promise.all(candidates.map(async (c) => (await request(server.url).post(`/api/exams/${examId}/attempts`).set(auth(c)).expect(201)).body.attempt));
    const save = (i: number, response: boolean) => request(server.url).put(`/api/attempts/${attempts[i].id}/answers/q1`).set(auth(candidates[i]!)).send({ response });
    await Promise.all(attempts.map((_a, i) => save(i, true).expect(200)));

    await db.stop();
    const started = Date.now();
    const during = await Promise.all(attempts.map((_a, i) => save(i, false)));
    const elapsed = Date.now() - started;
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('db_unavailable');
      expect(res.headers['retry-after']).toBeDefined();
    }
    // The app waits 1.5 s for a database before answering; the rest is headroom for a loaded machine.
    expect(elapsed).toBeLessThan(4_000);
    const health = await request(server.url).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'degraded', db: 'down' });
    // The server process is still up: no restart is involved in what follows.
    expect(server.child.exitCode).toBeNull();

    db = await startEmbeddedDatabase({ dataDir: dbDir, logger, searchPath: process.env.PATH ?? '', fixedPort: port });
    await eventually(async () => ((await request(server.url).get('/healthz')).status === 200 ? true : undefined), 60_000, 'healthz back to ok');
    const recovered = await Promise.all(attempts.map((_a, i) => save(i, false)));
    for (const res of recovered) expect(res.status).toBe(200);
    const saved = (await request(server.url).get(`/api/attempts/${attempts[0].id}`).set(auth(candidates[0]!)).expect(200)).body.attempt;
    expect(saved.responses.q1.response).toBe(false);
  });
});

describe('when two app instances share one database and candidates race them', () => {
  let db: EmbeddedDatabase;

  afterAll(async () => {
    await db?.stop();
  });

  it('then each candidate has one attempt, each attempt is graded once, and each pass has exactly one certificate', async () => {
    const logger = pino({ level: 'silent' });
    db = await startEmbeddedDatabase({ dataDir: tempDir('shared-db'), logger, searchPath: process.env.PATH ?? '' });
    const shared = tempDir('shared');
    // What several instances must share: the database, the session secret and the certificate keys.
    const env = {
      MONGODB_URI: `${db.uri}drill_two_instances`,
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      CERT_KEYS_DIR: path.join(shared, 'keys'),
      CERTIFICATES_DIR: path.join(shared, 'certificates'),
    };
    const a = await start({ ...env, DATA_DIR: tempDir('instance-a') });
    const b = await start({ ...env, DATA_DIR: tempDir('instance-b') });
    const { examId, keyByStem } = await examViaApi(a.url, ADMIN, { code: 'DRILL-TWO', mode: 'certification', count: 5 });
    const candidates = await Promise.all(Array.from({ length: 8 }, (_v, n) => registerVia(n % 2 ? a.url : b.url, `racer-${n}`)));

    // Starts raced: three at once per candidate, spread over both instances.
    const starts = await Promise.all(candidates.flatMap((c) => [a, b, a].map((s) => request(s.url).post(`/api/exams/${examId}/attempts`).set(auth(c)))));
    for (const res of starts) expect([200, 201]).toContain(res.status);
    const attemptOf = new Map<string, string>();
    for (const [i, res] of starts.entries()) {
      const candidate = candidates[Math.floor(i / 3)]!;
      const id = res.body.attempt.id as string;
      expect(attemptOf.get(candidate.id) ?? id).toBe(id);
      attemptOf.set(candidate.id, id);
    }
    expect(starts.filter((r) => r.status === 201)).toHaveLength(candidates.length);

    // Half the candidates pass (every answer right), half fail (every answer wrong).
    await Promise.all(
      candidates.map(async (c, n) => {
        const attempt = starts[n * 3]!.body.attempt;
        for (const item of attempt.items as PaperItem[]) {
          const key = keyByStem.get(item.stem)!;
          await request(n % 2 ? b.url : a.url).put(`/api/attempts/${attempt.id}/answers/${item.itemId}`).set(auth(c)).send({ response: n < 4 ? key : !key }).expect(200);
        }
      }),
    );

    // Submits raced on both instances at once.
    const submits = await Promise.all(candidates.flatMap((c) => [a, b].map((s) => request(s.url).post(`/api/attempts/${attemptOf.get(c.id)}/submit`).set(auth(c)))));
    for (const res of submits) expect(res.status).toBe(200);
    for (let n = 0; n < candidates.length; n++) {
      const [first, second] = [submits[n * 2]!.body.result, submits[n * 2 + 1]!.body.result];
      // Graded once: both instances report the one stored grading, to the millisecond.
      expect(second.gradedAt).toBe(first.gradedAt);
      expect(first.passed).toBe(n < 4);
    }

    const admin = (await request(a.url).post('/api/auth/login').send(ADMIN).expect(200)).body.token as string;
    const certificates = (await request(b.url).get('/api/certificates').set({ Authorization: `Bearer ${admin}` }).expect(200)).body.items as Array<{ number: string; holder: { name: string } }>;
    expect(certificates).toHaveLength(4);
    expect(new Set(certificates.map((c) => c.holder.name))).toEqual(new Set(['racer-0', 'racer-1', 'racer-2', 'racer-3']));
    expect(new Set(certificates.map((c) => c.number)).size).toBe(4);
    // And either instance verifies what the other issued.
    for (const cert of certificates) {
      const verdict = (await request(a.url).get(`/api/certificates/${cert.number}?name=${encodeURIComponent(cert.holder.name)}`).expect(200)).body;
      expect(verdict.signature.valid).toBe(true);
    }
  });
});
