// Checking an uploaded certificate PDF: the embedded record must carry a valid signature, match the
// record on file, and the file must be the one we issued (our rendering is deterministic).
import { BadRequestError, NotFoundError } from '../../lib/errors';
import { readEmbeddedRecord } from './certificate-pdf';
import type { CertificatesContext } from './certificates.context';
import { findByNumber, toVerdict, type Verdict } from './certificate.service';
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

export interface PdfVerdict extends Verdict {
  tampered: boolean;
  checks: { signatureValid: boolean; recordMatches: boolean; fileMatches: boolean };
}

export async function verifyPdf(pdf: Buffer, ctx: Pick<CertificatesContext, 'keys' | 'files'>): Promise<PdfVerdict> {
  const embedded = checkEmbedded(pdf, (kid) => ctx.keys.publicKey(kid));
  const cert = embedded.number ? await findByNumber(embedded.number) : undefined;
  if (!cert) throw new NotFoundError('No certificate on file matches this document.', 'certificate_not_found');
  const recordMatches = embedded.canonical === cert.canonical && embedded.signature === cert.signature;
  const fileMatches = recordMatches && Buffer.compare(pdf, await ctx.files.ensure(cert)) === 0;
  return {
    ...toVerdict(cert, ctx.keys),
    tampered: !(embedded.signatureValid && recordMatches && fileMatches),
    checks: { signatureValid: embedded.signatureValid, recordMatches, fileMatches },
  };
}
