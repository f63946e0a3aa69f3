// Reads an uploaded file (multipart/form-data, field "file") or a raw request body, refusing anything over
// `limitBytes` with 413 while it streams. Every way a client can break a body — truncated, garbled, wrong
// boundary, aborted, dribbled too slowly — ends as a 4xx: an unhandled error on any stream here would stop
// the whole process, so every stream busboy hands out gets an error listener.
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, BadRequestError, PayloadTooLargeError } from './errors';

export interface Upload {
  data: Buffer;
  filename?: string;
  /** Other multipart fields (form posts carry options beside the file). */
  fields: Record<string, string>;
}

export interface UploadedText extends Omit<Upload, 'data'> {
  text: string;
}

/** A body that stops arriving for this long is abandoned (a slow-drip client holds nothing forever). */
export const UPLOAD_IDLE_MS = 30_000;

class RequestTimeoutError extends AppError {
  constructor() {
    super(408, 'request_timeout', 'The request body arrived too slowly and was abandoned.');
  }
}

function aborted(): AppError {
  return new BadRequestError('request_aborted', 'The request ended before its body was complete.');
}

/** The uploaded bytes as they came (PDFs and other binary files). */
export function readUpload(req: Request, limitBytes: number, limitLabel: string): Promise<Upload> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitLabel));
  return req.is('multipart/form-data') ? readMultipart(req, limitBytes, limitLabel) : readRaw(req, limitBytes, limitLabel);
}

/** The upload as UTF-8 text, without a byte-order mark (question files). */
export async function readUploadText(req: Request, limitBytes: number, limitLabel: string): Promise<UploadedText> {
  const { data, ...rest } = await readUpload(req, limitBytes, limitLabel);
  return { ...rest, text: data.toString('utf8').replace(/^\uFEFF/, '') };
}

/**
 * Watches the request itself while a reader consumes it: the size limit, the idle timeout, and a client
 * that goes away. `fail` is called at most once; `done` stops the watching.
 */
function watchRequest(req: Request, limitBytes: number, limitLabel: string, fail: (err: AppError) => void): { done(): void } {
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new RequestTimeoutError()), UPLOAD_IDLE_MS);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    arm();
    if (size > limitBytes) fail(new PayloadTooLargeError(limitLabel));
  };
  const onAborted = () => fail(aborted());
  const onClose = () => {
    if (!req.complete) fail(aborted());
  };
  req.on('data', onData);
  req.on('aborted', onAborted);
  req.on('error', onAborted);
  req.on('close', onClose);
  arm();
  return {
    done() {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('aborted', onAborted);
      req.removeListener('close', onClose);
      // The error listener stays: a late socket error after we answered must not become an uncaught one.
    },
  };
}

/** Stops reading a refused body: drains what still arrives so the response can go out. */
function discardRest(req: Request): void {
  req.removeAllListeners('data');
  req.on('error', () => undefined);
  req.resume();
}

function readRaw(req: Request, limitBytes: number, limitLabel: string): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const watch = watchRequest(req, limitBytes, limitLabel, (err) => {
      if (settled) return;
      settled = true;
      watch.done();
      discardRest(req);
      reject(err);
    });
    req.on('data', (chunk: Buffer) => {
      if (!settled) chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      watch.done();
      resolve({ data: Buffer.concat(chunks), fields: {} });
    });
  });
}

export interface MultipartForm {
  /** Every field, repeated names kept in order. */
  fields: Map<string, string[]>;
  /** The part named "file", when the form allows one. */
  file?: { data: Buffer; filename: string };
}

/**
 * Reads a multipart/form-data body with busboy: fields (and at most one file, when `allowFile`), with the
 * whole body bounded by `limitBytes` so an oversized request is refused with 413 while it streams.
 */
export function readMultipartForm(
  req: Request,
  { limitBytes, limitLabel, maxFields, allowFile }: { limitBytes: number; limitLabel: string; maxFields: number; allowFile: boolean },
): Promise<MultipartForm> {
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return Promise.reject(new PayloadTooLargeError(limitLabel));
  const malformed = () => new BadRequestError(allowFile ? 'invalid_upload' : 'invalid_form', 'The multipart body is malformed.');
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: allowFile ? 1 : 0, fileSize: limitBytes, fields: maxFields, fieldSize: 10_000, parts: maxFields + 1 } });
    } catch {
      // No boundary, or not multipart at all.
      discardRest(req);
      reject(malformed());
      return;
    }
    const form: MultipartForm = { fields: new Map() };
    let settled = false;
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      watch.done();
      req.unpipe(parser);
      discardRest(req);
      // The parser may still report what it was in the middle of; nobody is listening for it any more.
      parser.removeAllListeners();
      parser.on('error', () => undefined);
      reject(err);
    };
    const watch = watchRequest(req, limitBytes, limitLabel, fail);
    parser.on('field', (name, value) => {
      if (!settled) form.fields.set(name, [...(form.fields.get(name) ?? []), value]);
    });
    parser.on('fieldsLimit', () => fail(new PayloadTooLargeError('the field limit')));
    parser.on('partsLimit', () => fail(new PayloadTooLargeError('the part limit')));
    parser.on('file', (name, stream, info) => {
      // A truncated body ends the file stream with an error ("Unexpected end of form"): a 400, never a crash.
      stream.on('error', () => fail(malformed()));
      if (name !== 'file' || form.file) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeError(limitLabel)));
      stream.on('end', () => {
        if (!settled && !(stream as { truncated?: boolean }).truncated) form.file = { data: Buffer.concat(chunks), filename: info.filename ?? 'upload' };
      });
    });
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      watch.done();
      resolve(form);
    });
    req.pipe(parser);
  });
}

async function readMultipart(req: Request, limitBytes: number, limitLabel: string): Promise<Upload> {
  // The multipart framing adds a little to the file itself.
  const form = await readMultipartForm(req, { limitBytes: limitBytes + 64 * 1024, limitLabel, maxFields: 20, allowFile: true });
  if (!form.file) throw new BadRequestError('invalid_upload', 'Attach the file in a form field named "file".');
  const fields = Object.fromEntries([...form.fields].map(([name, values]) => [name, values.at(-1) ?? '']));
  return { ...form.file, fields };
}
