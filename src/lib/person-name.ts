// Names a certificate can carry. A name is printed on a signed certificate and shown to examiners, so
// characters that change how text around them is displayed (bidi overrides), are invisible (zero-width),
// control the terminal or printer, or have no agreed glyph (private use, unassigned, lone surrogates) are
// refused outright, with their position, instead of being silently dropped. Names are stored in NFC.
import { z } from 'zod';

export type ForbiddenKind = 'control' | 'bidi' | 'invisible' | 'private-use' | 'unassigned' | 'surrogate' | 'separator';

export interface ForbiddenCharacter {
  /** 1-based position in the NFC-normalised name, counted in characters (code points). */
  position: number;
  /** "U+202E" */
  codePoint: string;
  kind: ForbiddenKind;
}

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const INVISIBLE = /[\p{Cf}]/u;
const CONTROL = /[\p{Cc}]/u;
const PRIVATE_USE = /[\p{Co}]/u;
const UNASSIGNED = /[\p{Cn}]/u;
const SEPARATOR = /[\p{Zl}\p{Zp}]/u;

function kindOf(char: string): ForbiddenKind | undefined {
  const code = char.codePointAt(0)!;
  if (code >= 0xd800 && code <= 0xdfff) return 'surrogate';
  if (CONTROL.test(char)) return 'control';
  // Bidi controls are format characters too; named apart because they are the dangerous ones.
  if (BIDI.test(char)) return 'bidi';
  if (INVISIBLE.test(char)) return 'invisible';
  if (PRIVATE_USE.test(char)) return 'private-use';
  if (UNASSIGNED.test(char)) return 'unassigned';
  if (SEPARATOR.test(char)) return 'separator';
  return undefined;
}

/**
 * NFC, with every run of spaces (ideographic space included) made one ASCII space, and spaces or line
 * breaks at either end dropped. Not String.trim(): it would silently drop a byte-order mark too.
 */
export function normalizePersonName(raw: string): string {
  return raw.normalize('NFC').replace(/\p{Zs}+/gu, ' ').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** The first character a name may not contain, if any. */
export function forbiddenCharacter(name: string): ForbiddenCharacter | undefined {
  let position = 0;
  for (const char of name) {
    position += 1;
    const kind = kindOf(char);
    if (kind) return { position, kind, codePoint: `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
  }
  return undefined;
}

/** A person's name as every form and API takes it: normalised, 1–`max` characters, nothing forbidden. */
export function personNameSchema(max = 100) {
  return z
    .string()
    .transform(normalizePersonName)
    .pipe(
      z
        .string()
        .min(1, 'Enter a name.')
        .max(max)
        .superRefine((name, ctx) => {
          const found = forbiddenCharacter(name);
          if (!found) return;
          ctx.addIssue({
            code: 'custom',
            message: `Character ${found.position} (${found.codePoint}) cannot be used in a name (${found.kind}).`,
            params: { code: 'name_character', ...found },
          });
        }),
    );
}

/**
 * A name as a QR landing page shows it before the visitor has proved they know it: enough for the person
 * holding the paper to be compared with it, not enough to learn it. 张三 → 张*, 欧阳小明 → 欧**明,
 * "Zhang San" → "Z**** S**".
 */
export function maskPersonName(name: string): string {
  const chars = [...name.normalize('NFC').trim()];
  if (chars.length === 0) return '';
  if (/\s/.test(name.trim())) {
    return name
      .trim()
      .split(/\s+/)
      .map((word) => {
        const [first = '', ...rest] = [...word];
        return first + '*'.repeat(rest.length);
      })
      .join(' ');
  }
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars.at(-1);
}
