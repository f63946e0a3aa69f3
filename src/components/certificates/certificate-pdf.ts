// The certificate as a one-page A4 landscape PDF, bilingual, in the layout employers know from the
// national 职业技能等级证书. The signed record travels inside the file (document info dictionary), so
// an uploaded PDF can be checked against the issuing key without asking our database.
import PDFDocument from 'pdfkit';
import { certificateFonts, type CertificateFontRole } from './certificate-fonts';
import { drawQrCode } from './certificate-qr';
import type { CertificateRecord, CertificateRenderInput } from './certificate.types';

/** Custom info-dictionary keys; also what readEmbeddedRecord looks for. */
export const RECORD_INFO_KEY = 'ATE-Record';
export const SIGNATURE_INFO_KEY = 'ATE-Signature';

const COLOR = {
  paper: '#FFFDF8',
  red: '#8B1E24',
  gold: '#B08A3E',
  goldDark: '#8A6A2C',
  goldPale: '#F0E8D4',
  ink: '#23262C',
  muted: '#7A6F62',
  photo: '#FBF8F1',
} as const;

type Doc = PDFKit.PDFDocument;

interface TextStyle {
  font: CertificateFontRole;
  size: number;
  color: string;
  spacing?: number;
  /** Shrinks the text down to this size before it would overflow `maxWidth`. */
  minSize?: number;
}

/** Renders the certificate. Same input, same bytes: a lost file can be regenerated identically. */
export async function renderCertificatePdf(input: CertificateRenderInput): Promise<Buffer> {
  const { record } = input;
  const fonts = certificateFonts();
  const issued = isoDateAtMidnightUtc(record.issuedOn);
  const holder = displayName(record);

  const info: PDFKit.DocumentInfo & Record<string, string | Date> = {
    Title: xmpSafe(`职业技能等级证书 Vocational Skill Level Certificate ${record.number}`),
    Author: xmpSafe(`${record.issuer.name.zh} / ${record.issuer.name.en}`),
    Subject: xmpSafe(`${record.occupation.zh} ${record.occupation.en} (${record.occupation.code}), ${record.levelLabel.zh}: ${holder}`),
    Keywords: xmpSafe(`certificate, ${record.number}, ${record.occupation.code}, ${record.exam.code}, ${record.keyId}`),
    Creator: 'AI Trainer exam server',
    Producer: 'PDFKit',
    // Fixed dates, passed to the constructor: pdfkit derives the file /ID from the info dictionary
    // at construction time, so a "now" anywhere would make regenerated files differ.
    CreationDate: issued,
    ModDate: issued,
    // base64 keeps the record pure ASCII in the file: any altered byte changes the decoded record,
    // and nothing needs escaping inside the PDF string.
    [RECORD_INFO_KEY]: Buffer.from(input.canonical, 'utf8').toString('base64'),
    [SIGNATURE_INFO_KEY]: input.signature,
  };

  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    compress: true,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    info,
  });
  // pdfkit takes a parsed fontkit font too (its typings list only paths and bytes).
  for (const [role, font] of Object.entries(fonts)) doc.registerFont(role, font as unknown as Buffer);

  const done = collect(doc);
  drawFrame(doc);
  drawTitle(doc);
  drawHolder(doc, record);
  drawFields(doc, record);
  drawIssue(doc, record);
  drawVerification(doc, input);
  doc.end();
  return done;
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function isoDateAtMidnightUtc(isoDate: string): Date {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(date.getTime())) {
    throw new Error(`Certificate issue date must be YYYY-MM-DD, got ${JSON.stringify(isoDate)}`);
  }
  return date;
}

/** pdfkit copies these fields into the XMP packet unescaped; an "&" in an issuer name would break that XML. */
function xmpSafe(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '＆', '<': '〈', '>': '〉' })[c] ?? c);
}

function displayName(record: CertificateRecord): string {
  const { name, nameZh } = record.holder;
  return nameZh && nameZh !== name ? `${nameZh} ${name}` : name;
}

// ---- drawing helpers -------------------------------------------------------------------------

/**
 * Size and horizontal scaling that make `text` fit `maxWidth`: first a smaller size down to
 * `minSize`, then condensed glyphs. A name or an issuer is never cut short, and never runs into
 * its neighbour.
 */
