import fc from 'fast-check';
import { CSV_BOM, CsvSyntaxError, csvCell, csvRow, guardCell, parseCsv, unguardCell } from './csv';

/** What a spreadsheet would run as a formula, written independently of the module under test. */
function dangerous(cell: string): boolean {
  return /^[=+\-@\t\r\n]/.test(cell) || /^[\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]*[=+\-@＝＋－＠]/.test(cell);
}

const unquote = (cell: string) => {
  expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
  return cell.slice(1, -1).replace(/""/g, '"');
};

// Strings that start the way attacks and edge cases do, followed by anything, including astral characters.
const prefix = fc.constantFrom('', '=', '+', '-', '@', '\t', '\r', '\n', "'", "''", ' =', '  +', '\u3000@', '\u200b=', '＝', ' ＋', '－', '＠', '"', '","', '\r\n=');
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const cellValue = fc.tuple(prefix, anyText).map(([p, rest]) => p + rest);

describe('csvCell', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say ""hi"""'],
    ['a,b\r\nc', '"a,b\r\nc"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
    ['\ncmd', `"'\ncmd"`],
    ['  =1+1', `"'  =1+1"`],
    ['＝1+1', `"'＝1+1"`],
    ['\u3000＠x', `"'\u3000＠x"`],
    ["'quoted", `"''quoted"`],
    ['a=b', '"a=b"'],
    ['张三', '"张三"'],
  ])('when the value is %j, then the cell is %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('when the value is a number, boolean or missing, then it is written as text', () => {
    expect(csvRow([1, true, null, undefined, -5])).toBe(`"1","true","","","'-5"\r\n`);
  });
});

describe('guardCell and unguardCell', () => {
  it('when a written cell is unquoted, then it never starts like a formula (property)', () => {
    fc.assert(
      fc.property(cellValue, (value) => {
        expect(dangerous(unquote(csvCell(value)))).toBe(false);
      }),
      { seed: 20240601, numRuns: 2000 },
    );
  });

  it('when a value is guarded and unguarded, then it comes back exactly (property)', () => {
    fc.assert(
      fc.property(cellValue, (value) => {
        expect(unguardCell(guardCell(value))).toBe(value);
      }),
      { seed: 20240602, numRuns: 2000 },
    );
  });

  it('when records are written and read back, then every cell comes back exactly (property)', () => {
    const records = fc.array(fc.array(cellValue, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(records, (rows) => {
        const text = CSV_BOM + rows.map(csvRow).join('');
        expect(parseCsv(text).map((row) => row.map(unguardCell))).toEqual(rows);
      }),
      { seed: 20240603, numRuns: 500 },
    );
  });
});

describe('parseCsv', () => {
  it('when a file has a BOM, quoted line breaks and an unquoted last cell, then the records are right', () => {
    expect(parseCsv('\uFEFF"a","b\r\nc"\r\nd,""\ne')).toEqual([['a', 'b\r\nc'], ['d', ''], ['e']]);
  });

  it('when a file is malformed, then it says so instead of guessing', () => {
    expect(() => parseCsv('"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('"a"b')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a"b')).toThrow(CsvSyntaxError);
  });
});
