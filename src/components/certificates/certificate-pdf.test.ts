// Renders real certificates with the real fonts and reads them back the way a person or a verifier
// would: poppler for the text and the QR image, jsQR for the code, the embedded record for the check.
import { execFileSync } from 'node:child_process';
import { requireCommand } from '../../../test/helpers/tools';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { canonicalize } from './canonical-json';
import { readEmbeddedRecord, renderCertificatePdf } from './certificate-pdf';
import type { CertificateRecord, CertificateRenderInput } from './certificate.types';
import { signText, signatureFingerprint, verifyText } from './signing-keys';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');

function recordFor(overrides: Partial<CertificateRecord>): CertificateRecord {
  return {
    number: 'S000031000001263000001',
    holder: { name: 'Zhang Yu', nameZh: '张予' },
    occupation: { zh: '人工智能训练师', en: 'Artificial Intelligence Trainer', code: '4-04-05-05' },
    jobType: { zh: '--', en: '--' },
    level: 3,
    levelLabel: { zh: '三级/高级工', en: 'Level 3 (Senior)' },
    exam: { code: 'AIT-L3-THEORY', title: { zh: '人工智能训练师（三级）理论知识', en: 'AI Trainer Level 3 Theory' } },
    score: 86,
    passPercent: 60,
    issuedOn: '2025-06-18',
    expiresOn: '2028-06-17',
    issuer: { name: { zh: '示例职业技能等级认定中心', en: 'Example Vocational Skill Evaluation Centre' }, code: '0000' },
    keyId: 'ate-20250618-3fa85f64',
    ...overrides,
  };
}

function inputFor(record: CertificateRecord): CertificateRenderInput {
  const canonical = canonicalize(record);
  const signature = signText(canonical, privateKey);
  return { record, canonical, signature, fingerprint: signatureFingerprint(signature), verifyUrl: `https://exam.example.org/verify/${record.number}` };
}

const zhang = inputFor(
  recordFor({ idType: '居民身份证 / Resident Identity Card', idNumberMasked: '**************1234' }),
);
const akerbek = inputFor(
  recordFor({ number: 'S000031000001263000002', holder: { name: 'Akerbek Zhaparov', nameZh: '阿克尔别克·扎帕罗夫' } }),
);


let workDir: string;
const pdfs = new Map<CertificateRenderInput, Buffer>();

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-pdf-test-'));
  // Text and QR checks read the PDF with poppler: without it they fail, never skip.
  requireCommand('pdftotext');
  requireCommand('pdftoppm');
  for (const input of [zhang, akerbek]) pdfs.set(input, await renderCertificatePdf(input));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function pdfOf(input: CertificateRenderInput): Buffer {
  const pdf = pdfs.get(input);
  if (!pdf) throw new Error('rendered in beforeAll');
  return pdf;
}

