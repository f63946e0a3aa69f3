// Reads an uploaded file (multipart/form-data, field "file") or a raw request body as UTF-8 text,
// refusing anything over `limitBytes` with 413 before it is all in memory.
import busboy from 'busboy';
import type { Request } from 'express';
import { BadRequestError, PayloadTooLargeError } from './errors';

export interface Upload {
  data: Buffer;
  filename?: string;
  /** Other multipart fields (form posts carry options beside the file). */
  fields: Record<string, string>;
}

export interface UploadedText extends Omit<Upload, 'data'> {
  text: string;
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

function readRaw(req: Request, limitBytes: number, limitLabel: string): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError(limitLabel));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ data: Buffer.concat(chunks), fields: {} }));
    req.on('error', reject);
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
      reject(malformed());
      return;
    }
    const form: MultipartForm = { fields: new Map() };
    let size = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) fail(new PayloadTooLargeError(limitLabel));
    });
    parser.on('field', (name, value) => form.fields.set(name, [...(form.fields.get(name) ?? []), value]));
    parser.on('fieldsLimit', () => fail(new PayloadTooLargeError('the field limit')));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeError(limitLabel)));
      stream.on('end', () => {
        if (name === 'file') form.file = { data: Buffer.concat(chunks), filename: info.filename ?? 'upload' };
      });
    });
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => {
      if (!failed) resolve(form);
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
