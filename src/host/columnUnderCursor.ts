// Which column the cursor is in, in a CSV text editor, from two lines only: the header and the
// current line up to the cursor. No full parse: this runs on every cursor move. Platform-free.
//
// Known limit (by design): a cursor inside a quoted field that spans lines is counted from the
// start of its own line, so the column shown there may be off; finding out would need the file
// read from the top.
import { detectDelimiter } from '../core/csv';
import { decodeField } from '../core/csv/reader';
import { CsvTokenizer, ROW } from '../core/csv/tokenizer';
import type { CsvDialect } from '../core/csv/types';

const QUOTE = '"';

/** The delimiter of a file from its header line (TSV files by name: a header may have no tab). */
export function delimiterOf(headerLine: string, fileName: string): CsvDialect['delimiter'] {
  if (/\.tsv$/i.test(fileName)) return '\t';
  return detectDelimiter(new TextEncoder().encode(headerLine), true);
}

/** Header names, quote-aware, by the CSV layer's tokenizer. */
export function headerNames(headerLine: string, delimiter: CsvDialect['delimiter']): string[] {
  const bytes = new TextEncoder().encode(headerLine.replace(/^\ufeff/, ''));
  const tokenizer = new CsvTokenizer({ delimiter: delimiter.charCodeAt(0), maxFieldBytes: bytes.length + 1 });
  tokenizer.feed(bytes, true);
  try {
    if (tokenizer.nextRow() !== ROW) return [];
  } catch {
    return [];
  }
  const names: string[] = [];
  for (let k = 0; k < tokenizer.fieldCount; k++) {
    names.push(
      decodeField(tokenizer.bytes, tokenizer.fieldStarts[k], tokenizer.fieldEnds[k], tokenizer.fieldFlags[k]),
    );
  }
  return names;
}

/** Index (0-based) of the field the text before the cursor ends in: delimiters outside quotes. */
export function fieldIndexAt(linePrefix: string, delimiter: string): number {
  let index = 0;
  let inQuotes = false;
  for (let i = 0; i < linePrefix.length; i++) {
    const c = linePrefix[i];
    // A doubled quote inside quotes toggles twice: the state is unchanged, as it should be.
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === delimiter && !inQuotes) index++;
  }
  return index;
}

export interface ColumnAtCursor {
  index: number;
  /** Undefined when the row has more fields than the header. */
  name: string | undefined;
  columnCount: number;
}

/** The column at `character` of `lineText`; undefined on the header line itself or without a header. */
export function columnAtCursor(
  header: readonly string[],
  delimiter: string,
  lineText: string,
  character: number,
): ColumnAtCursor | undefined {
  if (header.length === 0) return undefined;
  const index = fieldIndexAt(lineText.slice(0, character), delimiter);
  return { index, name: header[index], columnCount: header.length };
}

/** The status bar text for a column. */
export function describeColumn(column: ColumnAtCursor): string {
  const position = `${column.index + 1}/${column.columnCount}`;
  return column.name === undefined
    ? `Column ${column.index + 1} (beyond the header's ${column.columnCount})`
    : `Column ${position}: ${column.name}`;
}
