// Markdown (GFM) pipe tables: written with cells escaped so a pipe or line break in a value can't
// break the table, and parsed back (with the heading above each table) to check an exported report.

export interface MarkdownTable {
  /** The nearest heading above the table, without its `#`s; '' when none. */
  heading: string;
  header: string[];
  rows: string[][];
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

/** Every pipe table in the text, in order. */
export function parseMarkdownTables(markdown: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  const lines = markdown.split(/\r?\n/);
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title) heading = title[1].trim();
    if (!line.startsWith('|') || !isDelimiterRow(lines[i + 1]?.trim() ?? '')) continue;
    const header = splitRow(line);
    const rows: string[][] = [];
    i += 2;
    while (i < lines.length && lines[i].trim().startsWith('|')) rows.push(splitRow(lines[i++].trim()));
    i--;
    tables.push({ heading, header, rows });
  }
  return tables;
}

function isDelimiterRow(line: string): boolean {
  return /^\|(\s*:?-+:?\s*\|)+$/.test(line);
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  // Split on pipes that aren't escaped; the text before the first pipe and after the last is no cell.
  for (let i = 1; i < line.length; i++) {
    const char = line[i];
    if (char === '\\' && (line[i + 1] === '|' || line[i + 1] === '\\')) {
      cell += line[++i];
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += char;
    }
  }
  if (cell.trim() !== '') cells.push(cell.trim());
  return cells;
}

/** Rows as objects keyed by the header's names. */
export function tableRecords(table: MarkdownTable): Record<string, string>[] {
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, i) => [name, row[i] ?? ''])));
}
