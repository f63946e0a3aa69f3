// What other components may use from certificates.
export { certificateApiRouter, certificateUploadRouter } from './certificate.routes';
export { certificatePagesRouter } from './certificate.pages';
export { createCertificatesContext, type CertificatesContext, type CertificatesConfig } from './certificates.context';
export { installCertificateIssuer, repairMissingCertificates } from './certificate.issuer';
export { migrateCertificateAudit } from './certificate-audit-migration';
export { assignMissingVerifyTokens } from './certificate.service';
export { recordKeyRotations } from './signing-key-audit';
