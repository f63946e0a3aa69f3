// Byte-exact HTTP requests for tests of hostile bodies (truncated, dribbled, aborted), which supertest
// cannot send: it always completes a well-formed body.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Body pieces, sent one after the other (with `gapMs` between them when given). */
  chunks?: Array<Buffer | string>;
  gapMs?: number;
  /** Close the connection right after the last chunk instead of waiting for the answer. */
  hangUp?: boolean;
}

/** Listens on a free loopback port; returns the port and a close function. */
export async function listen(app: Express): Promise<{ port: number; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = end < 0 ? '' : text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status, headers, body };
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return out;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/**
 * Sends exactly the given bytes. Resolves with the parsed response, or with undefined when the server
 * (or `hangUp`) closed the connection without an answer.
 */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse | undefined> {
  const chunks = (req.chunks ?? []).map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
  const headers = { Host: `127.0.0.1:${port}`, Connection: 'close', ...req.headers };
  const head = `${req.method ?? 'POST'} ${req.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(received);
      resolve(raw.length ? parse(raw) : undefined);
    };
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        if (req.gapMs) await new Promise((r) => setTimeout(r, req.gapMs));
        socket.write(chunk);
      }
      if (req.hangUp) socket.destroy();
    });
  });
}

/** A multipart body with one file part (and optional fields), as browsers send it. */
export function multipartBody(boundary: string, file: { name?: string; filename: string; type: string; data: Buffer | string }, fields: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
  parts.push(typeof file.data === 'string' ? Buffer.from(file.data) : file.data);
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
