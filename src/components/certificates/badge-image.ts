// The Open Badges image of an achievement: a round seal-red badge with the occupation and level, as SVG
// (crisp at any size, a few hundred bytes). Only issuer-controlled text goes in, escaped all the same.
import type { CertificateRecord } from './certificate.types';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function badgeSvg(record: Pick<CertificateRecord, 'occupation' | 'levelLabel' | 'level'>): string {
  const title = `${record.occupation.zh} ${record.levelLabel.zh} · ${record.occupation.en} ${record.levelLabel.en}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="${escapeXml(title)}">
  <title>${escapeXml(title)}</title>
  <circle cx="200" cy="200" r="190" fill="#FFFDF8" stroke="#8B1E24" stroke-width="12"/>
  <circle cx="200" cy="200" r="165" fill="none" stroke="#B08A3E" stroke-width="3"/>
  <text x="200" y="165" text-anchor="middle" font-family="Noto Serif SC, serif" font-size="40" fill="#8B1E24">${escapeXml(record.occupation.zh)}</text>
  <text x="200" y="235" text-anchor="middle" font-family="Noto Serif SC, serif" font-size="64" font-weight="bold" fill="#8B1E24">${escapeXml(record.levelLabel.zh.split('/')[0] ?? '')}</text>
  <text x="200" y="290" text-anchor="middle" font-family="sans-serif" font-size="20" fill="#7A6F62">AI TRAINER · LEVEL ${record.level}</text>
</svg>
`;
}
