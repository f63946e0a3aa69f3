// The certificate record: what is signed, printed on the PDF, and shown to verifiers.

/** The signed record (canonical JSON of this object is what Ed25519 signs). No full ID number, ever. */
export interface CertificateRecord {
  /** 22 characters, national shape: S + org(4) + province(2) + site(6) + YY + level(1) + serial(6). */
  number: string;
  holder: { name: string; nameZh?: string };
  /** e.g. "居民身份证 / Resident Identity Card"; absent when the holder gave none. */
  idType?: string;
  /** Masked to the last 4 characters: "**************1234". */
  idNumberMasked?: string;
  occupation: { zh: string; en: string; code: string };
  /** Job type (工种) or "--". */
  jobType: { zh: string; en: string };
  level: number;
  levelLabel: { zh: string; en: string };
  exam: { code: string; title: { zh: string; en: string } };
  score: number;
  passPercent: number;
  /** ISO dates (YYYY-MM-DD). */
  issuedOn: string;
  expiresOn: string;
  issuer: { name: { zh: string; en: string }; code: string };
  keyId: string;
}

/** What the PDF renderer needs beyond the record. */
export interface CertificateRenderInput {
  record: CertificateRecord;
  /** base64url Ed25519 signature over the canonical record. */
  signature: string;
  /** Short human-checkable fingerprint of the signature (e.g. first 16 hex of SHA-256). */
  fingerprint: string;
  /** PUBLIC_URL/verify/<number>: the QR target, also printed as text. */
  verifyUrl: string;
  /** The canonical JSON exactly as signed, embedded in the PDF metadata so an uploaded file can be checked. */
  canonical: string;
}
