// The real entry point: start, persist, stop, crash. These start their own embedded database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { startServer } from '../src/server';
import pg from 'pg';
import { equalityIndexSpecs } from '../src/db/postgres-indexes';

const ROOT = path.resolve(__dirname, '..');
const SERVER_JS = path.join(ROOT, 'dist', 'server.js');

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ate-${label}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

function childPids(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

/** Children, grandchildren…: FerretDB, PostgreSQL and PostgreSQL's own backends. */
function descendantPids(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendantPids(child)]);
}

const baseEnv = (dataDir: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  ADMIN_EMAIL: 'root@example.com',
  ADMIN_PASSWORD: 'admin password 1',
  CERTIFICATES_DIR: path.join(dataDir, 'certificates'),
  // These tests are about the process and its database; loading the bank on first start is
  // seed-bank.test.ts's, and would put the whole bank's insert inside each start's budget.
  SEED_ON_START: 'false',
});

describe('server lifecycle', () => {
  it('when the server restarts on the same DATA_DIR, then accounts and sessions survive, and the database process is gone after stop', async () => {
    const dataDir = tempDir('persist');
    const config = loadConfig(baseEnv(dataDir));

    const first = await startServer(config);
    const firstPids = first.database.embeddedPids;
    expect(first.database.backend).toMatch(/ferretdb|mongod/);
    expect(firstPids.length).toBeGreaterThan(0);
    await request(first.url).get('/healthz').expect(200, { status: 'ok', db: 'up' });
    // The suite runs on the default backend, PostgreSQL (TEST_EMBEDDED_DB=sqlite is the one exception).
    if (process.env.TEST_EMBEDDED_DB !== 'sqlite') expect(first.database.postgresSocketDir).toBeDefined();
    if (first.database.postgresSocketDir) {
      // On the PostgreSQL backend, equality look-ups have their indexes (db/postgres-indexes.ts).
      const pgClient = new pg.Client({ host: first.database.postgresSocketDir, user: 'postgres', database: 'postgres' });
      await pgClient.connect();
      const made = await pgClient.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'ai_trainer_exam' AND indexname LIKE 'ate\\_eq\\_%' AND indexdef LIKE '%gin%fastupdate%off%'`);
      await pgClient.end();
      expect(made.rowCount).toBe(equalityIndexSpecs().length);
    }
    const registered = await request(first.url)
      .post('/api/auth/register')
      .send({ email: 'keep@example.com', password: 'persisted pw', name: 'Keep' })
      .expect(201);
    await first.stop();
    for (const pid of firstPids) expect([pid, isAlive(pid)]).toEqual([pid, false]);

    const second = await startServer(config);
    try {
      await request(second.url).post('/api/auth/login').send({ email: 'keep@example.com', password: 'persisted pw' }).expect(200);
      // The generated JWT secret lives under DATA_DIR, so the old token is still accepted.
      await request(second.url).get('/api/me').set('Authorization', `Bearer ${registered.body.token}`).expect(200);
      // The first start created the administrator once; the restart did not create another.
      await request(second.url).post('/api/auth/login').send({ email: 'root@example.com', password: 'admin password 1' }).expect(200);
      expect(fs.existsSync(path.join(dataDir, 'secrets', 'jwt-secret'))).toBe(true);
    } finally {
      await second.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('as a process (dist/server.js)', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child?.pid && isAlive(child.pid)) child.kill('SIGKILL');
    });

    it('when the app is killed with SIGKILL, then its embedded database does not outlive it', async () => {
      const dataDir = tempDir('crash');
      child = spawn(process.execPath, [SERVER_JS], {
        env: { ...baseEnv(dataDir), LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      await waitFor(() => /"msg":"listening"/.test(output));
      const dbPids = descendantPids(child.pid!);
      expect(dbPids.length).toBeGreaterThanOrEqual(1);
      child.kill('SIGKILL');
      await waitFor(() => dbPids.every((pid) => !isAlive(pid)), 20_000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('when it gets SIGTERM, then it exits 0 and stops its embedded database', async () => {
      const dataDir = tempDir('sigterm');
      child = spawn(process.execPath, [SERVER_JS], { env: { ...baseEnv(dataDir), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      await waitFor(() => /"msg":"listening"/.test(output));
      const dbPids = descendantPids(child.pid!);
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // A clean stop waits for its databases: nothing of them is left when the app has exited.
      expect(dbPids.filter((pid) => isAlive(pid))).toEqual([]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it.each([
      ['PORT', { PORT: 'abc' }],
      ['PORT', { PORT: '70000' }],
      ['JWT_TTL', { JWT_TTL: 'soon' }],
      ['JWT_SECRET', { NODE_ENV: 'production' }],
      ['MONGODB_URI', { MONGODB_URI: 'http://not-mongo' }],
    ])('when %s is invalid, then start-up stops with a message naming it', (variable, overrides) => {
      const dataDir = tempDir('badcfg');
      const result = spawnSync(process.execPath, [SERVER_JS], { env: { ...baseEnv(dataDir), ...overrides }, encoding: 'utf8', timeout: 15_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(variable);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('when no database can be started, then it exits 1 with one paragraph on how to set MONGODB_URI', () => {
      const dataDir = tempDir('nodb');
      const result = spawnSync(process.execPath, [SERVER_JS], {
        env: { ...baseEnv(dataDir), PATH: '/usr/bin:/bin', FERRETDB_BIN: path.join(dataDir, 'missing-ferretdb') },
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('MONGODB_URI=mongodb://');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
  });
});
