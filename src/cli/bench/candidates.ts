// Virtual candidates over HTTP (undici): register, start a paper, answer with autosave, reload, submit.
// Every acknowledged answer is remembered with the value acknowledged last, so the benchmark can check
// afterwards that the server kept exactly those.
import { Pool } from 'undici';
import { percentiles, type Percentiles } from './measure';

export interface PaperItem {
  itemId: string;
  type: string;
  options: Array<{ id: string }>;
}

export interface Candidate {
  id: string;
  email: string;
  token: string;
  /** Attempt per exam code. */
  attempts: Map<string, { id: string; items: PaperItem[] }>;
}

export interface Timed {
  status: number;
  ms: number;
  body: unknown;
}

export class Http {
  private readonly pool: Pool;
  constructor(readonly origin: string, connections = 64) {
    this.pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  }

  async send(method: 'GET' | 'POST' | 'PUT', path: string, options: { token?: string; body?: unknown } = {}): Promise<Timed> {
    const t0 = performance.now();
    try {
      const res = await this.pool.request({
        method,
        path,
        headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), 'accept-language': 'en' },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await res.body.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.statusCode, ms: performance.now() - t0, body };
    } catch (err) {
      return { status: 0, ms: performance.now() - t0, body: String(err) };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Latency and outcome of a batch of requests. */
export interface Outcome {
  latency: Percentiles;
  ok: number;
  failed: number;
  /** Non-2xx statuses seen, with how often. */
  statuses: Record<string, number>;
  seconds: number;
}

export function outcome(results: Timed[], seconds: number, okStatuses = [200, 201]): Outcome {
  const statuses: Record<string, number> = {};
  for (const r of results) if (!okStatuses.includes(r.status)) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const ok = results.filter((r) => okStatuses.includes(r.status)).length;
  return { latency: percentiles(results.map((r) => r.ms)), ok, failed: results.length - ok, statuses, seconds };
}

/** Runs `task(i)` for i < n with at most `concurrency` in flight. */
export async function inBatches<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** Runs `task(i)` at `at(i)` milliseconds from now (an arrival schedule, not a wait for anything). */
export async function onSchedule<T>(n: number, at: (i: number) => number, task: (i: number) => Promise<T>): Promise<T[]> {
  const t0 = performance.now();
  return Promise.all(
    Array.from({ length: n }, (_, i) => new Promise<T>((resolve) => {
      setTimeout(() => void task(i).then(resolve), Math.max(0, at(i) - (performance.now() - t0)));
    })),
  );
}

export async function registerCandidates(http: Http, n: number, label: string): Promise<Candidate[]> {
  const results = await inBatches(n, 8, async (i) => {
    const email = `${label}-${i}-${Math.random().toString(36).slice(2, 8)}@bench.example.com`;
    const res = await http.send('POST', '/api/auth/register', { body: { email, password: 'bench password 1', name: `Bench ${label} ${i}` } });
    if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    const body = res.body as { user: { id: string }; token: string };
    return { id: body.user.id, email, token: body.token, attempts: new Map() } as Candidate;
  });
  return results;
}

/** Starts `examCode` for a candidate and keeps the paper. */
export async function startPaper(http: Http, candidate: Candidate, examId: string, examCode: string): Promise<Timed> {
  const res = await http.send('POST', `/api/exams/${examId}/attempts`, { token: candidate.token });
  if (res.status === 200 || res.status === 201) {
    const attempt = (res.body as { attempt: { id: string; items: PaperItem[] } }).attempt;
    candidate.attempts.set(examCode, { id: attempt.id, items: attempt.items.map((i) => ({ itemId: i.itemId, type: i.type, options: i.options.map((o) => ({ id: o.id })) })) });
  }
  return res;
}

/** A plausible answer for an item, varied by `seed` so successive saves change the stored value. */
export function answerFor(item: PaperItem, seed: number): unknown {
  const pick = (k: number) => item.options[k % Math.max(1, item.options.length)]!.id;
  switch (item.type) {
    case 'truefalse':
      return seed % 2 === 0;
    case 'single':
      return pick(seed);
    case 'multiple':
      return [...new Set([pick(seed), pick(seed + 1)])];
    default:
      return `answer ${seed}`;
  }
}

/**
 * The last value acknowledged per attempt and item, and the one still in flight when a run stopped (the
 * server may have stored it without the client hearing back, which is no loss).
 */
export class Acknowledged {
  private readonly values = new Map<string, Map<string, unknown>>();
  private readonly unanswered = new Map<string, unknown>();
  record(attemptId: string, itemId: string, value: unknown): void {
    let items = this.values.get(attemptId);
    if (!items) this.values.set(attemptId, (items = new Map()));
    items.set(itemId, value);
    this.unanswered.delete(`${attemptId}:${itemId}`);
  }
  sent(attemptId: string, itemId: string, value: unknown): void {
    this.unanswered.set(`${attemptId}:${itemId}`, value);
  }
  /** Whether `stored` is what was acknowledged last (or what was sent after it and never answered). */
  accepts(attemptId: string, itemId: string, stored: unknown): boolean {
    const same = (v: unknown) => JSON.stringify(v) === JSON.stringify(stored);
    const key = `${attemptId}:${itemId}`;
    return same(this.values.get(attemptId)?.get(itemId)) || (this.unanswered.has(key) && same(this.unanswered.get(key)));
  }
  get size(): number {
    let n = 0;
    for (const items of this.values.values()) n += items.size;
    return n;
  }
  entries(): Array<[string, Map<string, unknown>]> {
    return [...this.values];
  }
}

/** Compares what the server stored with what it acknowledged: the answers missing or different. */
export async function checkAcknowledged(http: Http, tokens: Map<string, string>, acknowledged: Acknowledged): Promise<{ checked: number; missing: number; different: number }> {
  let checked = 0;
  let missing = 0;
  let different = 0;
  await inBatches(acknowledged.entries().length, 8, async (i) => {
    const [attemptId, items] = acknowledged.entries()[i]!;
    const res = await http.send('GET', `/api/attempts/${attemptId}`, { token: tokens.get(attemptId)! });
    const stored = (res.body as { attempt?: { responses: Record<string, { response: unknown }> } }).attempt?.responses ?? {};
    for (const itemId of items.keys()) {
      checked++;
      const saved = stored[itemId];
      if (!saved) missing++;
      else if (!acknowledged.accepts(attemptId, itemId, saved.response)) different++;
    }
  });
  return { checked, missing, different };
}
