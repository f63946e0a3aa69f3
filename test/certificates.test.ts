import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeJwt, importJWK, jwtVerify } from 'jose';
import request from 'supertest';
import { AuditModel } from '../src/components/audit/audit.model';
import { CertificateModel } from '../src/components/certificates/certificate.model';
import { signatureValid, verifyByNumberAndName } from '../src/components/certificates/certificate.service';
import { signText, verifyText } from '../src/components/certificates/signing-keys';
import { AttemptModel } from '../src/components/exams/attempt.model';
import { loadVersions, questionType } from '../src/components/questions';
import { seedQuestionBank } from '../src/components/questions/question-seed.service';
import { bearer, buildTestApp, createUser, testCertificatesContext, type TestUser, TEST_PUBLIC_URL } from './helpers/app';
import { useTestDatabase, SEED_BANK_TIMEOUT } from './helpers/database';
import { listen } from './helpers/raw-http';
import { requireCommand } from './helpers/tools';

useTestDatabase();
const certificates = testCertificatesContext({ verifyRatePerMinute: 10_000 });
const { app } = buildTestApp({ certificates });
let examiner: TestUser;
let admin: TestUser;
let examId: string;


beforeAll(async () => {
  await seedQuestionBank();
  [examiner, admin] = await Promise.all([createUser(app, ['examiner']), createUser(app, ['admin'])]);
  // A short certification exam keeps each pass quick; the rules are the real ones.
  const created = await request(app)
    .post('/api/exams')
    .set(bearer(examiner))
    .send({
      code: 'CERT-SHORT-L3',
      title: { zh: '人工智能训练师三级理论知识认定考试（短）', en: 'AI Trainer Level 3 Theory Certification (short)' },
      level: 3,
      mode: 'certification',
      durationSeconds: 600,
      passPercent: 60,
      sections: [{ type: 'truefalse', count: 5, points: 20 }],
      shares: { 'intelligent-training': 100 },
      reviewPolicy: 'domains',
      certificate: { issueOnPass: true, validityYears: 3 },
    })
    .expect(201);
  examId = created.body.exam.id;
  await request(app).post(`/api/exams/${examId}/publish`).set(bearer(examiner)).expect(200);
}, SEED_BANK_TIMEOUT);

/** Sits the short exam; answers `right` items correctly and the rest wrongly. */
async function sit(user: TestUser, right: number, submitTimes = 1) {
  const attempt = (await request(app).post(`/api/exams/${examId}/attempts`).set(bearer(user)).expect(201)).body.attempt;
  const stored = (await AttemptModel.findById(attempt.id).lean())!;
  const contents = await loadVersions(stored.items);
  for (const [i, item] of stored.items.entries()) {
    const content = contents.get(`${item.questionId.toHexString()}:${item.version}`)!;
    const key = questionType(content.type).key(content) as boolean;
    await request(app).put(`/api/attempts/${attempt.id}/answers/${item.itemId}`).set(bearer(user)).send({ response: i < right ? key : !key }).expect(200);
  }
  const results = await Promise.all(Array.from({ length: submitTimes }, () => request(app).post(`/api/attempts/${attempt.id}/submit`).set(bearer(user)).expect(200)));
  return { attemptId: attempt.id as string, result: results[0]!.body.result };
}

async function holder(fields: Record<string, string>, idNumber?: string) {
  const user = await createUser(app, ['candidate'], fields);
  if (idNumber) await request(app).patch('/api/me').set(bearer(user)).send({ idType: '居民身份证', idNumber }).expect(200);
  return user;
}

