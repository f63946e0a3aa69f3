// The fuzzer's HTTP client: sends requests byte for byte as given, over one keep-alive connection.
// supertest goes through URL parsing and sets content types on its own, which would quietly repair the
// malformed paths and bodies a fuzzer means to send.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the request line (already percent-encoded, or deliberately not). */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawClient {
  send(req: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/** No answer within this long is itself a failure (a hung handler), rather than a jest timeout. */
const RESPONSE_TIMEOUT_MS = 15_000;

export async function startRawClient(app: Express): Promise<RawClient> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  const send = (req: RawRequest) =>
    new Promise<RawResponse>((resolve, reject) => {
      const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
      const outgoing = http.request({ host: '127.0.0.1', port, agent, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      outgoing.setTimeout(RESPONSE_TIMEOUT_MS, () => outgoing.destroy(new Error(`no response within ${RESPONSE_TIMEOUT_MS} ms`)));
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });

  return {
    send,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
