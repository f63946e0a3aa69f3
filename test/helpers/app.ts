// An app wired like production, on the test database, with a throwaway signing secret.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type { Express, Router } from 'express';
import { createApp } from '../../src/app';
import { createCertificatesContext, type CertificatesContext } from '../../src/components/certificates';
import { createTokenService, type LoginPolicy, type Role, type TokenService } from '../../src/components/accounts';
import { UserModel } from '../../src/components/accounts/user.model';

export const TEST_SECRET = randomBytes(32).toString('hex');

export interface TestApp {
  app: Express;
  tokens: TokenService;
}

export const TEST_PUBLIC_URL = 'http://localhost:3000';

/** Certificate keys and PDFs in a fresh temp folder per app. */
export function testCertificatesContext(overrides: { verifyRatePerMinute?: number; keysDir?: string } = {}): CertificatesContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-certs-'));
  return createCertificatesContext(
    {
      dir: path.join(dir, 'pdf'),
      keysDir: overrides.keysDir ?? path.join(dir, 'keys'),
      orgCode: '0001',
      provinceCode: '31',
      siteCode: '000001',
      issuerName: { zh: '测试评价中心', en: 'Test Evaluation Centre' },
      verifyRatePerMinute: overrides.verifyRatePerMinute ?? 10_000,
    },
    TEST_PUBLIC_URL,
    pino({ level: 'silent' }),
  );
}

export function buildTestApp({
  ttlSeconds = 3600,
  extraRouters = [],
  certificates = testCertificatesContext(),
  publicUrl = TEST_PUBLIC_URL,
  loginPolicy = {},
  trustProxy = false,
}: {
  ttlSeconds?: number;
  extraRouters?: Router[];
  certificates?: CertificatesContext;
  publicUrl?: string;
  loginPolicy?: Partial<LoginPolicy>;
  trustProxy?: boolean | number | string[];
} = {}): TestApp & { certificates: CertificatesContext } {
  const tokens = createTokenService(TEST_SECRET, ttlSeconds);
  const app = createApp({
    config: { publicUrl, nodeEnv: 'test', trustProxy },
    logger: pino({ level: process.env.DBG ? 'error' : 'silent' }),
    tokens,
    certificates,
    // Every test user registers from 127.0.0.1; the registration cap is tested on its own.
    loginPolicy: { registrationsPerHour: 1_000_000, ...loginPolicy },
    extraRouters,
  });
  return { app, tokens, certificates };
}

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Registers through the API (as a user would), then grants `roles` directly for the test's set-up. */
export async function createUser(app: Express, roles: Role[] = ['candidate'], fields: Record<string, string> = {}): Promise<TestUser> {
  counter += 1;
  const email = fields.email ?? `user${counter}-${randomBytes(3).toString('hex')}@example.com`;
  const password = fields.password ?? 'correct horse battery';
  const res = await request(app)
    .post('/api/auth/register')
    .send({ email, password, name: fields.name ?? `User ${counter}`, ...(fields.nameZh ? { nameZh: fields.nameZh } : {}) })
    .expect(201);
  const id = res.body.user.id as string;
  if (roles.join() !== 'candidate') await UserModel.updateOne({ _id: id }, { $set: { roles } });
  return { id, email, password, token: res.body.token as string };
}

/** API requests as `user`. */
export function bearer(user: Pick<TestUser, 'token'>): { Authorization: string } {
  return { Authorization: `Bearer ${user.token}` };
}

/**
 * Page requests as `user` (the session cookie), optionally with the language cookie. They carry our own
 * Origin, as a browser posting one of our forms does (cookie-authenticated posts without it are refused).
 */
export function session(user: Pick<TestUser, 'token'>, lang?: 'en' | 'zh-CN'): { Cookie: string; Origin: string } {
  return { Cookie: `ate_session=${user.token}${lang ? `; lang=${lang}` : ''}`, Origin: TEST_PUBLIC_URL };
}