describe('issuing', () => {
  it('when a candidate passes (with concurrent submits), then exactly one certificate is issued in the national number shape', async () => {
    const user = await holder({ name: 'Zhang Yu', nameZh: '张予' }, '110101199003071234');
    const { attemptId, result } = await sit(user, 4, 3);
    expect(result.passed).toBe(true);
    const issued = await CertificateModel.find({ attemptId }).lean();
    expect(issued).toHaveLength(1);
    const cert = issued[0]!;
    expect(cert.number).toMatch(new RegExp(`^S000131000001${String(new Date().getUTCFullYear()).slice(-2)}3\\d{6}$`));
    expect(cert.number).toHaveLength(22);
    expect(cert.record).toMatchObject({ holder: { name: 'Zhang Yu', nameZh: '张予' }, idNumberMasked: '**************1234', levelLabel: { zh: '三级/高级工' } });
    expect(JSON.stringify(cert.record)).not.toContain('110101199003071234');
    expect(await AuditModel.countDocuments({ 'target.id': cert.number, action: 'certificate.issued', actor: null })).toBe(1);
    expect(fs.existsSync(certificates.files.pathFor(cert.number))).toBe(true);
  });

  it('when a candidate fails, then no certificate is issued', async () => {
    const user = await holder({ name: 'Fail Case' });
    const { attemptId, result } = await sit(user, 2);
    expect(result.passed).toBe(false);
    expect(await CertificateModel.countDocuments({ attemptId })).toBe(0);
  });

  it('when the same candidate passes again, then a new certificate supersedes the earlier one and both stay verifiable', async () => {
    const user = await holder({ name: 'Li Lei', nameZh: '李雷' });
    await sit(user, 5);
    await sit(user, 4);
    const certs = await CertificateModel.find({ userId: user.id }).sort({ issuedAt: 1, number: 1 }).lean();
    expect(certs).toHaveLength(2);
    expect(certs[1]!.supersedes).toBe(certs[0]!.number);
    expect(certs[0]!.supersededBy).toBe(certs[1]!.number);
    for (const cert of certs) {
      const res = await request(app).get(`/api/certificates/${cert.number}`).query({ name: '李雷' }).expect(200);
      expect(res.body.status).toBe('valid');
    }
  });
});

