// What the benchmark measures besides latency: percentiles, and per-process CPU time and peak memory
// read from /proc (the app, FerretDB, PostgreSQL and its backends), so a result can say what bound it.
import fs from 'node:fs';

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

const TICKS_PER_SECOND = 100;

function stat(pid: number): { ppid: number; cpu: number; name: string } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, name };
  } catch {
    return undefined;
  }
}

/** `pid` and everything below it. */
export function processTree(pid: number): number[] {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map<number, number[]>();
  for (const p of all) {
    const s = stat(p);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** CPU seconds used so far, grouped: the app itself, FerretDB, PostgreSQL (all its processes). */
export function cpuByRole(appPid: number): Record<'app' | 'ferretdb' | 'postgres', number> {
  const totals = { app: 0, ferretdb: 0, postgres: 0 };
  for (const pid of processTree(appPid)) {
    const s = stat(pid);
    if (!s) continue;
    if (pid === appPid) totals.app += s.cpu;
    else if (s.name.startsWith('ferretdb')) totals.ferretdb += s.cpu;
    else if (s.name.startsWith('postgres')) totals.postgres += s.cpu;
  }
  return totals;
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024);
}

/** The process's peak resident memory so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

/** CPU use of each role over one phase, as a share of one core. */
export class CpuMeter {
  private readonly start: ReturnType<typeof cpuByRole>;
  private readonly t0 = Date.now();
  constructor(private readonly appPid: number) {
    this.start = cpuByRole(appPid);
  }
  read(): string {
    const end = cpuByRole(this.appPid);
    const seconds = (Date.now() - this.t0) / 1000;
    const share = (k: keyof typeof end) => `${Math.round(((end[k] - this.start[k]) / seconds) * 100)}%`;
    return `app ${share('app')}, FerretDB ${share('ferretdb')}, PostgreSQL ${share('postgres')} of one core; app RSS ${statusMb(this.appPid, 'VmRSS')} MB (peak ${statusMb(this.appPid, 'VmHWM')} MB)`;
  }
}
