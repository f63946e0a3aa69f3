// Draws a QR code as vector rectangles: crisp at any zoom or print resolution, and a few hundred bytes
// instead of an embedded bitmap. `qrcode` only builds the module matrix; pdfkit does the drawing.
import { create as createQrCode } from 'qrcode';

/** The quiet zone the QR specification asks for around the symbol, in modules. */
const QUIET_ZONE = 4;

export interface QrPlacement {
  x: number;
  y: number;
  /** Edge length of the whole square, quiet zone included, in points. */
  size: number;
  color: string;
  background: string;
}

/** Row-major runs of dark modules, so a row of 7 dark modules is one rectangle rather than seven. */
export function qrDarkRuns(text: string): { size: number; runs: Array<{ row: number; col: number; length: number }> } {
  // Level M survives a crease or a smudge on a printed copy (about 15% damage) without making the
  // symbol so dense that a phone struggles with a small print.
  const { modules } = createQrCode(text, { errorCorrectionLevel: 'M' });
  const runs: Array<{ row: number; col: number; length: number }> = [];
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col) === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        runs.push({ row, col: start, length: col - start });
        start = -1;
      }
    }
  }
  return { size: modules.size, runs };
}

export function drawQrCode(doc: PDFKit.PDFDocument, text: string, at: QrPlacement): void {
  const { size, runs } = qrDarkRuns(text);
  const unit = at.size / (size + 2 * QUIET_ZONE);
  const originX = at.x + QUIET_ZONE * unit;
  const originY = at.y + QUIET_ZONE * unit;
  doc.save();
  doc.rect(at.x, at.y, at.size, at.size).fill(at.background);
  for (const run of runs) {
    // A hair of overlap between neighbouring rows hides the anti-aliasing seams some viewers draw.
    doc.rect(originX + run.col * unit, originY + run.row * unit, run.length * unit, unit + 0.05);
  }
  doc.fill(at.color);
  doc.restore();
}