describe('the PDF', () => {
  it('when the holder downloads it, then it parses and its text carries the number and the Chinese names', async () => {
    for (const fields of [{ name: 'Zhang Yu', nameZh: '张予' }, { name: 'Akerbek Zaparov', nameZh: '阿克尔别克·扎帕罗夫' }]) {
      const user = await holder(fields);
      await sit(user, 5);
      const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
      const pdf = await request(app).get(`/api/certificates/${cert.number}/pdf`).set(bearer(user)).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      const body = pdf.body as Buffer;
      expect(body.subarray(0, 5).toString()).toBe('%PDF-');
      expect(body.length).toBeLessThan(300 * 1024);
      requireCommand('pdftotext');
      const file = `${certificates.files.pathFor(cert.number)}.check.pdf`;
      fs.writeFileSync(file, body);
      const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
      expect(text).toContain(cert.number);
      expect(text).toContain(fields.nameZh.replace(/\s+/g, ''));
      expect(text).toContain('职业技能等级证书');
    }
  });

  it('when the file is deleted, then downloading regenerates the same bytes', async () => {
    const user = await holder({ name: 'Regen', nameZh: '重生' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const first = fs.readFileSync(certificates.files.pathFor(cert.number));
    fs.rmSync(certificates.files.pathFor(cert.number));
    const again = await certificates.files.ensure(cert);
    expect(Buffer.compare(first, again)).toBe(0);
  });

  it("when someone else asks for a holder's PDF or credential, then 404", async () => {
    const owner = await holder({ name: 'Owner' });
    await sit(owner, 5);
    const cert = (await CertificateModel.findOne({ userId: owner.id }).lean())!;
    const stranger = await createUser(app);
    await request(app).get(`/api/certificates/${cert.number}/pdf`).set(bearer(stranger)).expect(404);
    await request(app).get(`/api/certificates/${cert.number}/credential`).set(bearer(stranger)).expect(404);
    await request(app).get(`/api/certificates/${cert.number}/pdf`).set(bearer(admin)).expect(200);
  });

  it('when an uploaded PDF is genuine, then verify-pdf says identical (a trailing newline too); an altered record or a forged file reads nothing', async () => {
    const user = await holder({ name: 'Wang Fang', nameZh: '王芳' }, '110101199003074514');
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const genuine = fs.readFileSync(certificates.files.pathFor(cert.number));
    const upload = (pdf: Buffer) => request(app).post('/api/certificates/verify-pdf').set('Content-Type', 'application/pdf').send(pdf);
    const ok = await upload(genuine).expect(200);
    expect(ok.body).toMatchObject({ number: cert.number, status: 'valid', file: 'identical', holder: { nameZh: '王芳' }, signature: { valid: true } });
    expect((await upload(Buffer.concat([genuine, Buffer.from('\n\r\n')])).expect(200)).body.file).toBe('identical');

    // Change one character inside the embedded base64 record.
    const marker = genuine.indexOf(Buffer.from(Buffer.from(cert.canonical).toString('base64').slice(40, 60)));
    expect(marker).toBeGreaterThan(0);
    const altered = Buffer.from(genuine);
    altered[marker + 5] = altered[marker + 5] === 0x41 ? 0x42 : 0x41;
    // A 90-byte "PDF" that carries the genuine record with a made-up signature: it names a real certificate.
    const forged = Buffer.from(`%PDF-1.4\n/ATE-Record (${Buffer.from(cert.canonical).toString('base64')}) /ATE-Signature (${'A'.repeat(86)})\n`);
    // A record validly signed by our key but for a number we have no certificate under answers the same.
    const otherRecord = cert.canonical.replace(cert.number, 'S000131000001269999997');
    const unknownNumber = Buffer.from(`%PDF-1.4\n/ATE-Record (${Buffer.from(otherRecord).toString('base64')}) /ATE-Signature (${signText(otherRecord, certificates.keys.current().privateKey)})\n`);
    const answers = [];
    for (const pdf of [altered, forged, unknownNumber]) {
      const res = await upload(pdf).expect(404);
      expect(res.body.error.code).toBe('certificate_not_found');
      for (const personal of ['王芳', 'Wang Fang', '4514', String(cert.record.score)]) expect(JSON.stringify(res.body)).not.toContain(personal);
      answers.push(res.body);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);

    const junk = await upload(Buffer.from('%PDF-1.4 not really')).expect(400);
    expect(junk.body.error.code).toBe('not_a_certificate');
  });
});

describe('verification for employers', () => {
  let number: string;
  beforeAll(async () => {
    const user = await holder({ name: 'Zhao  Min', nameZh: '赵敏' });
    await sit(user, 5);
    number = (await CertificateModel.findOne({ userId: user.id }).lean())!.number;
  });

  it('when number and name match (ignoring case and spacing), then 200 valid with the signature checked', async () => {
    for (const name of ['赵敏', 'zhao min', 'ZHAOMIN', ' Zhao Min ']) {
      const res = await request(app).get(`/api/certificates/${number}`).query({ name }).expect(200);
      expect(res.body).toMatchObject({ number, status: 'valid', occupation: { zh: '人工智能训练师' }, signature: { valid: true } });
      expect(res.body.idNumber).toBeUndefined();
    }
  });

  it('when the number is unknown or the name wrong, then the same 404 certificate_not_found', async () => {
    const wrongName = await request(app).get(`/api/certificates/${number}`).query({ name: 'Somebody Else' }).expect(404);
    const unknown = await request(app).get('/api/certificates/S000131000001269999999').query({ name: '赵敏' }).expect(404);
    expect(wrongName.body).toEqual(unknown.body);
    expect(wrongName.body.error.code).toBe('certificate_not_found');
  });

  it('when an employer checks a batch, then each pair gets its own verdict; more than 100 pairs is 400', async () => {
    const res = await request(app)
      .post('/api/certificates/verify')
      .send({ items: [{ number, name: '赵敏' }, { number, name: 'nobody' }, { number: 'x', name: 'y' }] })
      .expect(200);
    expect(res.body.results.map((r: { found: boolean; status?: string }) => [r.found, r.status])).toEqual([[true, 'valid'], [false, undefined], [false, undefined]]);
    await request(app).post('/api/certificates/verify').send({ items: Array.from({ length: 101 }, () => ({ number, name: 'x' })) }).expect(400);
  });

  it('when the certificate has expired, then it says expired', async () => {
    // Time moves on (the day after the expiry date), rather than the record being edited under the app.
    const { expiresAt } = (await CertificateModel.findOne({ number }).lean())!;
    const later = new Date(expiresAt.getTime() + 86_400_000);
    expect((await verifyByNumberAndName(number, '赵敏', certificates.keys, later)).status).toBe('expired');
    expect((await verifyByNumberAndName(number, '赵敏', certificates.keys)).status).toBe('valid');
  });

  it('when an admin revokes it, then verification says revoked, when and why, the audit records it, and the status list bit flips', async () => {
    const user = await holder({ name: 'Revoke Me' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const bitSet = async () => {
      const jwt = (await request(app).get('/api/certificates/status/1').expect(200)).text;
      const list = decodeJwt(jwt) as { vc: { credentialSubject: { encodedList: string } } };
      const bytes = gunzipSync(Buffer.from(list.vc.credentialSubject.encodedList.slice(1), 'base64url'));
      return (bytes[cert.statusIndex >> 3]! & (0x80 >> (cert.statusIndex & 7))) !== 0;
    };
    expect(await bitSet()).toBe(false);
    const candidate = await createUser(app);
    await request(app).post(`/api/certificates/${cert.number}/revoke`).set(bearer(candidate)).send({ reason: 'no' }).expect(403);
    await request(app).post(`/api/certificates/${cert.number}/revoke`).set(bearer(admin)).send({ code: 'no_such_code', reason: 'x y z' }).expect(400);
    const revoked = await request(app).post(`/api/certificates/${cert.number}/revoke`).set(bearer(admin)).send({ code: 'regraded', reason: 'Exam misconduct found on review' }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocationNote: 'Exam misconduct found on review' });
    // Verifiers see the public code only; the examiner's note stays with administrators and the audit log.
    const res = await request(app).get(`/api/certificates/${cert.number}`).query({ name: 'revoke me' }).expect(200);
    expect(res.body).toMatchObject({ status: 'revoked', revocation: { code: 'regraded', label: { zh: '成绩复核后撤销', en: 'Withdrawn after regrading' } }, revokedAt: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('misconduct');
    const listed = (await request(app).get('/api/certificates').query({ q: cert.number }).set(bearer(admin)).expect(200)).body.items;
    expect(listed[0]).toMatchObject({ number: cert.number, revocationNote: 'Exam misconduct found on review' });
    expect(await AuditModel.countDocuments({ 'target.id': cert.number, action: 'certificate.revoked', 'actor.id': admin.id, reason: 'Exam misconduct found on review' })).toBe(1);
    const trail = (await request(app).get(`/api/certificates/${cert.number}/audit`).set(bearer(admin)).expect(200)).body.items;
    expect(trail).toEqual([
      { _id: expect.any(String), action: 'issue', number: cert.number, by: null, reason: `attempt ${cert.attemptId.toHexString()}`, at: expect.any(String) },
      { _id: expect.any(String), action: 'revoke', number: cert.number, by: admin.id, reason: 'Exam misconduct found on review', at: expect.any(String) },
    ]);
    expect(await bitSet()).toBe(true);
    await request(app).post(`/api/certificates/${cert.number}/revoke`).set(bearer(admin)).send({ reason: 'again' }).expect(409);
  });

  it('when a client sends too many requests, then 429 with Retry-After', async () => {
    const limited = buildTestApp({ certificates: testCertificatesContext({ verifyRatePerMinute: 3 }) }).app;
    for (let i = 0; i < 3; i++) await request(limited).get(`/api/certificates/${number}`).query({ name: '赵敏' }).expect(200);
    const res = await request(limited).get(`/api/certificates/${number}`).query({ name: '赵敏' }).expect(429);
    expect(res.body.error.code).toBe('too_many_requests');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when behind a trusted proxy, then each forwarded client has its own bucket, a batch pays half a look-up a pair in one charge, and an oversized batch is 400', async () => {
    const limited = buildTestApp({ certificates: testCertificatesContext({ verifyRatePerMinute: 3 }), trustProxy: ['loopback'] }).app;
    const batch = (client: string, pairs: number) =>
      request(limited).post('/api/certificates/verify').set('X-Forwarded-For', client).send({ items: Array.from({ length: pairs }, () => ({ number, name: '赵敏' })) });
    // Four pairs cost two of the three tokens; a second batch of four would need one more than is left.
    expect((await batch('203.0.113.1', 4).expect(200)).body.results).toHaveLength(4);
    const refused = await batch('203.0.113.1', 4).expect(429);
    // One token short at 3 a minute: 20 s, a little less if the machine was slow between the two requests.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(10);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(20);
    // The refused batch spent nothing: one single look-up still fits.
    await request(limited).get(`/api/certificates/${number}`).query({ name: '赵敏' }).set('X-Forwarded-For', '203.0.113.1').expect(200);
    // Another employer behind the same proxy is not affected.
    await batch('203.0.113.2', 6).expect(200);
    expect((await batch('203.0.113.3', 8).expect(400)).body.error.code).toBe('over_rate_limit');
  });
});

describe('signatures and keys', () => {
  it('when checked with the published key the signature verifies; with another key it fails', async () => {
    const user = await holder({ name: 'Key Check' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const { keys } = (await request(app).get('/api/certificates/keys').expect(200)).body;
    const published = keys.find((k: { kid: string }) => k.kid === `did:web:localhost%3A3000#${cert.keyId}`);
    const { createPublicKey } = await import('node:crypto');
    expect(verifyText(cert.canonical, cert.signature, createPublicKey({ key: { kty: published.kty, crv: published.crv, x: published.x }, format: 'jwk' }))).toBe(true);
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(verifyText(cert.canonical, cert.signature, other)).toBe(false);
  });

  it('when keys rotate, then certificates signed before still verify and new ones use the new key', async () => {
    const before = await holder({ name: 'Before Rotation' });
    await sit(before, 5);
    const old = (await CertificateModel.findOne({ userId: before.id }).lean())!;
    const rotated = certificates.keys.rotate();
    const after = await holder({ name: 'After Rotation' });
    await sit(after, 5);
    const fresh = (await CertificateModel.findOne({ userId: after.id }).lean())!;
    expect(fresh.keyId).toBe(rotated.kid);
    expect(old.keyId).not.toBe(rotated.kid);
    expect(signatureValid(old, certificates.keys)).toBe(true);
    const res = await request(app).get(`/api/certificates/${old.number}`).query({ name: 'before rotation' }).expect(200);
    expect(res.body.signature).toEqual({ keyId: old.keyId, valid: true });
    const { keys } = (await request(app).get('/api/certificates/keys').expect(200)).body;
    expect(keys.find((k: { kid: string }) => k.kid.endsWith(`#${old.keyId}`)).validUntil).not.toBeNull();

    // The new key leaks: marked compromised from the moment it signed `fresh`, that certificate verifies as
    // invalid everywhere, the one before the rotation stays valid, and signing goes on with a new key.
    certificates.keys.markCompromised(rotated.kid, fresh.issuedAt);
    const leaked = await request(app).get(`/api/certificates/${fresh.number}`).query({ name: 'after rotation' }).expect(200);
    expect(leaked.body).toMatchObject({ status: 'invalid', signature: { keyId: rotated.kid, valid: false } });
    expect((await request(app).get(`/api/certificates/${old.number}`).query({ name: 'before rotation' }).expect(200)).body.status).toBe('valid');
    const pdf = fs.readFileSync(certificates.files.pathFor(fresh.number));
    await request(app).post('/api/certificates/verify-pdf').set('Content-Type', 'application/pdf').send(pdf).expect(404);
    const jwks = (await request(app).get('/.well-known/jwks.json').expect(200)).body.keys;
    expect(jwks.find((k: { kid: string }) => k.kid.endsWith(`#${rotated.kid}`)).compromisedFrom).toBe(fresh.issuedAt.toISOString());
    expect(certificates.keys.rotate().kid).not.toBe(rotated.kid);
  });
});

describe('the offline verifier (npm run verify-cert)', () => {
  it('when given a genuine PDF and the published keys, then it exits 0 saying VALID; an altered copy exits 1', async () => {
    const user = await holder({ name: 'Offline Check', nameZh: '离线' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cli-'));
    const keysFile = `${dir}/keys.json`;
    fs.writeFileSync(keysFile, (await request(app).get('/api/certificates/keys').expect(200)).text);
    const genuine = certificates.files.pathFor(cert.number);
    const cli = (file: string) => spawnSync(process.execPath, ['dist/cli/verify-cert.js', file, '--key', keysFile], { encoding: 'utf8' });
    const ok = cli(genuine);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(cert.number);
    expect(ok.stdout).toContain('VALID');
    const bytes = fs.readFileSync(genuine);
    const at = bytes.indexOf(Buffer.from(Buffer.from(cert.canonical).toString('base64').slice(40, 60))) + 5;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    fs.writeFileSync(`${dir}/altered.pdf`, bytes);
    const bad = cli(`${dir}/altered.pdf`);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID');
    // Every signed field is printed, the score included.
    expect(ok.stdout).toContain(`score:       ${cert.record.score}%  (pass mark 60%)`);
    expect(ok.stdout).toContain('离线 · Offline Check');

    // Keys that do not include the record's key: exit 3, not "altered".
    const otherKeys = `${dir}/other.json`;
    fs.writeFileSync(otherKeys, JSON.stringify({ keys: [{ ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ate-other' }] }));
    const unknown = spawnSync(process.execPath, ['dist/cli/verify-cert.js', genuine, '--key', otherKeys], { encoding: 'utf8' });
    expect([unknown.status, unknown.stdout.includes('UNKNOWN KEY')]).toEqual([3, true]);

    // Without --key on a machine with no keys it says so and creates none.
    const emptyKeys = path.join(dir, 'no-keys');
    const none = spawnSync(process.execPath, ['dist/cli/verify-cert.js', genuine], { encoding: 'utf8', env: { ...process.env, CERT_KEYS_DIR: emptyKeys, DATA_DIR: dir } });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--key');
    expect(fs.existsSync(emptyKeys) ? fs.readdirSync(emptyKeys) : []).toEqual([]);
  });
});

describe('the Open Badges credential', () => {
  let origin: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const server = await listen(app);
    origin = `http://127.0.0.1:${server.port}`;
    close = server.close;
  });
  afterAll(() => close());
  /** The test's stand-in for DNS: the app calls itself TEST_PUBLIC_URL; it listens on `origin`. */
  const reach = (url: string) => url.replace(TEST_PUBLIC_URL, origin);
  /** did-jwt-vc, resolving the did:web document from the listening app, in a process of its own (it is ES modules only). */
  const didJwtVc = async (jwt: string) => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'helpers/did-jwt-vc-check.mjs'), jwt, origin, new URL(TEST_PUBLIC_URL).host]);
    return JSON.parse(stdout) as { ok: boolean; issuer?: string; signer?: string; error?: string };
  };

  it('when the holder downloads it, then it follows the OB 3.0 JWT format and jose (remote JWK Set) and did-jwt-vc (did:web) verify it, finding the key themselves', async () => {
    const user = await holder({ name: 'Badge Holder', nameZh: '徽章' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const { jwt } = (await request(app).get(`/api/certificates/${cert.number}/credential`).set(bearer(user)).expect(200)).body;
    const profile = (await (await fetch(`${origin}/issuer`)).json()) as { id: string; jwks_uri: string };
    const jwks = createRemoteJWKSet(new URL(reach(profile.jwks_uri)));
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: profile.id,
      requiredClaims: ['iss', 'sub', 'nbf', 'exp', 'jti', 'vc'],
      typ: 'JWT',
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.kid).toMatch(/^did:web:localhost%3A3000#ate-/);
    const vc = payload.vc as Record<string, any>;
    expect(payload).toMatchObject({ iss: 'did:web:localhost%3A3000', sub: vc.credentialSubject.id, jti: vc.id, nbf: Math.floor(cert.issuedAt.getTime() / 1000), exp: Math.floor(cert.expiresAt.getTime() / 1000) });
    expect(vc).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: 'did:web:localhost%3A3000' },
      credentialSubject: { id: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/), achievement: { achievementType: 'Certification' }, result: [{ value: String(cert.record.score) }] },
      credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(cert.statusIndex) },
      validFrom: cert.issuedAt.toISOString(),
      validUntil: cert.expiresAt.toISOString(),
    });
    // The achievement and its image resolve.
    const achievement = await fetch(reach(vc.credentialSubject.achievement.id));
    expect(achievement.status).toBe(200);
    expect(((await achievement.json()) as { id: string }).id).toBe(vc.credentialSubject.achievement.id);
    const image = await fetch(reach(vc.credentialSubject.achievement.image.id));
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);

    // did-jwt-vc resolves the issuer's did:web document and checks the proof.
    expect(await didJwtVc(jwt)).toEqual({ ok: true, issuer: 'did:web:localhost%3A3000', signer: protectedHeader.kid });

    // Another key, or one altered byte, fails both.
    const [h, p, sig] = jwt.split('.');
    const altered = `${h}.${p}.${sig.slice(0, -4)}${sig.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await expect(jwtVerify(altered, jwks)).rejects.toThrow();
    expect((await didJwtVc(altered)).ok).toBe(false);
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    await expect(jwtVerify(jwt, await importJWK({ ...otherKey, kty: 'OKP', alg: 'EdDSA' }, 'EdDSA'))).rejects.toThrow();
  });

  it('when the status list is fetched, then it verifies the same way and the certificate sits at a random position', async () => {
    const jwt = await (await fetch(`${origin}/api/certificates/status/1`)).text();
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${origin}/.well-known/jwks.json`)), { issuer: 'did:web:localhost%3A3000', typ: 'JWT', requiredClaims: ['iss', 'nbf', 'jti', 'vc'] });
    expect((payload.vc as { type: string[] }).type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect((await didJwtVc(jwt)).ok).toBe(true);
    // Positions are drawn at random, not in issue order.
    const indexes = (await CertificateModel.find({}, { statusIndex: 1 }).sort({ issuedAt: 1 }).lean()).map((c) => c.statusIndex);
    expect(indexes.length).toBeGreaterThan(3);
    expect([...indexes].sort((a, b) => a - b)).not.toEqual(indexes);
  });
});

describe('verification pages', () => {
  it('when someone opens /verify/<number>, then the page asks for the name and says nothing about the number, known or not', async () => {
    const user = await holder({ name: 'Number Only', nameZh: '号码' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    const unknownNumber = 'S000131000001269999998';
    const known = await request(app).get(`/verify/${cert.number}`).set('Accept-Language', 'en').expect(200);
    const unknown = await request(app).get(`/verify/${unknownNumber}`).set('Accept-Language', 'en').expect(200);
    expect(known.text.replaceAll(cert.number, '#')).toEqual(unknown.text.replaceAll(unknownNumber, '#'));
    for (const word of ['Valid', 'Not valid', 'Revoked', '号码', 'Number Only']) expect(known.text).not.toContain(word);
  });

  it('when an employer scans the QR code, then the masked name and the status show, and the details only with the name; a revoked one shows its public reason only', async () => {
    const user = await holder({ name: 'Page Check', nameZh: '页面测试' });
    await sit(user, 5);
    const cert = (await CertificateModel.findOne({ userId: user.id }).lean())!;
    expect(cert.verifyToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The QR code printed on the PDF points at the token, not at the guessable number.
    const mine = (await request(app).get('/api/me/certificates').set(bearer(user)).expect(200)).body.items;
    expect(mine[0].qrUrl).toBe(`/v/${cert.verifyToken}`);
    const landing = await request(app).get(`/v/${cert.verifyToken}`).set('Accept-Language', 'en').expect(200);
    expect(landing.text).toContain('页**试 · P*** C****');
    expect(landing.text).toContain('Valid');
    expect(landing.text).not.toContain('页面测试');
    expect(landing.text).not.toContain('Page Check');
    const details = await request(app).post(`/verify/${cert.number}`).type('form').send({ name: 'page check' }).set('Accept-Language', 'en').expect(200);
    expect(details.text).toContain('页面测试 · Page Check');
    expect(details.text).toContain('valid Ed25519 signature');
    await request(app).post('/admin/certificates/' + cert.number + '/revoke').set('Cookie', `ate_session=${admin.token}`).set('Origin', TEST_PUBLIC_URL).type('form').send({ code: 'issued_in_error', reason: 'Testing revocation' }).expect(303);
    const revoked = await request(app).get(`/v/${cert.verifyToken}`).set('Accept-Language', 'en').expect(200);
    expect(revoked.text).toContain('Revoked');
    const revokedDetails = await request(app).post(`/verify/${cert.number}`).type('form').send({ name: '页面测试' }).set('Accept-Language', 'en').expect(200);
    expect(revokedDetails.text).toContain('Issued in error');
    expect(revokedDetails.text).not.toContain('Testing revocation');
    await request(app).get(`/v/${'A'.repeat(22)}`).expect(404);
    await request(app).get('/v/not-a-token').expect(404);
  });
});