function fit(doc: Doc, text: string, style: TextStyle, maxWidth?: number): { size: number; scaling: number } {
  const spacing = style.spacing ?? 0;
  doc.font(style.font).fontSize(style.size);
  const width = doc.widthOfString(text, { characterSpacing: spacing });
  if (maxWidth === undefined || width <= maxWidth) return { size: style.size, scaling: 100 };
  const size = Math.max(style.minSize ?? style.size, (style.size * maxWidth) / width);
  const widthAtSize = (width * size) / style.size;
  return { size, scaling: widthAtSize <= maxWidth ? 100 : Math.max(50, Math.floor((100 * maxWidth) / widthAtSize)) };
}

/** Draws one line of text with its baseline at `y`; `x` is the left, centre or right edge per `align`. Returns the width drawn. */
function line(doc: Doc, text: string, x: number, y: number, style: TextStyle, align: 'left' | 'center' | 'right' = 'left', maxWidth?: number): number {
  const { size, scaling } = fit(doc, text, style, maxWidth);
  // horizontalScaling is supported by pdfkit but missing from @types/pdfkit.
  const options: PDFKit.Mixins.TextOptions & { horizontalScaling: number } = {
    lineBreak: false,
    baseline: 'alphabetic',
    characterSpacing: style.spacing ?? 0,
    horizontalScaling: scaling,
  };
  doc.font(style.font).fontSize(size).fillColor(style.color);
  const width = doc.widthOfString(text, options);
  const left = align === 'left' ? x : align === 'center' ? x - width / 2 : x - width;
  doc.text(text, left, y, options);
  return width;
}

const LABEL_ZH: TextStyle = { font: 'sansMedium', size: 9.5, color: COLOR.red };
const LABEL_EN: TextStyle = { font: 'sans', size: 6.8, color: COLOR.muted, spacing: 0.2 };
const VALUE_ZH: TextStyle = { font: 'sans', size: 11.5, color: COLOR.ink, minSize: 9.5 };
const VALUE_EN: TextStyle = { font: 'sans', size: 8, color: COLOR.muted, minSize: 7 };

/** A bilingual label: Chinese on the baseline, English just beneath it. */
function label(doc: Doc, zh: string, en: string, x: number, y: number, align: 'left' | 'center' | 'right' = 'left'): void {
  line(doc, zh, x, y, LABEL_ZH, align);
  line(doc, en.toUpperCase(), x, y + 10, LABEL_EN, align);
}

function diamond(doc: Doc, cx: number, cy: number, r: number, color: string): void {
  doc.polygon([cx, cy - r], [cx + r, cy], [cx, cy + r], [cx - r, cy]).fill(color);
}

// ---- page regions ----------------------------------------------------------------------------

const PAGE = { width: 841.89, height: 595.28 };
const CENTER_X = PAGE.width / 2;
const LEFT = 74;
const RIGHT = PAGE.width - 74;
const FIELDS_X = 208;
const VALUE_X = 312;
/** The QR code sits in the bottom-right corner, framed, above the footer. */
const QR = { x: RIGHT - 96, y: 418, size: 100 };
const DATES_X = 410;
const ISSUER_MAX_WIDTH = DATES_X - LEFT - 16;

function drawFrame(doc: Doc): void {
  doc.rect(0, 0, PAGE.width, PAGE.height).fill(COLOR.paper);
  drawRosette(doc, CENTER_X, 318, 150);

  // The double border: a strong outer rule in seal red, a fine gold rule inside it.
  doc.lineWidth(3.2).rect(20, 20, PAGE.width - 40, PAGE.height - 40).stroke(COLOR.red);
  doc.lineWidth(0.8).rect(27, 27, PAGE.width - 54, PAGE.height - 54).stroke(COLOR.gold);

  // Stepped fret corners, a restrained nod to the 回纹 borders of Chinese certificates.
  const inset = 33;
  for (const [cx, sx] of [[inset, 1], [PAGE.width - inset, -1]] as const) {
    for (const [cy, sy] of [[inset, 1], [PAGE.height - inset, -1]] as const) {
      doc.lineWidth(1).moveTo(cx, cy + sy * 22).lineTo(cx, cy).lineTo(cx + sx * 22, cy).stroke(COLOR.gold);
      doc.lineWidth(0.6).moveTo(cx + sx * 5, cy + sy * 14).lineTo(cx + sx * 5, cy + sy * 5).lineTo(cx + sx * 14, cy + sy * 5).stroke(COLOR.gold);
      diamond(doc, cx + sx * 10, cy + sy * 10, 2, COLOR.gold);
    }
  }
}

