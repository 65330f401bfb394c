// Opens a CSV byte source: BOM, delimiter detection, header row; then hands out rows in a tight
// synchronous loop and pulls the next chunk from the source only when the tokenizer runs dry.
import {
  CsvTokenizer,
  DEFAULT_MAX_FIELD_BYTES,
  END,
  FIELD_ESCAPED_QUOTES,
  FIELD_NON_ASCII,
  NEED_MORE,
  ROW,
  RowStatus,
} from './tokenizer';
import {
  ByteChunks,
  CsvDialect,
  CsvError,
  CsvProblem,
  CsvResumePoint,
  LineEnding,
  ReadOptions,
} from './types';

/** How much of the start of the file is looked at to detect the delimiter. */
const DETECTION_BYTES = 64 * 1024;
const DETECTION_MAX_LINES = 100;
/** Problems kept for the report; the counts stay exact beyond this. */
export const MAX_PROBLEMS = 20;

const DELIMITERS: CsvDialect['delimiter'][] = [',', ';', '\t', '|'];

type ChunkIterator = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;

export class CsvReader {
  readonly header: string[];
  readonly problems: CsvProblem[] = [];
  skippedRows = 0;
  bytesRead = 0;
  /** Average line length at the start of the file (0 when unknown): to presize buffers. */
  bytesPerLineEstimate = 0;
  private sourceDone = false;

  private constructor(
    readonly tokenizer: CsvTokenizer,
    private readonly iterator: ChunkIterator,
    private readonly delimiter: CsvDialect['delimiter'],
    private readonly bom: boolean,
    private readonly options: ReadOptions,
  ) {
    this.header = [];
  }

  static async open(source: ByteChunks, options: ReadOptions = {}): Promise<CsvReader> {
    const iterator: ChunkIterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();

    // Gather the start of the file for delimiter detection; with a given delimiter only the 3 bytes
    // a BOM needs. A first chunk that holds enough is used as it is (the tokenizer is done with it
    // before the next read, as with any chunk); smaller ones are copied, as the source may reuse its
    // buffer for the next.
    const startChunks: Uint8Array[] = [];
    let startLength = 0;
    let sourceDone = false;
    let bytesRead = 0;
    const wanted = options.delimiter === undefined ? DETECTION_BYTES : 3;
    while (startLength < wanted) {
      options.signal?.throwIfAborted();
      const next = await iterator.next();
      if (next.done) {
        sourceDone = true;
        break;
      }
      bytesRead += next.value.length;
      startLength += next.value.length;
      const enough = startChunks.length === 0 && startLength >= wanted;
      // A copy even for a Node Buffer, whose slice() is a view.
      startChunks.push(enough ? next.value : Uint8Array.prototype.slice.call(next.value));
    }
    let start = concatBytes(startChunks, startLength);
    const bom = start.length >= 3 && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf;
    if (bom) start = start.subarray(3);

    const delimiter = options.delimiter ?? detectDelimiter(start, sourceDone);
    const tokenizer = new CsvTokenizer({
      delimiter: delimiter.charCodeAt(0),
      maxFieldBytes: options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
      plainRows: options.plainRows,
    });
    tokenizer.feed(start, sourceDone);
    const reader = new CsvReader(tokenizer, iterator, delimiter, bom, options);
    reader.sourceDone = sourceDone;
    reader.bytesRead = bytesRead;
    reader.bytesPerLineEstimate = averageLineBytes(start);
    if ((await reader.nextRow()) !== ROW) throw new CsvError('empty', 'the file is empty: no header row', 1);
    reader.header.push(...uniqueHeaderNames(reader, reader.problems));
    const resume = options.resumeAt;
    if (resume) {
      const header = reader.resumePoint();
      if (resume.byte < header.byte || resume.line < header.line)
        throw new Error(
          `cannot resume at byte ${resume.byte}, line ${resume.line}: that is inside the header`,
        );
      tokenizer.skipTo(resume.byte - (bom ? 3 : 0), resume.line);
    }
    return reader;
  }

  /** Where the next row starts in the source (the byte offset counts a BOM). */
  resumePoint(): CsvResumePoint {
    return { byte: this.tokenizer.bytesConsumed + (this.bom ? 3 : 0), line: this.tokenizer.currentLine };
  }

  /** Next row, pulling chunks as needed (the async version; hot loops use `tokenizer` + `fill`). */
  async nextRow(): Promise<RowStatus> {
    for (;;) {
      const status = this.tokenizer.nextRow();
      if (status !== NEED_MORE) return status;
      await this.fill();
    }
  }

  /** Feed the tokenizer the next chunk from the source (or the end of input). */
  async fill(): Promise<void> {
    this.options.signal?.throwIfAborted();
    if (this.sourceDone) {
      this.tokenizer.feed(EMPTY, true);
      return;
    }
    const next = await this.iterator.next();
    if (next.done) {
      this.sourceDone = true;
      this.tokenizer.feed(EMPTY, true);
    } else {
      this.bytesRead += next.value.length;
      this.tokenizer.feed(next.value, false);
      this.options.onProgress?.(this.bytesRead);
    }
  }

  /**
   * Whether the current row has as many fields as the header. When not, either throws
   * `field-count` or (with `skipMalformedRows`) counts the row and records the problem.
   */
  acceptRowShape(): boolean {
    const found = this.tokenizer.fieldCount;
    const expected = this.header.length;
    if (found === expected) return true;
    const line = this.tokenizer.rowLine;
    const message = `line ${line}: expected ${expected} field${expected === 1 ? '' : 's'} (as in the header), found ${found}`;
    if (!this.options.skipMalformedRows) throw new CsvError('field-count', message, line);
    this.skippedRows++;
    this.addProblem(line, message);
    return false;
  }

