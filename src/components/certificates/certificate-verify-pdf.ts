// Checking an uploaded certificate PDF: the embedded record must carry a valid signature, match the
// record on file, and the file must be the one we issued (our rendering is deterministic).
import { BadRequestError } from '../../lib/errors';
import { readEmbeddedRecord } from './certificate-pdf';
import type { CertificatesContext } from './certificates.context';
import { certificateNotFound, findByNumber, toVerdict, type Verdict } from './certificate.service';
import type { CertificateRecord } from './certificate.types';
import { verifyText, type KeyStore } from './signing-keys';

export interface EmbeddedCheck {
  number?: string;
  keyId?: string;
  signatureValid: boolean;
}

/** Offline part: what the file itself proves, given the public keys (also used by the CLI). */
export function checkEmbedded(pdf: Buffer, publicKeyFor: (kid: string) => ReturnType<KeyStore['publicKey']>): EmbeddedCheck & { canonical?: string; signature?: string } {
  const embedded = readEmbeddedRecord(pdf);
  if (!embedded) throw new BadRequestError('not_a_certificate', 'This file does not carry a certificate record.');
  let record: Partial<CertificateRecord> = {};
  try {
    record = JSON.parse(embedded.canonical) as CertificateRecord;
  } catch {
    // The record no longer parses: certainly tampered. The number printed in the file's metadata
    // still says which certificate it claims to be.
    const claimed = /[SY]\d{21}/.exec(pdf.toString('latin1'))?.[0];
    return { signatureValid: false, ...(claimed ? { number: claimed } : {}), ...embedded };
  }
  const key = record.keyId ? publicKeyFor(record.keyId) : undefined;
  return {
    ...(record.number ? { number: record.number } : {}),
    ...(record.keyId ? { keyId: record.keyId } : {}),
    signatureValid: !!key && verifyText(embedded.canonical, embedded.signature, key),
    ...embedded,
  };
}

/**
 * identical: the very file we issued (trailing whitespace aside, which mail and download tools add);
 * resaved: the signed record inside is authentic, but the file around it was written again (a viewer's
 * "save as", a mail gateway's linearising), so what it prints may differ: trust the details in the verdict.
 */
export type FileIntegrity = 'identical' | 'resaved';

export interface PdfVerdict extends Verdict {
  file: FileIntegrity;
}

/** Bytes after the last %%EOF that are only whitespace or NULs change nothing a reader shows. */
function withoutTrailingWhitespace(pdf: Buffer): Buffer {
  let end = pdf.length;
  while (end > 0 && [0x00, 0x09, 0x0a, 0x0d, 0x20].includes(pdf[end - 1]!)) end--;
  return pdf.subarray(0, end);
}

/**
 * Personal fields only for a file that proves itself: its embedded record carries a valid signature by
 * one of our keys and is exactly the record on file. A forged or altered file, and one naming a number we
 * never issued, get the same 404 as an unknown number with a wrong name: the upload reads nothing.
 */
export async function verifyPdf(pdf: Buffer, ctx: Pick<CertificatesContext, 'keys' | 'files'>): Promise<PdfVerdict> {
  const embedded = checkEmbedded(pdf, (kid) => ctx.keys.publicKey(kid));
  if (!embedded.signatureValid || !embedded.number) throw certificateNotFound();
  const cert = await findByNumber(embedded.number);
  if (!cert || embedded.canonical !== cert.canonical || embedded.signature !== cert.signature) throw certificateNotFound();
  const verdict = toVerdict(cert, ctx.keys);
  // Signed by a key outside its window or after it was compromised: no more proof than a forgery.
  if (!verdict.signature.valid) throw certificateNotFound();
  const identical = Buffer.compare(withoutTrailingWhitespace(pdf), withoutTrailingWhitespace(await ctx.files.ensure(cert))) === 0;
  return { ...verdict, file: identical ? 'identical' : 'resaved' };
}
