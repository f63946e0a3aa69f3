// Issued PDFs live in CERTIFICATES_DIR (git-ignored). The database is the source of truth: a missing
// or deleted file is rendered again from the stored record, with the same content.
import fs from 'node:fs';
import path from 'node:path';
import type { Certificate } from './certificate.model';
import { renderCertificatePdf } from './certificate-pdf';
import { signatureFingerprint } from './signing-keys';

export interface CertificateFiles {
  pathFor(number: string): string;
  /** The PDF of `cert`, rendering and writing it first if it is not on disk. */
  ensure(cert: Certificate): Promise<Buffer>;
}

/** The QR code's target: the token proves the visitor has seen the paper. */
export function qrPathFor(cert: Pick<Certificate, 'verifyToken'>): string {
  return `/v/${cert.verifyToken}`;
}

export function createCertificateFiles(dir: string, publicUrl: string): CertificateFiles {
  const pathFor = (number: string) => path.join(dir, `${number}.pdf`);
  return {
    pathFor,
    async ensure(cert) {
      const file = pathFor(cert.number);
      try {
        return await fs.promises.readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const pdf = await renderCertificatePdf({
        record: cert.record,
        signature: cert.signature,
        fingerprint: signatureFingerprint(cert.signature),
        verifyUrl: `${publicUrl}${qrPathFor(cert)}`,
        canonical: cert.canonical,
      });
      await fs.promises.mkdir(dir, { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const temp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(temp, pdf);
      await fs.promises.rename(temp, file);
      return pdf;
    },
  };
}
