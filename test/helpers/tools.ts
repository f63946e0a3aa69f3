// External tools some checks need (Chromium, poppler). A missing tool fails the check with the way to
// install it; it never turns the check into a silent skip (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Chromium's path, or a failure naming the package. */
export function requireChromium(): string {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Browser tests need Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this).`);
  return CHROMIUM;
}

/** Throws unless `command` runs (poppler-utils' pdftotext, pdftoppm, pdfsig…). */
export function requireCommand(command: string, debianPackage = 'poppler-utils'): void {
  if (spawnSync(command, ['-v'], { stdio: 'ignore' }).error) {
    throw new Error(`This check needs \`${command}\`: apt-get install -y ${debianPackage} (.ci/run does this).`);
  }
}
