// Saturation runs with autocannon: as many autosaves as C connections can push in D seconds, against the
// app and against the floor, each connection answering for one candidate (so every acknowledged value
// is known: one request in flight per connection, each on its own attempt).
import autocannon from 'autocannon';
import { answerFor, type Acknowledged, type Candidate } from './candidates';

export interface SaturationResult {
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

export interface SaturationTarget {
  url: string;
  /** The request path for one save of `itemId` on `attemptId`. */
  path: (attemptId: string, itemId: string) => string;
  /** Where acknowledged values go (per target: the app's and the floor's are checked separately). */
  acknowledged: Acknowledged;
}

export function saturate(target: SaturationTarget, candidates: Candidate[], examCode: string, connections: number, seconds: number): Promise<SaturationResult> {
  let nextClient = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 30,
        method: 'PUT',
        setupClient(client) {
          const candidate = candidates[nextClient++ % candidates.length]!;
          const paper = candidate.attempts.get(examCode)!;
          let step = Math.floor(Math.random() * paper.items.length);
          let pending: { itemId: string; value: unknown } | undefined;
          const prepare = () => {
            const item = paper.items[step % paper.items.length]!;
            pending = { itemId: item.itemId, value: answerFor(item, step + connections) };
            target.acknowledged.sent(paper.id, item.itemId, pending.value);
            // setRequests, not setRequest: the client moves to requests[next] before each send.
            client.setRequests([{
              method: 'PUT',
              path: target.path(paper.id, item.itemId),
              headers: { authorization: `Bearer ${candidate.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ response: pending.value }),
            }]);
            step++;
          };
          prepare();
          client.on('response', (statusCode: number) => {
            if (statusCode >= 200 && statusCode < 300 && pending) target.acknowledged.record(paper.id, pending.itemId, pending.value);
            prepare();
          });
        },
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          connections,
          requestsPerSecond: Math.round(result.requests.average),
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count?: number }).count ?? 0])),
        });
      },
    );
    void instance;
  });
}
