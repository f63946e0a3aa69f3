// The exam page in a real browser: keyboard answering, autosave that survives a reload, the offline
// journal replayed when the connection returns, and submitting through the confirmation dialog.
// Needs Chromium at /usr/bin/chromium; without it the file fails (it never skips).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AttemptResponseModel } from '../../src/components/exams/attempt.model';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { requireChromium } from '../helpers/tools';


jest.setTimeout(90_000);

describe('exam page in Chromium', () => {
  let dataDir: string;
  let server: RunningServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-browser-'));
    // The run's database server (jest global set-up), in a database of this file's own.
    const uri = `${process.env.TEST_MONGODB_URI!.replace(/\/[^/]*$/, '/')}t_exam_browser_${Date.now().toString(36)}`;
    const config = loadConfig({
      DATA_DIR: dataDir,
      CERTIFICATES_DIR: path.join(dataDir, 'certificates'),
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: uri,
      SEED_ON_START: 'true',
      ADMIN_PASSWORD: 'admin password 1',
      LOG_LEVEL: 'silent',
      PATH: process.env.PATH,
    });
    server = await startServer(config, pino({ level: 'silent' }));
    base = server.url;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: requireChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function savedResponse(attemptId: string, itemId: string, timeoutMs = 10_000): Promise<unknown> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const row = await AttemptResponseModel.findById(`${attemptId}:${itemId}`).lean();
      if (row) return row.response;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  it('when a candidate answers by keyboard, reloads, goes offline and back, then nothing is lost and the paper submits to the result page', async () => {
    // Register through the form and come back to the catalogue.
    await page.goto(`${base}/register?next=/exams`);
    await page.fill('#name', 'Browser Candidate');
    await page.fill('#email', `browser-${Date.now()}@example.com`);
    await page.fill('#password', 'correct horse battery');
    await Promise.all([page.waitForURL(`${base}/exams`), page.click('form[action="/register"] button[type=submit]')]);

    // Start QUICK-L5 from the catalogue and its start page.
    await page.click('a:has-text("五级/初级工 20 题快速模拟")');
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{24}$/), page.click('form.exam-start-form button[type=submit]')]);
    const attemptId = /\/attempts\/([0-9a-f]{24})/.exec(page.url())![1]!;
    await page.waitForSelector('body.exam-js #item-q1.is-current');
    // True/false questions come first on the national paper: 1 = true, 2 = false.
    expect(await page.getAttribute('#item-q1', 'data-type')).toBe('truefalse');

    await page.keyboard.press('1');
    await page.keyboard.press('j');
    await page.waitForSelector('#item-q2.is-current');
    await page.keyboard.press('2');
    expect(await savedResponse(attemptId, 'q1')).toBe(true);
    expect(await savedResponse(attemptId, 'q2')).toBe(false);
    await page.waitForSelector('#exam-save[data-state="saved"]');
    expect(await page.textContent('#exam-save')).toMatch(/已保存 \d{1,2}:\d{2}:\d{2}/);
    expect(await page.getAttribute('#exam-grid a[data-item="q1"]', 'class')).toContain('is-answered');

    // A reload shows the server's copy.
    await page.reload();
    await page.waitForSelector('body.exam-js');
    expect(await page.isChecked('#q1-true')).toBe(true);
    expect(await page.isChecked('#q2-false')).toBe(true);
    expect(await page.textContent('#exam-answered')).toBe('2');

    // Offline: the answer goes to the journal and the page says so.
    await page.click('#exam-grid a[data-item="q3"]');
    await page.waitForSelector('#item-q3.is-current');
    await context.setOffline(true);
    await page.keyboard.press('1');
    await page.waitForSelector('#exam-save[data-state="offline"]');
    // The page-wide state can flip on the browser's offline event before the item's save has failed.
    await page.waitForSelector('#item-q3 [data-state="offline"]');
    expect(await page.textContent('#item-q3 [data-state]')).toBe('待提交');
    const journal = JSON.parse((await page.evaluate(`localStorage.getItem('ate-journal:${attemptId}')`)) as string);
    expect(journal.q3).toMatchObject({ r: true, f: false });
    expect(await AttemptResponseModel.countDocuments({ _id: `${attemptId}:q3` })).toBe(0);

    // Back online: the journal is replayed and emptied.
    await context.setOffline(false);
    expect(await savedResponse(attemptId, 'q3', 15_000)).toBe(true);
    await page.waitForSelector('#exam-save[data-state="saved"]');
    await page.waitForFunction(`localStorage.getItem('ate-journal:${attemptId}') === null`, undefined, { timeout: 10_000 });

    // Submit through the confirmation dialog, which lists the 17 unanswered questions.
    await page.click('#exam-submit');
    await page.waitForSelector('#exam-dialog[open]');
    expect(await page.locator('#exam-dialog [data-unanswered] button').count()).toBe(17);
    await Promise.all([page.waitForURL(`${base}/attempts/${attemptId}/result`), page.click('#exam-dialog [data-confirm]')]);
    await page.waitForSelector('svg.exam-chart');
    expect(await page.locator('.exam-review-item').count()).toBe(20);
  });
});