/** A faint guilloche-like rosette behind the fields: the security-paper look, drawn pale enough to read through. */
function drawRosette(doc: Doc, cx: number, cy: number, radius: number): void {
  doc.save();
  doc.lineWidth(0.35).strokeColor(COLOR.goldPale);
  for (let i = 0; i < 36; i++) {
    doc.save();
    doc.rotate((i * 180) / 36, { origin: [cx, cy] });
    doc.ellipse(cx, cy, radius, radius * 0.34).stroke();
    doc.restore();
  }
  doc.circle(cx, cy, radius + 6).stroke();
  doc.restore();
}

function drawTitle(doc: Doc): void {
  line(doc, '职业技能等级证书', CENTER_X, 92, { font: 'titleSerif', size: 32, color: COLOR.red, spacing: 12 }, 'center');
  line(doc, 'VOCATIONAL SKILL LEVEL CERTIFICATE', CENTER_X, 116, { font: 'serif', size: 11, color: COLOR.goldDark, spacing: 3.2 }, 'center');
  const y = 131;
  doc.lineWidth(0.7).moveTo(CENTER_X - 170, y).lineTo(CENTER_X - 12, y).stroke(COLOR.gold);
  doc.moveTo(CENTER_X + 12, y).lineTo(CENTER_X + 170, y).stroke(COLOR.gold);
  diamond(doc, CENTER_X, y, 3.5, COLOR.gold);
  diamond(doc, CENTER_X - 176, y, 1.6, COLOR.gold);
  diamond(doc, CENTER_X + 176, y, 1.6, COLOR.gold);
}

function drawHolder(doc: Doc, record: CertificateRecord): void {
  // A framed placeholder at 2-inch ID photo size (35 x 49 mm) until candidates can upload a photo.
  const photo = { x: LEFT, y: 160, w: 99, h: 139 };
  doc.rect(photo.x, photo.y, photo.w, photo.h).fill(COLOR.photo);
  doc.lineWidth(0.8).rect(photo.x, photo.y, photo.w, photo.h).stroke(COLOR.gold);
  doc.lineWidth(0.4).rect(photo.x + 3, photo.y + 3, photo.w - 6, photo.h - 6).stroke(COLOR.gold);
  line(doc, '照片', photo.x + photo.w / 2, photo.y + photo.h / 2, { font: 'sans', size: 11, color: COLOR.muted, spacing: 4 }, 'center');
  line(doc, 'PHOTO', photo.x + photo.w / 2, photo.y + photo.h / 2 + 13, LABEL_EN, 'center');

  // The certificate number is what the national look-up asks for: top right, where the eye lands.
  label(doc, '证书编号', 'Certificate No.', RIGHT, 170, 'right');
  const numberWidth = line(doc, record.number, RIGHT, 198, { font: 'sansMedium', size: 12.5, color: COLOR.red, spacing: 0.6 }, 'right');

  label(doc, '持证人', 'Holder', FIELDS_X, 170);
  const { name, nameZh } = record.holder;
  const nameMaxWidth = RIGHT - numberWidth - 24 - FIELDS_X;
  const nameStyle: TextStyle = { font: 'titleSerif', size: 26, color: COLOR.ink, minSize: 15, spacing: nameZh ? 2 : 0.5 };
  line(doc, nameZh || name, FIELDS_X, 204, nameStyle, 'left', nameMaxWidth);
  // The Latin spelling goes on its own line: beside a long Chinese name it would run into the number.
  if (nameZh && name && name !== nameZh) {
    line(doc, name, FIELDS_X, 222, { font: 'serif', size: 12.5, color: COLOR.muted, minSize: 9, spacing: 0.3 }, 'left', nameMaxWidth);
  }

  doc.lineWidth(0.5).moveTo(FIELDS_X, 234).lineTo(RIGHT, 234).stroke(COLOR.gold);
}

