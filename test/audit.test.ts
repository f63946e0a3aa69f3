import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import request from 'supertest';
import { AUDIT_CSV_COLUMNS, AUDIT_PAGE_SIZE, recordAudit } from '../src/components/audit';
import { AuditModel } from '../src/components/audit/audit.model';
import { migrateCertificateAudit, recordKeyRotations } from '../src/components/certificates';
import { CertificateAuditModel, CertificateModel } from '../src/components/certificates/certificate.model';
import { recordMissingCertificateAudit } from '../src/components/certificates/certificate.service';
import { openKeyStore } from '../src/components/certificates/signing-keys';
import { UserModel } from '../src/components/accounts/user.model';
import { parseCsv, unguardCell } from '../src/lib/csv';
import { bearer, buildTestApp, createUser, session, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { decodeHtml } from './helpers/html';
import { sampleQuestion } from './helpers/questions';

useTestDatabase();
const { app } = buildTestApp();

let admin: TestUser;
let author: TestUser;
let reviewer: TestUser;

beforeAll(async () => {
  [admin, author, reviewer] = await Promise.all([createUser(app, ['admin']), createUser(app, ['examiner']), createUser(app, ['examiner'])]);
});

/** A fragment no other test's data contains, so filters show only this test's entries. */
const marker = () => `m${randomBytes(4).toString('hex')}`;
const entriesFor = (targetId: string) => AuditModel.find({ 'target.id': targetId }).sort({ at: 1, _id: 1 }).lean();
const rowCount = (html: string) => (html.match(/<tr id="audit-/g) ?? []).length;
const emailOf = async (user: TestUser) => (await UserModel.findById(user.id).lean())!.email;

/** A one-question mock exam the bank can fill once one question is approved. */
async function createExam(): Promise<{ id: string; code: string }> {
  const code = `AUD-${randomBytes(3).toString('hex').toUpperCase()}`;
  const res = await request(app)
    .post('/api/exams')
    .set(bearer(author))
    .send({
      code,
      title: { zh: '审计测试考试', en: 'Audit test exam' },
      level: 3,
      mode: 'mock',
      durationSeconds: 600,
      passPercent: 60,
      sections: [{ type: 'single', count: 1, points: 100 }],
      shares: { 'intelligent-training': 100 },
    })
    .expect(201);
  return { id: res.body.exam.id, code };
}

async function createQuestion(): Promise<{ id: string; code: string }> {
  const res = await request(app).post('/api/questions').set(bearer(author)).send(sampleQuestion({ domain: 'intelligent-training' })).expect(201);
  return { id: res.body.question.id, code: res.body.question.code };
}

const transition = (id: string, user: TestUser, to: string, comment?: string) =>
  request(app).post(`/api/questions/${id}/transition`).set(bearer(user)).send({ to, ...(comment ? { comment } : {}) });

describe('entries for the wired actions', () => {
  it('when an admin changes roles through the API, then one entry holds the roles before and after, the admin, the IP and the request id', async () => {
    const target = await createUser(app);
    await request(app).patch(`/api/users/${target.id}/roles`).set(bearer(admin)).set('X-Request-Id', 'audit-test-1').send({ roles: ['candidate', 'examiner'] }).expect(200);
    const entries = await entriesFor(target.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'user.roles_changed',
      actor: { id: admin.id, email: await emailOf(admin) },
      target: { type: 'user', id: target.id, label: await emailOf(target) },
      before: { roles: ['candidate'] },
      after: { roles: ['candidate', 'examiner'] },
      requestId: 'audit-test-1',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
    });
  });

  it('when roles are changed with the admin form, then the entry still carries the request (the context survives the form parser)', async () => {
    const target = await createUser(app);
    await request(app)
      .post(`/admin/users/${target.id}/roles`)
      .set(session(admin))
      .set('X-Request-Id', 'audit-form-1')
      .type('form')
      .send('roles=examiner')
      .expect(303);
    expect(await entriesFor(target.id)).toEqual([expect.objectContaining({ action: 'user.roles_changed', requestId: 'audit-form-1', actor: expect.objectContaining({ id: admin.id }) })]);
  });

  it('when roles are saved unchanged, or the last-admin guard refuses, then nothing is recorded', async () => {
    const target = await createUser(app);
    await request(app).patch(`/api/users/${target.id}/roles`).set(bearer(admin)).send({ roles: ['candidate'] }).expect(200);
    expect(await entriesFor(target.id)).toHaveLength(0);
    // No test in this file makes a second administrator.
    expect(await UserModel.countDocuments({ roles: 'admin' })).toBe(1);
    const res = await request(app).patch(`/api/users/${admin.id}/roles`).set(bearer(admin)).send({ roles: ['candidate'] }).expect(409);
    expect(res.body.error.code).toBe('last_admin');
    expect(await entriesFor(admin.id)).toHaveLength(0);
  });

  it('when writing the entry fails, then the request fails with audit_write_failed and the change it reports on stays visible', async () => {
    const target = await createUser(app);
    const spy = jest.spyOn(AuditModel, 'create').mockRejectedValueOnce(new Error('disk full'));
    try {
      const res = await request(app).patch(`/api/users/${target.id}/roles`).set(bearer(admin)).send({ roles: ['examiner'] }).expect(500);
      expect(res.body.error.code).toBe('audit_write_failed');
    } finally {
      spy.mockRestore();
    }
    expect((await UserModel.findById(target.id).lean())!.roles).toEqual(['examiner']);
    expect(await entriesFor(target.id)).toHaveLength(0);
  });

  it('when extra time is granted twice, then each entry has the seconds before and after and the reason', async () => {
    const exam = await createExam();
    const candidate = await createUser(app);
    await request(app).post(`/api/exams/${exam.id}/extensions`).set(bearer(author)).send({ userId: candidate.id, extraSeconds: 600, reason: 'accessibility' }).expect(200);
    await request(app).post(`/api/exams/${exam.id}/extensions`).set(bearer(author)).send({ userId: candidate.id, extraSeconds: 900 }).expect(200);
    const entries = await entriesFor(exam.id);
    expect(entries.map((e) => [e.action, e.before, e.after, e.reason])).toEqual([
      ['exam.extension_granted', { userId: candidate.id, extraSeconds: 0 }, { userId: candidate.id, extraSeconds: 600 }, 'accessibility'],
      ['exam.extension_granted', { userId: candidate.id, extraSeconds: 600 }, { userId: candidate.id, extraSeconds: 900 }, undefined],
    ]);
    expect(entries[0]).toMatchObject({ actor: { id: author.id }, target: { type: 'exam', label: exam.code } });
  });

  it('when an exam is published and unpublished, then both are recorded with the examiner who did it; a refused publish records nothing', async () => {
    const exam = await createExam();
    // Nothing is approved in this file's bank before this test: the exam cannot be filled yet.
    const refused = await request(app).post(`/api/exams/${exam.id}/publish`).set(bearer(author)).expect(409);
    expect(refused.body.error.code).toBe('blueprint_unsatisfiable');
    expect(await entriesFor(exam.id)).toHaveLength(0);
    const question = await createQuestion();
    await transition(question.id, author, 'in_review').expect(200);
    await transition(question.id, reviewer, 'approved').expect(200);
    await request(app).post(`/api/exams/${exam.id}/publish`).set(bearer(author)).expect(200);
    await request(app).post(`/api/exams/${exam.id}/unpublish`).set(bearer(reviewer)).expect(200);
    const entries = await entriesFor(exam.id);
    expect(entries.map((e) => [e.action, e.actor?.id, e.before, e.after])).toEqual([
      ['exam.published', author.id, { status: 'draft' }, { status: 'published' }],
      ['exam.unpublished', reviewer.id, { status: 'published' }, { status: 'draft' }],
    ]);
  });

  it('when a reviewer returns a question and later approves it, then both decisions are recorded with the comment as reason; submitting for review is not', async () => {
    const question = await createQuestion();
    await transition(question.id, author, 'in_review').expect(200);
    await transition(question.id, reviewer, 'draft', 'Option C is ambiguous').expect(200);
    await transition(question.id, author, 'in_review').expect(200);
    await transition(question.id, reviewer, 'approved', 'Clear now').expect(200);
    const entries = await entriesFor(question.id);
    expect(entries.map((e) => [e.action, e.actor?.id, e.reason, e.before, e.after])).toEqual([
      ['question.returned', reviewer.id, 'Option C is ambiguous', { status: 'in_review', version: 1 }, { status: 'draft', version: 1 }],
      ['question.approved', reviewer.id, 'Clear now', { status: 'in_review', version: 1 }, { status: 'approved', version: 1 }],
    ]);
    expect(entries[0]!.target).toEqual({ type: 'question', id: question.id, label: question.code });
  });

  it('when the author tries to approve their own question, then 403 and nothing is recorded', async () => {
    const question = await createQuestion();
    await transition(question.id, author, 'in_review').expect(200);
    const res = await transition(question.id, author, 'approved').expect(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await entriesFor(question.id)).toHaveLength(0);
  });

  it('when keys were rotated, then each rotation is recorded once, however often it is reconciled', async () => {
    const store = openKeyStore(fs.mkdtempSync(path.join(os.tmpdir(), 'ate-audit-keys-')));
    const first = store.published()[0]!;
    const second = store.rotate(new Date(Date.now() + 1000));
    const third = store.rotate(new Date(Date.now() + 2000));
    expect(await recordKeyRotations(store, 'test')).toBe(2);
    expect(await Promise.all([recordKeyRotations(store, 'test'), recordKeyRotations(store, 'test')])).toEqual([0, 0]);
    const entries = await AuditModel.find({ action: 'keys.rotated', 'target.id': { $in: [first.kid, second.kid, third.kid] } }).sort({ at: 1 }).lean();
    expect(entries.map((e) => [e.target.id, (e.before as { kid: string }).kid, e.actor])).toEqual([
      [second.kid, first.kid, null],
      [third.kid, second.kid, null],
    ]);
  });
});

describe('the certificate trail', () => {
  const number = () => `S00013100000126${3}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

  it('when certificate_audit holds old entries, then start-up copies each once with its _id, and the audit endpoint keeps its shape', async () => {
    const n = number();
    const issuedAt = new Date('2025-01-02T03:04:05Z');
    const revokedAt = new Date('2025-02-03T04:05:06Z');
    const [issue, revoke] = await CertificateAuditModel.create([
      { action: 'issue', number: n, by: null, reason: 'attempt 65f000000000000000000001', at: issuedAt },
      { action: 'revoke', number: n, by: new Types.ObjectId(admin.id), reason: 'Misconduct', at: revokedAt },
    ]);
    await migrateCertificateAudit();
    await Promise.all([migrateCertificateAudit(), migrateCertificateAudit()]);
    const copied = await entriesFor(n);
    expect(copied.map((e) => [e._id.toHexString(), e.action, e.actor, e.reason])).toEqual([
      [issue!._id.toHexString(), 'certificate.issued', null, 'attempt 65f000000000000000000001'],
      [revoke!._id.toHexString(), 'certificate.revoked', { id: admin.id, email: await emailOf(admin) }, 'Misconduct'],
    ]);
    expect(await CertificateAuditModel.countDocuments({ number: n })).toBe(2);

    const res = await request(app).get(`/api/certificates/${n}/audit`).set(bearer(admin)).expect(200);
    expect(res.body).toEqual({
      items: [
        { _id: issue!._id.toHexString(), action: 'issue', number: n, by: null, reason: 'attempt 65f000000000000000000001', at: issuedAt.toISOString() },
        { _id: revoke!._id.toHexString(), action: 'revoke', number: n, by: admin.id, reason: 'Misconduct', at: revokedAt.toISOString() },
      ],
    });
    await request(app).get(`/api/certificates/${n}/audit`).set(bearer(author)).expect(403);
  });

  it('when a certificate was stored but its entries are missing, then the start-up repair adds them once', async () => {
    const n = number();
    const statusIndex = 900_000 + Math.floor(Math.random() * 99_999);
    const attemptId = new Types.ObjectId();
    await CertificateModel.create({
      number: n,
      attemptId,
      userId: new Types.ObjectId(),
      examId: new Types.ObjectId(),
      record: {},
      canonical: '{}',
      signature: 'x',
      keyId: 'ate-test',
      issuedAt: new Date('2025-03-01T00:00:00Z'),
      expiresAt: new Date('2028-03-01T00:00:00Z'),
      status: 'revoked',
      revokedAt: new Date('2025-04-01T00:00:00Z'),
      revocationReason: 'Fraud',
      statusIndex,
    });
    expect(await recordMissingCertificateAudit()).toBeGreaterThanOrEqual(2);
    expect(await recordMissingCertificateAudit()).toBe(0);
    const entries = await entriesFor(n);
    expect(entries.map((e) => [e.action, e.reason, e.at.toISOString(), e.after])).toEqual([
      ['certificate.issued', `attempt ${attemptId.toHexString()}`, '2025-03-01T00:00:00.000Z', { status: 'valid', keyId: 'ate-test' }],
      ['certificate.revoked', 'Fraud', '2025-04-01T00:00:00.000Z', { status: 'revoked', reconstructed: true }],
    ]);
  });
});

describe('append-only', () => {
  it('when any update, replace or delete is attempted, then it throws audit_append_only and the entry is unchanged', async () => {
    const id = marker();
    await recordAudit({ action: 'exam.published', actor: null, target: { type: 'exam', id }, before: { status: 'draft' }, after: { status: 'published' } });
    const original = (await AuditModel.findOne({ 'target.id': id }).lean())!;
    const filter = { _id: original._id };
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['updateOne', () => AuditModel.updateOne(filter, { $set: { reason: 'tampered' } })],
      ['updateMany', () => AuditModel.updateMany({}, { $set: { reason: 'tampered' } })],
      ['findOneAndUpdate', () => AuditModel.findOneAndUpdate(filter, { $set: { reason: 'tampered' } })],
      ['findByIdAndUpdate', () => AuditModel.findByIdAndUpdate(original._id, { $set: { reason: 'tampered' } })],
      ['replaceOne', () => AuditModel.replaceOne(filter, { ...original, reason: 'tampered' })],
      ['findOneAndReplace', () => AuditModel.findOneAndReplace(filter, { ...original, reason: 'tampered' })],
      ['deleteOne', () => AuditModel.deleteOne(filter)],
      ['deleteMany', () => AuditModel.deleteMany({})],
      ['findOneAndDelete', () => AuditModel.findOneAndDelete(filter)],
      ['findByIdAndDelete', () => AuditModel.findByIdAndDelete(original._id)],
      ['bulkWrite', () => AuditModel.bulkWrite([{ deleteOne: { filter } }])],
      [
        'document save',
        async () => {
          const doc = (await AuditModel.findById(original._id))!;
          doc.reason = 'tampered';
          return doc.save();
        },
      ],
      ['document updateOne', async () => (await AuditModel.findById(original._id))!.updateOne({ $set: { reason: 'tampered' } })],
      ['document deleteOne', async () => (await AuditModel.findById(original._id))!.deleteOne()],
    ];
    const count = await AuditModel.countDocuments();
    for (const [name, attempt] of attempts) {
      await expect(attempt()).rejects.toMatchObject({ code: 'audit_append_only' });
      expect([name, await AuditModel.findById(original._id).lean()]).toEqual([name, original]);
    }
    expect(await AuditModel.countDocuments()).toBe(count);
  });
});

describe('GET /admin/audit', () => {
  it('when an administrator filters by action and target, then only those entries show, with translated labels, UTC+8 time and the change', async () => {
    const id = marker();
    await recordAudit({
      action: 'user.roles_changed',
      actor: { id: admin.id, email: 'boss@example.com' },
      target: { type: 'user', id, label: `${id}@example.com` },
      before: { roles: ['candidate'] },
      after: { roles: ['candidate', 'examiner'] },
      at: new Date('2025-05-01T16:30:00Z'),
    });
    await recordAudit({ action: 'exam.published', actor: null, target: { type: 'user', id } });
    const res = await request(app).get(`/admin/audit?action=user.roles_changed&targetType=user&targetId=${id}`).set(session(admin, 'en')).expect(200);
    expect(rowCount(res.text)).toBe(1);
    const html = decodeHtml(res.text);
    expect(html).toContain('Roles changed');
    expect(html).toContain('<time datetime="2025-05-01T16:30:00.000Z">2025-05-02 00:30:00</time>');
    expect(html).toContain('Time (UTC+8)');
    expect(html).toContain('boss@example.com');
    expect(html).toContain('roles: candidate → candidate, examiner');
    expect(html).toContain(`href="/admin/audit.csv?action=user.roles_changed&targetType=user&targetId=${id}"`);
    expect(html).toContain('<option value="user.roles_changed" selected>');
  });

  it('when the page is asked for in Chinese, then labels and the Beijing-time note are Chinese', async () => {
    const id = marker();
    await recordAudit({ action: 'certificate.revoked', actor: null, target: { type: 'certificate', id }, reason: '考试作弊' });
    const res = await request(app).get(`/admin/audit?targetId=${id}`).set(session(admin, 'zh-CN')).expect(200);
    expect(res.text).toContain('安全审计日志');
    expect(res.text).toContain('时间（北京时间 UTC+8）');
    expect(res.text).toContain('撤销证书');
    expect(res.text).toContain('系统');
    expect(res.text).toContain('考试作弊');
    const users = await request(app).get('/admin/users').set(session(admin, 'zh-CN')).expect(200);
    expect(users.text).toContain('<a href="/admin/audit">审计日志</a>');
  });

  it('when filtering by an actor email fragment, then it matches case-insensitively and literally', async () => {
    const m = marker();
    const id = marker();
    await recordAudit({ action: 'exam.published', actor: { id: '1', email: `li.lei.${m}@example.com` }, target: { type: 'exam', id } });
    await recordAudit({ action: 'exam.published', actor: { id: '2', email: `liXlei.${m}@example.com` }, target: { type: 'exam', id } });
    const res = await request(app).get(`/admin/audit?actor=${encodeURIComponent(`LI.LEI.${m.toUpperCase()}`)}`).set(session(admin)).expect(200);
    expect(rowCount(res.text)).toBe(1);
    expect(res.text).toContain(`li.lei.${m}@example.com`);
    for (const q of ['.*', '[', '(?i)^', '\\']) {
      expect(rowCount((await request(app).get(`/admin/audit?actor=${encodeURIComponent(q)}&targetId=${id}`).set(session(admin)).expect(200)).text)).toBe(0);
    }
  });

  it('when filtering by a date range, then the days are UTC+8 days and both ends are included', async () => {
    const id = marker();
    const times = ['2025-03-01T15:59:59Z', '2025-03-01T16:00:00Z', '2025-03-03T15:59:59Z', '2025-03-03T16:00:00Z'];
    for (const at of times) await recordAudit({ action: 'exam.published', actor: null, target: { type: 'exam', id }, at: new Date(at) });
    const res = await request(app).get(`/admin/audit?targetId=${id}&from=2025-03-02&to=2025-03-03`).set(session(admin)).expect(200);
    expect(rowCount(res.text)).toBe(2);
    expect(res.text).toContain('>2025-03-02 00:00:00</time>');
    expect(res.text).toContain('>2025-03-03 23:59:59</time>');
    expect(res.text).not.toContain('>2025-03-01 23:59:59</time>');
    expect(res.text).not.toContain('>2025-03-04 00:00:00</time>');
  });

  it('when more than a page matches, then 50 show newest first and the next page holds the rest', async () => {
    const id = marker();
    const start = Date.parse('2025-06-01T00:00:00Z');
    await AuditModel.insertMany(
      Array.from({ length: AUDIT_PAGE_SIZE + 5 }, (_, i) => ({ at: new Date(start + i * 60_000), action: 'exam.published', actor: null, target: { type: 'exam', id } })),
    );
    const first = decodeHtml((await request(app).get(`/admin/audit?targetId=${id}`).set(session(admin, 'en')).expect(200)).text);
    expect(rowCount(first)).toBe(50);
    expect(first).toContain('55 entries');
    const times = [...first.matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1]!);
    expect(times[0]).toBe(new Date(start + 54 * 60_000).toISOString());
    expect([...times].sort().reverse()).toEqual(times);
    expect(first).toContain(`href="/admin/audit?targetId=${id}&page=2" rel="next"`);
    const second = await request(app).get(`/admin/audit?targetId=${id}&page=2`).set(session(admin)).expect(200);
    expect(rowCount(second.text)).toBe(5);
    expect(second.text).toContain(`datetime="${new Date(start).toISOString()}"`);
  });

  it('when a filter is not valid, then 400 says so and the unfiltered list shows', async () => {
    for (const query of ['from=2025-02-30', 'action=user.deleted', 'from=2025-03-05&to=2025-03-01', 'page=0', 'actor=' + 'x'.repeat(201)]) {
      const res = await request(app).get(`/admin/audit?${query}`).set(session(admin, 'en')).expect(400);
      expect(res.text).toContain('The filter is not valid');
    }
  });

  it('when someone who is not an administrator asks, then a browser without a session is sent to sign in and others get 403', async () => {
    const anonymous = await request(app).get('/admin/audit?action=keys.rotated').set('Accept', 'text/html').expect(303);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/audit?action=keys.rotated')}`);
    for (const user of [author, await createUser(app)]) {
      await request(app).get('/admin/audit').set(session(user)).expect(403);
      const csv = await request(app).get('/admin/audit.csv').set(bearer(user)).set('Accept', 'application/json').expect(403);
      expect(csv.body.error.code).toBe('forbidden');
    }
    const api = await request(app).get('/admin/audit.csv').set('Accept', 'application/json').expect(401);
    expect(api.body.error.code).toBe('unauthenticated');
  });
});

