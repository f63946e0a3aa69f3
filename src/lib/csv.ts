// The one CSV writer of the app (RFC 4180), with OWASP's CSV-injection rule applied to every cell, and
// its inverse for readers.
//
// Spreadsheets run a cell as a formula when it starts with = + - @ (and some also after leading blanks
// or control characters, or with the full-width forms an IME types), so a value such as
// =HYPERLINK("http://x") coming from a user could run on an administrator's machine. Such cells are written
// with a leading apostrophe, the spreadsheet convention for "this is text". A value that already starts
// with an apostrophe gets one more, so a reader can always strip exactly one and get the value back.

/** Excel only reads a CSV as UTF-8 (and shows Chinese correctly) when the file starts with this. */
export const CSV_BOM = '\uFEFF';

const RISKY_FIRST = /^[=+\-@\t\r\n']/;
/** Leading white space and invisible format characters (zero-width space, BOM) do not make a cell safe. */
const RISKY_AFTER_BLANKS = /^[\s\p{Cf}]*[=+\-@＝＋－＠]/u;

export function needsGuard(value: string): boolean {
  return RISKY_FIRST.test(value) || RISKY_AFTER_BLANKS.test(value);
}

/** The cell's text as it goes into the file, before quoting. */
export function guardCell(value: string): string {
  return needsGuard(value) ? `'${value}` : value;
}

/** What a reader does with an unquoted cell: the writer prefixed every cell that starts with "'", so strip one. */
export function unguardCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

/** One cell: guarded, always quoted (so commas, quotes and line breaks never need a second rule), quotes doubled. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return `"${guardCell(text).replace(/"/g, '""')}"`;
}

/** One record with its CRLF line end (RFC 4180 asks for CRLF; Excel and every reader accept it). */
export function csvRow(cells: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export class CsvSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Strict RFC 4180 reader for files this module wrote (and any well-formed CSV): records of raw cells,
 * quotes removed, apostrophe guards left in place (pass cells through unguardCell). A leading BOM is
 * skipped; CRLF, LF and CR all end a record; a final line end does not start an empty record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = text.startsWith(CSV_BOM) ? 1 : 0;
  let atCellStart = true;
  const endRecord = () => {
    record.push(cell);
    records.push(record);
    record = [];
    cell = '';
    atCellStart = true;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && atCellStart) {
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError('unclosed quote');
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          cell += '"';
          i += 2;
        } else {
          cell += text[i];
          i++;
        }
      }
      i++;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') throw new CsvSyntaxError('text after a closing quote');
      atCellStart = false;
      continue;
    }
    if (ch === '"') throw new CsvSyntaxError('quote inside an unquoted cell');
    if (ch === ',') {
      record.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      cell += ch;
      atCellStart = false;
    }
    i++;
  }
  if (!atCellStart || cell !== '' || record.length > 0) endRecord();
  return records;
}
