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

function readMultipart(req: Request, limitBytes: number, limitLabel: string): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: limitBytes, fields: 20, fieldSize: 10_000 } });
    } catch {
      reject(new BadRequestError('invalid_upload', 'The multipart body is malformed.'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { data: Buffer; filename: string } | undefined;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeError(limitLabel)));
      stream.on('end', () => {
        if (name === 'file') file = { data: Buffer.concat(chunks), filename: info.filename ?? 'upload' };
      });
    });
    parser.on('error', () => fail(new BadRequestError('invalid_upload', 'The multipart body is malformed.')));
    parser.on('close', () => {
      if (failed) return;
      if (!file) return reject(new BadRequestError('invalid_upload', 'Attach the file in a form field named "file".'));
      resolve({ ...file, fields });
    });
    req.pipe(parser);
  });
}
