import fs from 'node:fs';

// Where the certificate's Chinese fonts come from. They ship in npm packages (Noto Serif SC and Noto
// Sans SC, SIL OFL) so `npm install` alone makes certificates render the same on any machine, without
// relying on whatever CJK fonts the operating system happens to have. The files are full static TTFs
// (about 31,000 glyphs, including names' rarer characters such as 玥 or 堃); pdfkit embeds only the
// glyphs a certificate uses, so a PDF stays small.

export type CertificateFontRole = 'titleSerif' | 'serif' | 'sans' | 'sansMedium';

interface FontSource {
  packageName: string;
  file: string;
}

const SERIF_PACKAGE = '@expo-google-fonts/noto-serif-sc';
const SANS_PACKAGE = '@expo-google-fonts/noto-sans-sc';

const FONT_SOURCES: Record<CertificateFontRole, FontSource> = {
  titleSerif: { packageName: SERIF_PACKAGE, file: '700Bold/NotoSerifSC_700Bold.ttf' },
  serif: { packageName: SERIF_PACKAGE, file: '500Medium/NotoSerifSC_500Medium.ttf' },
  sans: { packageName: SANS_PACKAGE, file: '400Regular/NotoSansSC_400Regular.ttf' },
  sansMedium: { packageName: SANS_PACKAGE, file: '500Medium/NotoSansSC_500Medium.ttf' },
};

export type CertificateFontFiles = Readonly<Record<CertificateFontRole, string>>;

let located: CertificateFontFiles | undefined;

/**
 * Absolute paths of the certificate fonts, resolved once. Throws an Error naming the npm package to
 * install when one is missing: without a CJK font the holder's name would silently print as blanks.
 */
export function certificateFontFiles(): CertificateFontFiles {
  if (located) return located;
  const files = {} as Record<CertificateFontRole, string>;
  for (const [role, source] of Object.entries(FONT_SOURCES) as Array<[CertificateFontRole, FontSource]>) {
    files[role] = resolveFont(source);
  }
  located = Object.freeze(files);
  return located;
}

function resolveFont({ packageName, file }: FontSource): string {
  try {
    return require.resolve(`${packageName}/${file}`);
  } catch {
    throw new Error(
      `Certificate font ${file} not found: install the npm package ${packageName} ` +
        `(npm install ${packageName}); certificates need it to print Chinese text.`,
    );
  }
}

/** A parsed font, as pdfkit's registerFont accepts it (fontkit is pdfkit's own font library). */
export type ParsedFont = { layout(text: string): unknown };

let parsed: Readonly<Record<CertificateFontRole, ParsedFont>> | undefined;

/**
 * The fonts, read and parsed once and shared by every certificate (about 50 MB): reading and parsing
 * them for each PDF was most of the time a certificate took. pdfkit embeds a fresh subset per document,
 * so sharing the parsed font changes no byte of the output.
 */
export function certificateFonts(): Readonly<Record<CertificateFontRole, ParsedFont>> {
  if (parsed) return parsed;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fontkit = require('fontkit') as { create(data: Buffer): ParsedFont };
  const fonts = {} as Record<CertificateFontRole, ParsedFont>;
  for (const [role, file] of Object.entries(certificateFontFiles()) as Array<[CertificateFontRole, string]>) fonts[role] = fontkit.create(fs.readFileSync(file));
  parsed = Object.freeze(fonts);
  return parsed;
}
