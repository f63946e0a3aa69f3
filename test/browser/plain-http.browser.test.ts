// A test centre's intranet: the app over plain HTTP, reached by a LAN host name rather than localhost.
// A browser must be able to sign in and an employer to verify a certificate there: no header may send
// its form posts to an https:// address that does not exist (CSP upgrade-insecure-requests, HSTS), and
// the cross-site check must accept the site's own origin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { UserModel } from '../../src/components/accounts/user.model';
import { CertificateModel } from '../../src/components/certificates/certificate.model';
import { loadConfig } from '../../src/config';
import { freeLoopbackPort } from '../../src/db/embedded-database';
import { startServer, type RunningServer } from '../../src/server';
import { loginVia, registerVia } from '../helpers/server-process';
import { requireChromium } from '../helpers/tools';
import { correctResponses, publishedExam, seedSmallBank } from '../helpers/world';

jest.setTimeout(120_000);

const HOST = 'exam-centre.test';

describe('the app on plain HTTP under a LAN host name', () => {
  let dataDir: string;
  let server: RunningServer;
  let site: string;
  let browser: Browser;
  let page: Page;
  const holder = { name: 'Zhou Min', nameZh: '周敏' };
  let candidate: { email: string; password: string };
  let number: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-lan-'));
    const port = await freeLoopbackPort();
    site = `http://${HOST}:${port}`;
    const uri = `${process.env.TEST_MONGODB_URI!.replace(/\/[^/]*$/, '/')}t_plain_http_${Date.now().toString(36)}`;
    const config = loadConfig({
      DATA_DIR: dataDir,
      CERTIFICATES_DIR: path.join(dataDir, 'certificates'),
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: site,
      MONGODB_URI: uri,
      SEED_ON_START: 'false',
      ADMIN_PASSWORD: 'admin password 1',
      LOG_LEVEL: 'silent',
      PATH: process.env.PATH,
    });
    server = await startServer(config, pino({ level: 'silent' }));

    // A certificate to verify, issued the ordinary way: a candidate passes a certification exam.
    await seedSmallBank(5);
    const examiner = await registerVia(server.url, 'lan-examiner');
    await UserModel.updateOne({ _id: examiner.id }, { $set: { roles: ['examiner'] } });
    const examId = await publishedExam(server.url, examiner, { code: 'LAN-CERT', mode: 'certification', count: 5 });
    const registered = await request(server.url).post('/api/auth/register').send({ email: `lan-${Date.now()}@example.com`, password: 'correct horse battery', ...holder }).expect(201);
    candidate = { email: registered.body.user.email, password: 'correct horse battery' };
    const token = registered.body.token as string;
    const attempt = (await request(server.url).post(`/api/exams/${examId}/attempts`).set('Authorization', `Bearer ${token}`).expect(201)).body.attempt;
    for (const [itemId, response] of Object.entries(await correctResponses(attempt.id))) {
      await request(server.url).put(`/api/attempts/${attempt.id}/answers/${itemId}`).set('Authorization', `Bearer ${token}`).send({ response }).expect(200);
    }
    await request(server.url).post(`/api/attempts/${attempt.id}/submit`).set('Authorization', `Bearer ${token}`).expect(200);
    number = (await CertificateModel.findOne({ attemptId: attempt.id }).lean())!.number;
    await loginVia(server.url, candidate.email, candidate.password);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: requireChromium(),
      // The LAN name resolves to this machine, as a centre's DNS would make it.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
    page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a candidate signs in and an employer verifies the certificate, then both forms work over http', async () => {
    const home = await page.goto(`${site}/login`);
    expect(home!.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(home!.headers()['strict-transport-security']).toBeUndefined();

    await page.fill('#email', candidate.email);
    await page.fill('#password', candidate.password);
    await Promise.all([page.waitForURL(`${site}/`), page.click('form[action="/login"] button[type=submit]')]);
    await page.goto(`${site}/certificates`);
    expect(await page.textContent('main')).toContain(number);

    await Promise.all([page.waitForURL(`${site}/`), page.click('form[action="/logout"] button[type=submit]')]);
    await page.goto(`${site}/verify`);
    await page.fill('input[name="number"]', number);
    await page.fill('input[name="name"]', holder.nameZh);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/verify"] button[type=submit]')]);
    expect(page.url()).toBe(`${site}/verify`);
    const text = await page.textContent('main');
    expect(text).toContain(number);
    expect(text).toContain('有效');
  });
});
