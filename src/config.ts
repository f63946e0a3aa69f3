// The only module that reads process.env. Everything else receives a validated, frozen Config.
import path from 'node:path';
import { z } from 'zod';

/** The embedded database's FerretDB backends, as EMBEDDED_DB names them. */
export const EMBEDDED_BACKENDS = ['auto', 'postgresql', 'sqlite'] as const;
export type EmbeddedBackendChoice = (typeof EMBEDDED_BACKENDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** Unset: start the embedded database under dataDir. */
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  /** Unset outside production: generated once and kept under dataDir (see secret-file.ts). */
  readonly jwtSecret: string | undefined;
  readonly jwtTtlSeconds: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  readonly publicUrl: string;
  /** New accounts per client address per hour. */
  readonly registrationsPerHour: number;
  /** Express's `trust proxy`: false, true, a hop count, or addresses/subnets of the reverse proxies. */
  readonly trustProxy: boolean | number | string[];
  readonly mongodBin: string | undefined;
  readonly ferretdbBin: string | undefined;
  /** Which FerretDB backend the embedded database uses (auto = PostgreSQL where it can run). */
  readonly embeddedDb: EmbeddedBackendChoice;
  readonly postgresBinDir: string | undefined;
  readonly seedOnStart: boolean;
  /** PATH, for finding `mongod` and `setpriv`. */
  readonly searchPath: string;
  readonly certificates: {
    /** Where issued PDFs are written (git-ignored). */
    readonly dir: string;
    /** Ed25519 signing keys (generated on first run). */
    readonly keysDir: string;
    /** National number parts: S + organisation(4) + province(2) + site(6) + year + level + serial. */
    readonly orgCode: string;
    readonly provinceCode: string;
    readonly siteCode: string;
    readonly issuerName: { readonly zh: string; readonly en: string };
    /** Verification requests per client per minute (public endpoints and pages). */
    readonly verifyRatePerMinute: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "900", "15m", "2h", "1d" -> seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (TTL_UNITS[match[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : undefined;
}

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535')
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: optionalString.refine(
    (s) => s === undefined || /^mongodb(\+srv)?:\/\//.test(s),
    'must start with mongodb:// or mongodb+srv://',
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: optionalString.refine(
    (s) => s === undefined || s.length >= 32,
    'must be at least 32 characters',
  ),
  JWT_TTL: z
    .string()
    .default('2h')
    .transform((s, ctx) => {
      const seconds = parseDuration(s);
      if (seconds === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 900, 15m, 2h or 1d' });
        return z.NEVER;
      }
      return seconds;
    }),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  ADMIN_EMAIL: z.email().default('admin@example.com'),
  ADMIN_PASSWORD: optionalString.refine(
    (s) => s === undefined || s.length >= 10,
    'must be at least 10 characters',
  ),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((s, ctx): boolean | number | string[] => {
      if (s === 'false' || s === '') return false;
      if (s === 'true') return true;
      if (/^\d{1,2}$/.test(s)) return Number(s);
      const list = s.split(',').map((part) => part.trim()).filter(Boolean);
      // Named ranges Express knows, IPv4/IPv6 addresses, with an optional /prefix.
      if (list.every((part) => /^(loopback|linklocal|uniquelocal)$/.test(part) || /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part))) return list;
      ctx.addIssue({ code: 'custom', message: 'must be false, true, a hop count, or comma-separated proxy addresses/subnets (e.g. loopback,10.0.0.0/8)' });
      return z.NEVER;
    }),
  MONGOD_BIN: optionalString,
  FERRETDB_BIN: optionalString,
  EMBEDDED_DB: z.enum(EMBEDDED_BACKENDS).default('auto'),
  POSTGRES_BIN_DIR: optionalString,
  SEED_ON_START: z.enum(['true', 'false']).default('true'),
  CERTIFICATES_DIR: z.string().min(1).default('./certificates'),
  CERT_KEYS_DIR: optionalString,
  CERT_ORG_CODE: z.string().regex(/^\d{4}$/, 'must be 4 digits').default('0001'),
  CERT_PROVINCE_CODE: z.string().regex(/^\d{2}$/, 'must be 2 digits').default('31'),
  CERT_SITE_CODE: z.string().regex(/^\d{6}$/, 'must be 6 digits').default('000001'),
  CERT_ISSUER_NAME_ZH: z.string().trim().min(1).max(100).default('人工智能训练师考试系统评价中心'),
  CERT_ISSUER_NAME_EN: z.string().trim().min(1).max(150).default('AI Trainer Exam Evaluation Centre'),
  VERIFY_RATE_LIMIT: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(10_000_000)).default(60),
  REGISTRATION_RATE_LIMIT: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(10_000_000)).default(20),
});

/** Validates the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(pickKnown(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), `${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET', 'must be set when NODE_ENV=production (at least 32 characters)');
  }
  const port = e.PORT;
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    jwtSecret: e.JWT_SECRET,
    jwtTtlSeconds: e.JWT_TTL,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    adminEmail: e.ADMIN_EMAIL.trim().toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    registrationsPerHour: e.REGISTRATION_RATE_LIMIT,
    mongodBin: e.MONGOD_BIN,
    ferretdbBin: e.FERRETDB_BIN,
    embeddedDb: e.EMBEDDED_DB,
    postgresBinDir: e.POSTGRES_BIN_DIR,
    seedOnStart: e.SEED_ON_START === 'true',
    searchPath: env.PATH ?? '',
    certificates: Object.freeze({
      dir: path.resolve(e.CERTIFICATES_DIR),
      keysDir: path.resolve(e.CERT_KEYS_DIR ?? path.join(e.DATA_DIR, 'keys')),
      orgCode: e.CERT_ORG_CODE,
      provinceCode: e.CERT_PROVINCE_CODE,
      siteCode: e.CERT_SITE_CODE,
      issuerName: Object.freeze({ zh: e.CERT_ISSUER_NAME_ZH, en: e.CERT_ISSUER_NAME_EN }),
      verifyRatePerMinute: e.VERIFY_RATE_LIMIT,
    }),
  });
}

// Empty strings count as unset, as most shells and .env files mean them.
function pickKnown(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