function writePdf(name: string, pdf: Buffer): string {
  const file = path.join(workDir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

function textOf(name: string, pdf: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', writePdf(name, pdf), '-'], { encoding: 'utf8' });
}

/** Scans the bottom-right quarter of the page, where the design puts the code (and keeps decoding quick). */
function qrOf(name: string, pdf: Buffer): string | undefined {
  const prefix = path.join(workDir, name);
  const page = { width: Math.round((297 / 25.4) * 150), height: Math.round((210 / 25.4) * 150) };
  const crop = ['-x', `${page.width / 2}`, '-y', `${page.height / 2}`, '-W', `${page.width / 2}`, '-H', `${page.height / 2}`];
  execFileSync('pdftoppm', ['-png', '-gray', '-r', '150', ...crop, '-singlefile', writePdf(name, pdf), prefix]);
  const png = PNG.sync.read(fs.readFileSync(`${prefix}.png`));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height, { inversionAttempts: 'dontInvert' })?.data;
}

describe('renderCertificatePdf', () => {
  it.each([
    ['张予', zhang],
    ['阿克尔别克·扎帕罗夫', akerbek],
  ])('when rendering the certificate of %s, then it is a single-page PDF under 300 KB', (_name, input) => {
    const pdf = pdfOf(input);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)).toHaveLength(1);
    expect(pdf.length).toBeLessThan(300 * 1024);
  });

  it(`when the holder gave an ID, then the text shows the title, name, masked ID, level, number and signature details`, () => {
    const text = textOf('zhang', pdfOf(zhang));
    for (const expected of [
      '职业技能等级证书',
      '张予',
      'Zhang Yu',
      '居民身份证',
      '**************1234',
      '人工智能训练师',
      '4-04-05-05',
      '三级/高级工 · Level 3 (Senior)',
      zhang.record.number,
      zhang.verifyUrl,
      zhang.record.keyId,
      zhang.fingerprint,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it(`when the holder gave no ID, then the name prints in full and no ID rows appear`, () => {
    const text = textOf('akerbek', pdfOf(akerbek));
    expect(text).toContain('阿克尔别克·扎帕罗夫');
    expect(text).toContain('三级/高级工');
    expect(text).toContain(akerbek.record.number);
    expect(text).not.toContain('证件号码');
    expect(text).not.toContain('证件类型');
  });

  it(`when the printed QR code is scanned, then it opens the verification URL`, () => {
    expect(qrOf('zhang-qr', pdfOf(zhang))).toBe(zhang.verifyUrl);
    expect(qrOf('akerbek-qr', pdfOf(akerbek))).toBe(akerbek.verifyUrl);
  });

  it('when the same certificate is rendered again, then the bytes are identical', async () => {
    expect((await renderCertificatePdf(zhang)).equals(pdfOf(zhang))).toBe(true);
  });

  it('when the issue date is not YYYY-MM-DD, then rendering fails rather than stamping a wrong date', async () => {
    await expect(renderCertificatePdf({ ...zhang, record: { ...zhang.record, issuedOn: '18/06/2025' } })).rejects.toThrow(/YYYY-MM-DD/);
  });
});

describe('readEmbeddedRecord', () => {
  it('when reading a rendered certificate, then the canonical record and signature come back and verify', () => {
    const embedded = readEmbeddedRecord(pdfOf(akerbek));
    expect(embedded).toEqual({ canonical: akerbek.canonical, signature: akerbek.signature });
    expect(verifyText(embedded!.canonical, embedded!.signature, publicKey)).toBe(true);
  });

  it('when one byte of the embedded record is altered, then the record no longer verifies', () => {
    const pdf = Buffer.from(pdfOf(zhang));
    const encoded = Buffer.from(zhang.canonical, 'utf8').toString('base64');
    const at = pdf.indexOf(encoded, 0, 'latin1') + 40;
    expect(at).toBeGreaterThan(40);
    pdf[at] = pdf[at] === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B' stays valid base64
    const embedded = readEmbeddedRecord(pdf);
    expect(embedded).toBeDefined();
    expect(embedded!.canonical).not.toBe(zhang.canonical);
    expect(verifyText(embedded!.canonical, embedded!.signature, publicKey)).toBe(false);
  });

  it.each([
    ['random bytes', randomBytes(4096)],
    ['random bytes after a PDF header', Buffer.concat([Buffer.from('%PDF-1.7\n/ATE-Record 7 0 R /ATE-Signature ('), randomBytes(4096)])],
    ['an empty buffer', Buffer.alloc(0)],
    ['a PDF header with nothing after it', Buffer.from('%PDF-1.7\n%%EOF\n')],
    ['a PDF whose record is cut off', Buffer.from('%PDF-1.7\n/ATE-Record (eyJhIjox\n')],
    ['a record that is not base64', Buffer.from('%PDF-1.7\n<< /ATE-Record (not base64!) /ATE-Signature (abc) >>\n')],
  ])('when given %s, then it returns undefined without throwing', (_what, bytes) => {
    expect(readEmbeddedRecord(bytes)).toBeUndefined();
  });
});