interface Field {
  zh: string;
  en: string;
  value: string;
  valueEn?: string;
  emphasis?: boolean;
}

function fieldsOf(record: CertificateRecord): Field[] {
  const fields: Field[] = [];
  if (record.idType) {
    const [zh, en] = splitBilingual(record.idType);
    fields.push({ zh: '证件类型', en: 'ID type', value: zh, valueEn: en });
  }
  if (record.idNumberMasked) fields.push({ zh: '证件号码', en: 'ID number', value: record.idNumberMasked });
  fields.push(
    { zh: '职业', en: 'Occupation', value: `${record.occupation.zh}（${record.occupation.code}）`, valueEn: record.occupation.en },
    { zh: '工种', en: 'Job type', value: record.jobType.zh || '--', valueEn: record.jobType.en !== record.jobType.zh ? record.jobType.en : undefined },
    { zh: '职业技能等级', en: 'Level', value: `${record.levelLabel.zh} · ${levelEnglish(record)}`, emphasis: true },
    { zh: '考核项目', en: 'Examination', value: record.exam.title.zh, valueEn: `${record.exam.title.en} (${record.exam.code})` },
    // The record's score is the attempt's percentage (certificate.service), so it reads against the pass mark.
    { zh: '考核成绩', en: 'Score', value: `${record.score}%`, valueEn: `合格线 Pass mark ${record.passPercent}%` },
  );
  return fields;
}

/** "居民身份证 / Resident Identity Card" -> Chinese and English parts. */
function splitBilingual(text: string): [string, string | undefined] {
  const at = text.indexOf(' / ');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 3)];
}

/** Employers read "Level 3 (Senior)"; accept a bare "Senior" label too. */
function levelEnglish(record: CertificateRecord): string {
  const en = record.levelLabel.en;
  return /level/i.test(en) ? en : `Level ${record.level} (${en})`;
}

function drawFields(doc: Doc, record: CertificateRecord): void {
  let y = 256;
  for (const field of fieldsOf(record)) {
    label(doc, field.zh, field.en, FIELDS_X, y);
    const style = field.emphasis ? { ...VALUE_ZH, font: 'sansMedium' as const, size: 12.5, color: COLOR.red } : VALUE_ZH;
    // Rows above the QR code may run to the right margin; lower ones stop short of its frame.
    const maxWidth = (y + 14 <= QR.y - 3 ? RIGHT : QR.x - 16) - VALUE_X;
    line(doc, field.value, VALUE_X, y + 1, style, 'left', maxWidth);
    if (field.valueEn) line(doc, field.valueEn, VALUE_X, y + 12, VALUE_EN, 'left', maxWidth);
    y += 28;
  }
}

function drawIssue(doc: Doc, record: CertificateRecord): void {
  const y = 472;
  doc.lineWidth(0.5).moveTo(LEFT, y - 22).lineTo(RIGHT - 118, y - 22).stroke(COLOR.gold);
  label(doc, '评价机构', 'Issued by', LEFT, y);
  line(doc, record.issuer.name.zh, LEFT, y + 25, { ...VALUE_ZH, font: 'sansMedium' }, 'left', ISSUER_MAX_WIDTH);
  line(doc, `${record.issuer.name.en} (${record.issuer.code})`, LEFT, y + 37, VALUE_EN, 'left', ISSUER_MAX_WIDTH);

  label(doc, '发证日期', 'Date of issue', DATES_X, y);
  line(doc, record.issuedOn, DATES_X, y + 25, VALUE_ZH);
  label(doc, '有效期至', 'Valid until', DATES_X + 120, y);
  line(doc, record.expiresOn, DATES_X + 120, y + 25, VALUE_ZH);
}