  addProblem(line: number, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, message });
  }

  /** The current row's field `index` as a string. */
  fieldText(index: number): string {
    const t = this.tokenizer;
    return decodeField(t.bytes, t.fieldStarts[index], t.fieldEnds[index], t.fieldFlags[index]);
  }

  dialect(): CsvDialect {
    const t = this.tokenizer;
    return {
      delimiter: this.delimiter,
      header: true,
      lineEnding: lineEndingOf(t.lfCount, t.crlfCount, t.crCount),
      bom: this.bom,
      encoding: 'utf-8',
    };
  }

  /** Release the source early (e.g. the consumer stopped): lets a file source close its handle. */
  async close(): Promise<void> {
    if (!this.sourceDone) {
      this.sourceDone = true;
      await this.iterator.return?.();
    }
  }
}

export { ROW, END, NEED_MORE };

const EMPTY = new Uint8Array(0);
const textDecoder = new TextDecoder();

/** A field's text: short ASCII fields without a TextDecoder call, doubled quotes undone. */
export function decodeField(bytes: Uint8Array, start: number, end: number, flags: number): string {
  let text: string;
  if ((flags & FIELD_NON_ASCII) === 0 && end - start <= 64) {
    text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  } else {
    text = textDecoder.decode(bytes.subarray(start, end));
  }
  return (flags & FIELD_ESCAPED_QUOTES) !== 0 ? text.replaceAll('""', '"') : text;
}

function uniqueHeaderNames(reader: CsvReader, problems: CsvProblem[]): string[] {
  const t = reader.tokenizer;
  const line = t.rowLine;
  const names: string[] = [];
  const raw: string[] = [];
  for (let k = 0; k < t.fieldCount; k++) raw.push(reader.fieldText(k));
  // A Set of taken names: header text never becomes an object key, so `__proto__` is just a name.
  const taken = new Set<string>(raw.filter((name) => name.trim() !== ''));
  const seen = new Set<string>();
  raw.forEach((name, index) => {
    if (name.trim() === '') {
      let generated = `column_${index + 1}`;
      for (let n = 2; taken.has(generated); n++) generated = `column_${index + 1}_${n}`;
      taken.add(generated);
      problems.push({ line, message: `column ${index + 1} has no name; called it "${generated}"` });
      names.push(generated);
      return;
    }
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
      return;
    }
    let renamed = name;
    for (let n = 2; taken.has(renamed); n++) renamed = `${name}_${n}`;
    taken.add(renamed);
    problems.push({
      line,
      message: `duplicate column name "${name}" (column ${index + 1}) renamed to "${renamed}"`,
    });
    names.push(renamed);
  });
  return names;
}

/**
 * The delimiter among , ; tab | that splits the first lines most consistently: the share of lines
 * with the same count (outside quotes) as the header line, then the larger count, then that order.
 */
export function detectDelimiter(start: Uint8Array, complete: boolean): CsvDialect['delimiter'] {
  // Delimiter index + 1 by byte (0: not a delimiter): a table, not a search per byte.
  const codes = new Uint8Array(256);
  DELIMITERS.forEach((d, k) => (codes[d.charCodeAt(0)] = k + 1));
  const perLine: number[][] = [];
  let counts = [0, 0, 0, 0];
  let inQuotes = false;
  let lineHasContent = false;
  for (let i = 0; i < start.length && perLine.length < DETECTION_MAX_LINES; i++) {
    const c = start[i];
    if (c === 0x22) inQuotes = !inQuotes;
    if (inQuotes) {
      lineHasContent = true;
      continue;
    }
    if (c === 0x0a || c === 0x0d) {
      if (lineHasContent) perLine.push(counts);
      counts = [0, 0, 0, 0];
      lineHasContent = false;
      continue;
    }
    lineHasContent = true;
    const k = codes[c];
    if (k > 0) counts[k - 1]++;
  }
  if (complete && lineHasContent && !inQuotes) perLine.push(counts);
  if (perLine.length === 0) return ',';
  let best = -1;
  let bestScore = -1;
  for (let k = 0; k < DELIMITERS.length; k++) {
    const headerCount = perLine[0][k];
    if (headerCount === 0) continue;
    const consistent = perLine.filter((line) => line[k] === headerCount).length / perLine.length;
    const score = consistent * 1e6 + Math.min(headerCount, 1e5);
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best < 0 ? ',' : DELIMITERS[best];
}

/**
 * From the first DETECTION_BYTES: the start may be a whole first read (a megabyte), and this runs
 * before anything is optimised, where a byte loop costs tens of milliseconds (`indexOf` is native).
 */
function averageLineBytes(start: Uint8Array): number {
  const head = start.subarray(0, DETECTION_BYTES);
  const breaks = (byte: number): number => {
    let count = 0;
    for (let i = head.indexOf(byte); i >= 0; i = head.indexOf(byte, i + 1)) count++;
    return count;
  };
  const lineBreaks = breaks(0x0a) || breaks(0x0d);
  return lineBreaks === 0 ? 0 : head.length / lineBreaks;
}

function lineEndingOf(lf: number, crlf: number, cr: number): LineEnding {
  const kinds = (lf > 0 ? 1 : 0) + (crlf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0);
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return lf > 0 ? 'lf' : crlf > 0 ? 'crlf' : 'cr';
}

function concatBytes(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
