// bench/results.md: every measurement next to its target, with the machine, versions, date and backend,
// and the CPU each process used in each phase (what bounded it).
import type { Outcome } from './candidates';
import type { SaturationResult } from './saturation';

export interface Results {
  date: string;
  candidates: number;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  backend?: string;
  databaseVersion?: string;
  firstStartSeconds?: number;
  restartSeconds?: number;
  phases: Array<{ name: string; cpu: string; [key: string]: unknown }>;
  saturation?: Array<{ connections: number; app: SaturationResult; floor: SaturationResult; appCpu: string }>;
  acknowledgedCheck?: { checked: number; missing: number; different: number };
  growth?: { baseline: { start: number; save: number }; withResponses: { start: number; save: number }; withBank: { start: number; save: number } };
  submit?: { result: Outcome; graded: number; claims: number; passed: number; certificates: number; distinctAttemptsCertified: number; issuedAuditEntries: number; pdfs: number; pdfDownloads: Outcome; pdfsPerSecond: number; cpu: string };
  verify?: { requestsPerSecond: number; p50: number; p99: number; non2xx: number; errors: number; cpu: string };
  peakRssMb?: number;
}

const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
const ms = (n: number) => `${Math.round(n)} ms`;

function outcomeCell(o: Outcome): string {
  const failed = o.failed ? `, ${o.failed} failed ${JSON.stringify(o.statuses)}` : '';
  return `${o.ok} ok${failed}; p50 ${ms(o.latency.p50)}, p99 ${ms(o.latency.p99)}, max ${ms(o.latency.max)}`;
}

