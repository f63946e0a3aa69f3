// An app wired like production, on the test database, with a throwaway signing secret.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import type { Express, Router } from 'express';
import { createApp } from '../../src/app';
import { createTokenService, type Role, type TokenService } from '../../src/components/accounts';
import { UserModel } from '../../src/components/accounts/user.model';

export const TEST_SECRET = randomBytes(32).toString('hex');

export interface TestApp {
  app: Express;
  tokens: TokenService;
}

export function buildTestApp({ ttlSeconds = 3600, extraRouters = [] }: { ttlSeconds?: number; extraRouters?: Router[] } = {}): TestApp {
  const tokens = createTokenService(TEST_SECRET, ttlSeconds);
  const app = createApp({
    config: { publicUrl: 'http://localhost:3000', nodeEnv: 'test' },
    logger: pino({ level: process.env.DBG ? 'error' : 'silent' }),
    tokens,
    extraRouters,
  });
  return { app, tokens };
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
