// The low-level entry point: every data row through a callback, as a reused view over the bytes.
// Nothing is decoded unless the callback asks for it.
import { CsvReader, decodeField, END, NEED_MORE } from './reader';
import { NumberScanner } from './numbers';
import { CsvTokenizer } from './tokenizer';
import { ByteChunks, CsvDialect, CsvProblem, ReadOptions } from './types';

/** One data row, valid only during the callback. Field indexes follow the header. */
export class CsvRowView {
  private readonly scanner = new NumberScanner();
  constructor(private readonly tokenizer: CsvTokenizer) {}

  /** Line (1-based) where the row starts. */
  get line(): number {
    return this.tokenizer.rowLine;
  }
  get fieldCount(): number {
    return this.tokenizer.fieldCount;
  }
  /** The field as a string (doubled quotes undone). */
  text(index: number): string {
    const t = this.tokenizer;
    return decodeField(t.bytes, t.fieldStarts[index], t.fieldEnds[index], t.fieldFlags[index]);
  }
  /** The field as a strict number (see numbers.ts); NaN when missing or not a number. */
  number(index: number): number {
    const t = this.tokenizer;
    return this.scanner.scan(t.bytes, t.fieldStarts[index], t.fieldEnds[index]) ? this.scanner.value : NaN;
  }
  isEmpty(index: number): boolean {
    return this.tokenizer.fieldStarts[index] === this.tokenizer.fieldEnds[index];
  }
}

export interface ParseSummary {
  header: string[];
  dialect: CsvDialect;
  rows: number;
  skippedRows: number;
  problems: CsvProblem[];
  bytes: number;
}

/**
 * Parse a CSV with a header row, calling `onRow` for every data row with the right number of fields
 * (others throw `field-count`, or are counted with `skipMalformedRows`). `onRow` returning `false`
 * stops early. Throws `CsvError` for bad input.
 */
export async function parseCsv(
  source: ByteChunks,
  onRow: (row: CsvRowView, header: readonly string[]) => void | boolean,
  options: ReadOptions = {},
): Promise<ParseSummary> {
  const reader = await CsvReader.open(source, options);
  const tokenizer = reader.tokenizer;
  const view = new CsvRowView(tokenizer);
  let rows = 0;
  try {
    for (;;) {
      const status = tokenizer.nextRow();
      if (status === NEED_MORE) {
        await reader.fill();
        continue;
      }
      if (status === END) break;
      if (!reader.acceptRowShape()) continue;
      rows++;
      if (onRow(view, reader.header) === false) break;
    }
  } finally {
    await reader.close();
  }
  return {
    header: reader.header,
    dialect: reader.dialect(),
    rows,
    skippedRows: reader.skippedRows,
    problems: reader.problems,
    bytes: reader.bytesRead,
  };
}

/** Whole file as strings: for small files and tests, not for training data. */
export async function readCsvRecords(
  source: ByteChunks,
  options: ReadOptions = {},
): Promise<ParseSummary & { records: string[][] }> {
  const records: string[][] = [];
  const summary = await parseCsv(
    source,
    (row) => {
      const record: string[] = [];
      for (let k = 0; k < row.fieldCount; k++) record.push(row.text(k));
      records.push(record);
    },
    options,
  );
  return { ...summary, records };
}