export function renderResults(r: Results): string {
  const rows: string[] = [];
  const row = (what: string, measured: string, target: string, ok: boolean | undefined) => rows.push(`| ${what} | ${measured} | ${target} | ${ok === undefined ? '' : mark(ok)} |`);
  const phase = (prefix: string) => r.phases.find((p) => p.name.startsWith(prefix));

  if (r.firstStartSeconds !== undefined) row('first start to healthy (empty DATA_DIR, seeding)', `${r.firstStartSeconds.toFixed(1)} s`, '< 30 s', r.firstStartSeconds < 30);
  if (r.restartSeconds !== undefined) row('restart to healthy (seeded DATA_DIR)', `${r.restartSeconds.toFixed(1)} s`, '< 5 s', r.restartSeconds < 5);
  const spread = phase('(a)') as { name: string; result: Outcome } | undefined;
  if (spread) row(spread.name, outcomeCell(spread.result), 'every one succeeds, p99 < 2 s', spread.result.failed === 0 && spread.result.latency.p99 < 2000);
  const burst = r.phases.filter((p) => p.name.startsWith('(a)'))[1] as { name: string; result: Outcome } | undefined;
  if (burst) row(burst.name, outcomeCell(burst.result), 'every one succeeds, p99 < 5 s', burst.result.failed === 0 && burst.result.latency.p99 < 5000);
  const sustained = phase('(b) sustained') as { name: string; saves: Outcome; reloads: Outcome } | undefined;
  if (sustained) {
    row(sustained.name, `saves ${outcomeCell(sustained.saves)} (${(sustained.saves.ok / sustained.saves.seconds).toFixed(0)}/s); reloads ${outcomeCell(sustained.reloads)}`, 'p99 < 250 ms', sustained.saves.failed === 0 && sustained.saves.latency.p99 < 250);
  }
  for (const s of r.saturation ?? []) {
    const ratio = s.floor.requestsPerSecond ? s.app.requestsPerSecond / s.floor.requestsPerSecond : 0;
    const errors = s.app.non2xx + s.app.errors + s.app.timeouts;
    row(
      `(b) autosave saturation, ${s.connections} connections`,
      `app ${s.app.requestsPerSecond} req/s (p50 ${ms(s.app.p50)}, p99 ${ms(s.app.p99)}, ${errors} errors ${JSON.stringify(s.app.statuses)}); floor ${s.floor.requestsPerSecond} req/s (p99 ${ms(s.floor.p99)}, ${JSON.stringify(s.floor.statuses)}); ratio ${ratio.toFixed(2)}`,
      '≥ 0.7 × floor, no errors',
      ratio >= 0.7 && errors === 0,
    );
  }
  if (r.acknowledgedCheck) {
    const a = r.acknowledgedCheck;
    row('(b) acknowledged answers afterwards', `${a.checked} checked: ${a.missing} missing, ${a.different} different`, '0 missing or different', a.missing === 0 && a.different === 0);
  }
  if (r.submit) {
    const s = r.submit;
    row('(c) submits of CERT-L3 within the window', outcomeCell(s.result), 'all succeed within 30 s', s.result.failed === 0 && s.result.seconds <= 30);
    row('(c) graded exactly once', `${s.graded} graded, ${s.claims} grading claims, of ${s.result.ok + s.result.failed}`, 'one each', s.graded === s.result.ok + s.result.failed && s.claims === s.graded);
    row('(c) one certificate per pass', `${s.passed} passed, ${s.certificates} certificates for ${s.distinctAttemptsCertified} attempts`, 'equal', s.certificates === s.passed && s.distinctAttemptsCertified === s.certificates);
    row('(c) certificate PDFs written during the submits', `${s.pdfs} for ${s.certificates} certificates`, 'one each', s.pdfs === s.certificates);
    row('(c) certificate PDF capacity (all regenerated at once, 8 downloads in flight)', `${s.pdfsPerSecond.toFixed(1)} PDFs/s; ${outcomeCell(s.pdfDownloads)}`, '≥ 20 per second', s.pdfsPerSecond >= 20 && s.pdfDownloads.failed === 0);
  }
  if (r.verify) {
    const v = r.verify;
    row('(d) verification lookups (number + name), 50 connections', `${v.requestsPerSecond} req/s, p50 ${ms(v.p50)}, p99 ${ms(v.p99)}, ${v.non2xx + v.errors} errors`, '≥ 1,500 req/s, p99 < 100 ms', v.requestsPerSecond >= 1500 && v.p99 < 100 && v.non2xx + v.errors === 0);
  }
  if (r.growth) {
    const g = r.growth;
    const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
    row('(e) autosave p99, many stored answers vs few', `${ms(g.withResponses.save)} vs ${ms(g.baseline.save)} (×${ratio(g.withResponses.save, g.baseline.save).toFixed(2)})`, '≤ 1.5×', ratio(g.withResponses.save, g.baseline.save) <= 1.5);
    row('(e) start p99, many stored answers vs few', `${ms(g.withResponses.start)} vs ${ms(g.baseline.start)} (×${ratio(g.withResponses.start, g.baseline.start).toFixed(2)})`, '≤ 1.5×', ratio(g.withResponses.start, g.baseline.start) <= 1.5);
    row('(e) start p99, large bank vs shipped bank', `${ms(g.withBank.start)} vs ${ms(g.baseline.start)} (×${ratio(g.withBank.start, g.baseline.start).toFixed(2)})`, '≤ 1.5×', ratio(g.withBank.start, g.baseline.start) <= 1.5);
  }
  if (r.peakRssMb !== undefined) row('server peak RSS (the app process)', `${r.peakRssMb} MB`, '< 300 MB', r.peakRssMb < 300);

  const cpu = [
    ...r.phases.map((p) => `| ${p.name} | ${p.cpu} |`),
    ...(r.saturation ?? []).map((s) => `| (b) saturation, app run at ${s.connections} connections | ${s.appCpu} |`),
    ...(r.submit ? [`| (c) submits | ${r.submit.cpu} |`] : []),
    ...(r.verify ? [`| (d) verification | ${r.verify.cpu} |`] : []),
  ];
  return [
    '# Benchmark: an exam session',
    '',
    `${r.date.slice(0, 10)} · ${r.candidates} candidates${r.quick ? ' (BENCH_QUICK: shortened run)' : ''} · backend: ${r.backend ?? 'unknown'}${r.databaseVersion ? ` (${r.databaseVersion})` : ''}`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GiB · Node ${r.machine.node} · ${r.machine.platform}`,
    '',
    'The server (dist/server.js) and the floor (a bare route: verify the JWT, one raw-driver upsert) run as',
    'separate processes on the same database; this process drives both over HTTP (undici, autocannon) and',
    'competes with them for the same cores. What bounds each missed target, and what was tried:',
    '[bench/analysis.md](analysis.md).',
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## CPU by process and phase',
    '',
    'Share of one core used on average during the phase (2 cores = 200% in all).',
    '',
    '| phase | CPU |',
    '|---|---|',
    ...cpu,
    '',
  ].join('\n');
}
