// Everything the certificate routes need, built once at start-up and passed in (no globals).
import type { Logger } from '../../lib/logger';
import { createRateLimiter, type RateLimiter } from '../../lib/rate-limit';
import { createCertificateFiles, type CertificateFiles } from './certificate-files';
import type { CertificateSettings } from './certificate.service';
import { openKeyStore, type KeyStore } from './signing-keys';

export interface CertificatesContext {
  keys: KeyStore;
  files: CertificateFiles;
  settings: CertificateSettings;
  verifyLimiter: RateLimiter;
  logger: Logger;
}

export interface CertificatesConfig {
  dir: string;
  keysDir: string;
  orgCode: string;
  provinceCode: string;
  siteCode: string;
  issuerName: { zh: string; en: string };
  verifyRatePerMinute: number;
}

export function createCertificatesContext(config: CertificatesConfig, publicUrl: string, logger: Logger): CertificatesContext {
  return {
    keys: openKeyStore(config.keysDir),
    files: createCertificateFiles(config.dir, publicUrl),
    settings: { orgCode: config.orgCode, provinceCode: config.provinceCode, siteCode: config.siteCode, issuerName: config.issuerName, publicUrl },
    verifyLimiter: createRateLimiter({ perMinute: config.verifyRatePerMinute }),
    logger,
  };
}