describe('GET /admin/audit.csv', () => {
  const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };
  const download = (query: string) => request(app).get(`/admin/audit.csv${query}`).set(session(admin)).buffer(true).parse(binary);

  it('when a user-chosen email and reason hold formulas, then the export neutralises every such cell and reads back exactly', async () => {
    const m = marker();
    const exam = await createExam();
    const examiner = await createUser(app, ['examiner'], { email: `-2+3${m}@example.com` });
    const reason = '=HYPERLINK("http://x","click")';
    const candidate = await createUser(app);
    await request(app).post(`/api/exams/${exam.id}/extensions`).set(bearer(examiner)).send({ userId: candidate.id, extraSeconds: 300, reason }).expect(200);

    const res = await download(`?action=exam.extension_granted&targetId=${exam.id}`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-log-\d{8}-\d{4}\.csv"$/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(text).toContain(`"'-2+3${m}@example.com"`);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows).toHaveLength(1);
    for (const cell of rows[0]!) expect(cell).not.toMatch(/^[\s]*[=+\-@＝＋－＠]/);
    const row = Object.fromEntries(header!.map((name, i) => [name, unguardCell(rows[0]![i]!)]));
    expect(row).toMatchObject({
      action: 'exam.extension_granted',
      actor_id: examiner.id,
      actor_email: `-2+3${m}@example.com`,
      target_type: 'exam',
      target_id: exam.id,
      target_label: exam.code,
      reason,
      before: JSON.stringify({ userId: candidate.id, extraSeconds: 0 }),
      after: JSON.stringify({ userId: candidate.id, extraSeconds: 300 }),
    });
    expect(row.time_utc8).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('when the log is longer than a cursor batch, then every matching row arrives, newest first, in Chinese intact', async () => {
    const id = marker();
    const start = Date.parse('2025-07-01T00:00:00Z');
    const count = 1_200;
    await AuditModel.insertMany(
      Array.from({ length: count }, (_, i) => ({ at: new Date(start + i * 1000), action: 'certificate.revoked', actor: null, target: { type: 'certificate', id }, reason: `理由 ${i}` })),
    );
    await recordAudit({ action: 'certificate.issued', actor: null, target: { type: 'certificate', id } });
    const res = await download(`?action=certificate.revoked&targetId=${id}&from=2025-07-01`).expect(200);
    const [, ...rows] = parseCsv((res.body as Buffer).toString('utf8'));
    expect(rows).toHaveLength(count);
    const reasonAt = AUDIT_CSV_COLUMNS.indexOf('reason');
    expect(rows[0]![reasonAt]).toBe(`理由 ${count - 1}`);
    expect(rows[count - 1]![reasonAt]).toBe('理由 0');
  });

  it('when the filter is not valid, then 400 validation_failed rather than a download of everything', async () => {
    const res = await request(app).get('/admin/audit.csv?from=yesterday').set(bearer(admin)).set('Accept', 'application/json').expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});
