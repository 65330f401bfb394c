// Contract of the CSV layer, shared by the CLI, the extension host and the training engine.
// Everything here is platform-free: no `vscode`, no DOM, no Node built-ins.

/** Bytes of a CSV file, in order. A whole file is a single chunk; a stream is many. */
export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export type LineEnding = 'lf' | 'crlf' | 'cr' | 'mixed' | 'none';
export type ColumnType = 'number' | 'integer' | 'boolean' | 'category' | 'text' | 'date' | 'empty';

export interface CsvDialect {
  delimiter: ',' | ';' | '\t' | '|';
  header: boolean;
  lineEnding: LineEnding;
  bom: boolean;
  encoding: 'utf-8';
}

export type CsvErrorCode =
  | 'binary' // a NUL byte
  | 'encoding' // invalid UTF-8 (message says whether it looks like Latin-1)
  | 'field-count' // a row with the wrong number of fields
  | 'unterminated-quote' // names the line where the quote opened
  | 'malformed-quote' // something other than a delimiter or line break right after a closing quote
  | 'field-too-large' // bounded field size exceeded (usually a broken quote)
  | 'empty' // no header / no rows
  | 'unknown-column' // a requested column is not in the header
  | 'not-a-number' // a numeric column holds text (only when the reader is asked to reject it)
  | 'io'; // the file could not be read

/** The one error type the CSV layer throws: a message a user can act on, with where it happened. */
export class CsvError extends Error {
  constructor(
    readonly code: CsvErrorCode,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface ReadOptions {
  /** Forced delimiter; detected from the first lines when absent. */
  delimiter?: CsvDialect['delimiter'];
  /** Skip rows with the wrong number of fields (counted) instead of failing. */
  skipMalformedRows?: boolean;
  /** Largest field in bytes before failing with `field-too-large` (default 1 MiB). */
  maxFieldBytes?: number;
  signal?: AbortSignal;
  /** Size of the whole input when known (a file's size): presizes column buffers. */
  totalBytes?: number;
  /** Called now and then with the bytes consumed so far. */
  onProgress?(bytesRead: number): void;
  /**
   * Read the rows from this point on (a `RowChunk.after` of an earlier reading of the same bytes):
   * the header is still read from the start, the rows in between are skipped unparsed.
   */
  resumeAt?: CsvResumePoint;
  /**
   * With `resumeAt`: per requested column, the categories the rows before that point gave, in code
   * order (`RowChunk.categories` of the reading that stopped there): codes go on from them.
   */
  resumeCategories?: readonly (readonly string[] | undefined)[];
  /**
   * The tokenizer's loop for plain rows: WebAssembly where the runtime has it (the default), or the
   * JavaScript loop, which leaves rows with category fields to the general path (tests compare).
   */
  plainRows?: 'wasm' | 'js';
}

/** Where a row starts in a CSV source: its byte offset and its line number (1-based). */
export interface CsvResumePoint {
  byte: number;
  line: number;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  count: number; // non-missing values
  missing: number;
  distinct: number; // exact up to distinctCap, then a lower bound
  distinctCapped: boolean;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null; // sample std (Welford)
  histogram?: { min: number; max: number; counts: number[] };
  topCategories?: { value: string; count: number }[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvProfile {
  rows: number;
  dialect: CsvDialect;
  columns: ColumnProfile[];
  skippedRows: number;
  problems: CsvProblem[]; // bounded list (first N)
  bytes: number;
}

/** How a requested column is decoded for training. */
export type ColumnKind = 'numeric' | 'category';
export interface ColumnRequest {
  name: string;
  kind: ColumnKind;
}

/**
 * A decoded column. Numeric: NaN marks a missing or non-numeric value. Category: `codes[i]` indexes
 * `categories` (in order of first appearance), -1 marks missing.
 */
export type LoadedColumn =
  | { name: string; kind: 'numeric'; values: Float32Array }
  | { name: string; kind: 'category'; codes: Int32Array; categories: string[] };

export interface LoadedColumns {
  dialect: CsvDialect;
  header: string[];
  rows: number;
  skippedRows: number;
  columns: LoadedColumn[];
  /** Header fixes (duplicate or empty names) and skipped rows, first few. */
  problems?: CsvProblem[];
}

/**
 * A block of consecutive rows for online training, row-major: `values[r * width + c]` for the
 * requested columns in request order. Category columns hold codes (as numbers; -1 missing) into
 * `categories[c]`, a dictionary that only grows. NaN marks a missing numeric value. A chunk is
 * read before the next one is asked for: a reader may then reuse its `values`.
 */
export interface RowChunk {
  rows: number;
  width: number;
  values: Float64Array;
  /** Line number (1-based, in the file) of the first row of this chunk. */
  firstLine: number;
  categories: (string[] | undefined)[];
  skippedRows: number; // cumulative
  /** Where the rows after this chunk start (`readRowChunks`): to read on from there elsewhere. */
  after?: CsvResumePoint;
}