function drawVerification(doc: Doc, input: CertificateRenderInput): void {
  const { x, y, size } = QR;
  doc.lineWidth(0.6).rect(x - 3, y - 3, size + 6, size + 6).stroke(COLOR.gold);
  drawQrCode(doc, input.verifyUrl, { x, y, size, color: COLOR.ink, background: '#FFFFFF' });
  line(doc, '扫码验证 Scan to verify', x + size / 2, y + size + 14, { font: 'sans', size: 7, color: COLOR.muted }, 'center');

  const footY = 545;
  doc.lineWidth(0.4).moveTo(LEFT, footY - 14).lineTo(RIGHT - 118, footY - 14).stroke(COLOR.goldPale);
  const small: TextStyle = { font: 'sans', size: 7.5, color: COLOR.muted, minSize: 5.5 };
  line(doc, `验证网址 Verify at: ${input.verifyUrl}`, LEFT, footY, { ...small, color: COLOR.ink }, 'left', RIGHT - 130 - LEFT);
  line(doc, `签名密钥 Signing key (Ed25519): ${input.record.keyId}     签名指纹 Signature fingerprint: ${input.fingerprint}`, LEFT, footY + 11, small, 'left', RIGHT - 130 - LEFT);
}

// ---- reading the record back -----------------------------------------------------------------

/**
 * Finds the embedded record and signature in a PDF's raw bytes (no full PDF parser: pdfkit writes the
 * info values as plain, uncompressed objects). Returns undefined for anything it cannot read, never
 * throws: uploads are untrusted.
 */
export function readEmbeddedRecord(pdf: Buffer): { canonical: string; signature: string } | undefined {
  try {
    // Readers accept the header anywhere in the first 1024 bytes, and so do we.
    if (!Buffer.isBuffer(pdf) || !pdf.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return undefined;
    const text = pdf.toString('latin1');
    const record = readInfoString(text, RECORD_INFO_KEY);
    const signature = readInfoString(text, SIGNATURE_INFO_KEY);
    if (record === undefined || signature === undefined) return undefined;
    // Strict alphabets: Node's base64 decoder skips characters it does not know, which would let an
    // edited byte vanish instead of changing the record.
    if (record.length === 0 || record.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(record)) return undefined;
    if (!/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
    // Lenient UTF-8 on purpose: a record damaged into invalid UTF-8 still comes back (with U+FFFD),
    // so the verifier reports a failed signature ("tampered") rather than "not a certificate".
    const canonical = Buffer.from(record, 'base64').toString('utf8');
    return { canonical, signature };
  } catch {
    return undefined;
  }
}

/** The value of `/key` as a string, direct or via an indirect object; the last one wins, as in an incremental update. */
function readInfoString(text: string, key: string): string | undefined {
  const pattern = new RegExp(`/${key.replace(/[-]/g, '\\-')}(?![A-Za-z0-9#._-])\\s*(?:(\\d+)\\s+(\\d+)\\s+R|(?=[(<]))`, 'g');
  let last: RegExpExecArray | undefined;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) last = m;
  if (!last) return undefined;
  let at = last.index + last[0].length;
  if (last[1] !== undefined) {
    const objects = [...text.matchAll(new RegExp(`(?:^|[^0-9])${last[1]}\\s+${last[2]}\\s+obj\\s*`, 'g'))];
    const object = objects.at(-1);
    if (!object) return undefined;
    at = object.index + object[0].length;
  }
  const bytes = text[at] === '(' ? parseLiteralString(text, at) : text[at] === '<' ? parseHexString(text, at) : undefined;
  if (!bytes) return undefined;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('latin1');
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };

function parseLiteralString(text: string, start: number): Buffer | undefined {
  const out: number[] = [];
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined) return undefined;
      if (next in ESCAPES) out.push(ESCAPES[next]!);
      else if (/[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(i, i + 3))![0];
        out.push(parseInt(octal, 8) & 0xff);
        i += octal.length - 1;
      } else if (next === '\r') {
        if (text[i + 1] === '\n') i++;
      } else if (next !== '\n') out.push(next.charCodeAt(0));
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && depth-- === 0) return Buffer.from(out);
    out.push(c.charCodeAt(0));
  }
  return undefined;
}

function parseHexString(text: string, start: number): Buffer | undefined {
  const end = text.indexOf('>', start);
  if (end < 0) return undefined;
  const hex = text.slice(start + 1, end).replace(/\s+/g, '');
  if (!/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}
