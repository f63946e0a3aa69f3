// Conflicts of interest: nobody grants themselves an accommodation, and whoever can read the keys cannot
// sit a certification exam unless an administrator records an exception, which the audit log shows.
import request from 'supertest';
import { AuditModel } from '../src/components/audit/audit.model';
import { AttemptModel } from '../src/components/exams/attempt.model';
import { ExamExceptionModel, TimeExtensionModel } from '../src/components/exams/exam.model';
import { bearer, buildTestApp, createUser, session, type TestUser } from './helpers/app';
import { useTestDatabase } from './helpers/database';
import { publishedExam, seedSmallBank } from './helpers/world';

useTestDatabase();
const { app } = buildTestApp();
let examiner: TestUser;
let admin: TestUser;
let certExam: string;
let mockExam: string;

beforeAll(async () => {
  await seedSmallBank(8);
  [examiner, admin] = await Promise.all([createUser(app, ['examiner']), createUser(app, ['admin'])]);
  certExam = await publishedExam(app, examiner, { code: 'COI-CERT', mode: 'certification' });
  mockExam = await publishedExam(app, examiner, { code: 'COI-MOCK' });
});

describe('extra time', () => {
  it('when an examiner grants themselves extra time through the API, then 403 self_grant and nothing is stored', async () => {
    const res = await request(app).post(`/api/exams/${certExam}/extensions`).set(bearer(examiner)).send({ userId: examiner.id, extraSeconds: 1800 }).expect(403);
    expect(res.body.error.code).toBe('self_grant');
    expect(await TimeExtensionModel.countDocuments({ userId: examiner.id })).toBe(0);
  });

  it('when an examiner grants themselves extra time on the page, then the form says why and nothing is stored', async () => {
    const res = await request(app).post(`/bank/exams/${certExam}/extensions`).set(session(examiner, 'en')).type('form').send({ email: examiner.email, minutes: '30' }).expect(400);
    expect(res.text).toContain('Nobody can grant themselves extra time');
    expect(await TimeExtensionModel.countDocuments({ userId: examiner.id })).toBe(0);
  });
});

describe('sitting a certification exam while able to read its keys', () => {
  it.each([['an examiner', () => examiner], ['an administrator', () => admin]])('when %s starts it, then 403 conflict_of_interest and no attempt exists', async (_label, who) => {
    const res = await request(app).post(`/api/exams/${certExam}/attempts`).set(bearer(who())).expect(403);
    expect(res.body.error.code).toBe('conflict_of_interest');
    expect(await AttemptModel.countDocuments({ userId: who().id })).toBe(0);
  });

  it('when an examiner starts a mock exam, then it is allowed (mocks certify nothing)', async () => {
    await request(app).post(`/api/exams/${mockExam}/attempts`).set(bearer(examiner)).expect(201);
  });

  it('when an administrator records an exception for the examiner, then it is audited and the examiner may sit the exam', async () => {
    const res = await request(app).post(`/api/exams/${certExam}/exceptions`).set(bearer(admin)).send({ userId: examiner.id, reason: 'Sits the exam to hold the certificate; no access to this exam\'s pool since June' }).expect(201);
    expect(res.body.exception).toMatchObject({ userId: examiner.id, grantedBy: admin.id });
    const entry = await AuditModel.findOne({ action: 'exam.exception_granted', 'target.id': certExam }).lean();
    expect(entry).toMatchObject({ actor: { id: admin.id }, after: { userId: examiner.id, email: examiner.email } });
    await request(app).post(`/api/exams/${certExam}/attempts`).set(bearer(examiner)).expect(201);
    // Once is enough: a second record is refused.
    const again = await request(app).post(`/api/exams/${certExam}/exceptions`).set(bearer(admin)).send({ userId: examiner.id, reason: 'Same again, twice' }).expect(409);
    expect(again.body.error.code).toBe('exception_exists');
  });

  it('when an administrator records an exception for themselves, then 403 self_grant and nothing is stored', async () => {
    const res = await request(app).post(`/api/exams/${certExam}/exceptions`).set(bearer(admin)).send({ userId: admin.id, reason: 'I would like to sit it too' }).expect(403);
    expect(res.body.error.code).toBe('self_grant');
    expect(await ExamExceptionModel.countDocuments({ userId: admin.id })).toBe(0);
  });

  it('when an examiner who is not an administrator records an exception, then 403 and nothing is stored', async () => {
    const other = await createUser(app, ['examiner']);
    await request(app).post(`/api/exams/${certExam}/exceptions`).set(bearer(examiner)).send({ userId: other.id, reason: 'A colleague of mine' }).expect(403);
    expect(await ExamExceptionModel.countDocuments({ userId: other.id })).toBe(0);
  });

  it('when an administrator records an exception on the page, then it is listed; an examiner sees the rule but no form', async () => {
    const other = await createUser(app, ['examiner'], { name: 'Liu Qiang' });
    await request(app).post(`/bank/exams/${certExam}/exceptions`).set(session(admin, 'en')).type('form').send({ email: other.email, reason: 'Needs the certificate for a tender' }).expect(303);
    const page = await request(app).get(`/bank/exams/${certExam}/extensions`).set(session(examiner, 'en')).expect(200);
    expect(page.text).toContain('Liu Qiang');
    expect(page.text).toContain('Only an administrator can record an exception.');
    expect(page.text).not.toContain(`action="/bank/exams/${certExam}/exceptions"`);
  });
});
