// RFC 4180 tokenizer over UTF-8 bytes.
//
// Why hand-written instead of csv-parse: measured here on 1M rows x 17 numeric columns (157 MB),
// csv-parse 7 streamed does 28 MB/s of CPU time producing strings only (no numbers yet; 13 MB/s
// wall in reference/FINDINGS.md, papaparse 18), pandas.read_csv 52-58 MB/s, and this code loads
// Float32 columns at 155-167 MB/s of CPU time (2.7-2.9x pandas; `npm run bench:ingest`). The speed comes from never building a string per
// field: a row is a list of byte ranges into the input, consumers parse numbers from the bytes
// and decode only the strings they keep; plain numeric rows are even parsed while scanning.
//
// Input arrives in chunks. A row is only handed out once it is complete; when a chunk ends in the
// middle of a row, the partial row is copied aside (so the caller may reuse its chunk buffer) and
// rescanned from its start once more bytes arrive. That makes every decision (CR vs CRLF, a UTF-8
// sequence cut in two, a doubled quote cut in two) independent of where the chunks were cut.
import { WasmPlainRows } from './plainRowsWasm';
import { CsvError } from './types';

export const ROW = 1;
export const NEED_MORE = 2;
export const END = 3;
/** From the fast path: not a plain row, use `nextRow`. */
export const FALLBACK = 4;
export type RowStatus = typeof ROW | typeof NEED_MORE | typeof END;

/** Field flag: the field was quoted and contains doubled quotes to unescape. */
export const FIELD_ESCAPED_QUOTES = 1;
/** Field flag: the field contains non-ASCII bytes (valid UTF-8). */
export const FIELD_NON_ASCII = 2;
/** Field flag: the field was quoted. */
export const FIELD_QUOTED = 4;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_MINUS = 0x2d;
const CH_PLUS = 0x2b;
const CH_DOT = 0x2e;
/** Bytes handed to the WebAssembly loop after a row that was not plain (see `plainWindow`). */
const MIN_PLAIN_WINDOW = 1024;
/** Calls in a row that read nothing before `plainNumericRows` skips calls, and the most it skips. */
const PLAIN_MISSES = 8;
const MAX_PLAIN_SKIP = 64;
/** 10^0 … 10^22, exact doubles: mantissa / 10^k is then correctly rounded, as Number() is. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => Number(`1e${exponent}`));

export const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;
const EMPTY_BYTES = new Uint8Array(0);

export interface TokenizerOptions {
  delimiter: number;
  maxFieldBytes: number;
  /** Line number of the first byte fed (1-based). */
  firstLine?: number;
  /**
   * `plainNumericRows` in WebAssembly (the default, where it compiles) or in JavaScript (the
   * reference the WebAssembly loop is tested against).
   */
  plainRows?: 'wasm' | 'js';
}

export class CsvTokenizer {
  /** The current row: field `k` is `bytes[fieldStarts[k] .. fieldEnds[k])`, quotes excluded. */
  bytes: Uint8Array = EMPTY_BYTES;
  fieldStarts = new Int32Array(64);
  fieldEnds = new Int32Array(64);
  fieldFlags = new Uint8Array(64);
  fieldCount = 0;
  /** Line (1-based) where the current row starts. */
  rowLine = 0;

  /** Row terminators seen, for the dialect's line ending. */
  lfCount = 0;
  crlfCount = 0;
  crCount = 0;

  private readonly delimiter: number;
  private readonly maxFieldBytes: number;
  private readonly maxRowBytes: number;
  /** Bytes that end an unquoted field or need a closer look: delimiter, CR, LF, NUL, non-ASCII. */
  private readonly unquotedStops = new Uint8Array(256);
  /** Bytes that need a closer look inside quotes: quote, CR, LF (line counting), NUL, non-ASCII. */
  private readonly quotedStops = new Uint8Array(256);

  private position = 0;
  private end = 0;
  /** Just past the last LF of the input (0: none): where `plainNumericRows` stops. */
  private plainEnd = 0;
  /** Created at the first `plainNumericRows`; null: the JavaScript loop. */
  private wasmRows: WasmPlainRows | null | undefined;
  /**
   * After a row that is not plain, `plainNumericRows` hands the WebAssembly loop at most this many
   * bytes (whole rows), doubled again while that is the limit: every call copies its bytes into
   * the module's memory, and where every row has a quoted field the rest of the read block would
   * otherwise be copied once per row, to read none of it. After PLAIN_MISSES calls in a row that
   * read nothing, it also lets the general path have the next rows without trying (`plainSkip`
   * calls, a row each: 1, 2, 4 … up to 64 as the misses go on).
   */
  private plainWindow = Infinity;
  private plainMisses = 0;
  private plainSkip = 0;
  private final = false;
  private nextLine: number;
  /** Holds an incomplete row carried over to the next chunk (and the next chunk appended to it). */
  private work: Uint8Array = EMPTY_BYTES;
  private carryLength = 0;
  /** Bytes given to `feed` so far (after any `skipTo` dropped some). */
  private fed = 0;
  /** Bytes `skipTo` still has to drop from the next chunks fed. */
  private skipping = 0;
  /**
   * The chunk fed after an unfinished row, from `pendingStart`: read once the row, completed in
   * `work` by the chunk's first line, is done (see `feed`).
   */
  private pending: Uint8Array | undefined;
  private pendingStart = 0;
  private pendingFinal = false;

  constructor(options: TokenizerOptions) {
    this.delimiter = options.delimiter;
    this.maxFieldBytes = options.maxFieldBytes;
    this.maxRowBytes = Math.max(16 * 1024 * 1024, 16 * options.maxFieldBytes);
    this.nextLine = options.firstLine ?? 1;
    if (options.plainRows === 'js') this.wasmRows = null;
    for (const table of [this.unquotedStops, this.quotedStops]) {
      table[LF] = 1;
      table[CR] = 1;
      table[NUL] = 1;
      for (let byte = 0x80; byte < 0x100; byte++) table[byte] = 1;
    }
    this.unquotedStops[this.delimiter] = 1;
    this.quotedStops[QUOTE] = 1;
  }

  /**
   * Give the next chunk of input. The tokenizer reads `chunk` only until it next returns
   * NEED_MORE (it copies what it still needs), so the caller may then reuse the buffer.
   */
  feed(chunk: Uint8Array, final: boolean): void {
    this.final = final;
    if (this.skipping > 0) {
      const dropped = Math.min(this.skipping, chunk.length);
      this.skipping -= dropped;
      this.fed += dropped;
      chunk = chunk.subarray(dropped);
    }
    this.fed += chunk.length;
    if (this.carryLength === 0) {
      this.bytes = chunk;
      this.position = 0;
      this.end = chunk.length;
      this.plainEnd = chunk.lastIndexOf(LF) + 1;
      return;
    }
    // The unfinished row is completed in `work` with the chunk's first line, and the rest of the
    // chunk is read where it is: no copy of the whole chunk. That line feed ends the row for sure
    // when neither part holds a quote (a quoted field could hold line feeds); otherwise the whole
    // chunk is appended.
    const lineEnd = chunk.indexOf(LF) + 1;
    const simple =
      lineEnd > 0 &&
      this.work.subarray(0, this.carryLength).indexOf(QUOTE) < 0 &&
      chunk.subarray(0, lineEnd).indexOf(QUOTE) < 0;
    const appended = simple ? lineEnd : chunk.length;
    const needed = this.carryLength + appended;
    if (this.work.length < needed) {
      const grown = new Uint8Array(Math.max(needed, this.work.length * 2));
      grown.set(this.work.subarray(0, this.carryLength));
      this.work = grown;
    }
    this.work.set(appended === chunk.length ? chunk : chunk.subarray(0, appended), this.carryLength);
    this.bytes = this.work;
    this.position = 0;
    this.end = needed;
    this.plainEnd = this.work.lastIndexOf(LF, needed - 1) + 1;
    this.carryLength = 0;
    if (appended < chunk.length) {
      this.pending = chunk;
      this.pendingStart = appended;
      this.pendingFinal = final;
      this.final = false;
    }
  }

  /** After the completed row in `work`: on to the rest of the chunk fed with it. */
  private takePending(): void {
    const chunk = this.pending!;
    this.pending = undefined;
    this.bytes = chunk;
    this.position = this.pendingStart;
    this.end = chunk.length;
    this.plainEnd = chunk.lastIndexOf(LF) + 1;
    this.final = this.pendingFinal;
  }

  /** Line number where the next row would start. */
  get currentLine(): number {
    return this.nextLine;
  }

  /** Offset in the input (all bytes ever fed) where the next row would start. */
  get bytesConsumed(): number {
    const pending = this.pending ? this.pending.length - this.pendingStart : 0;
    return this.fed - (this.end - this.position) - pending - this.carryLength + this.skipping;
  }

  /**
   * Goes on from the input offset `offset` (at or after `bytesConsumed`, and where an earlier
   * reading of the same input saw a row start), as line `line`: what lies between is dropped
   * unread, from the current chunk and, past its end, from the next chunks fed. Only between rows.
   */
  skipTo(offset: number, line: number): void {
    const from = this.bytesConsumed;
    if (this.carryLength > 0 || this.skipping > 0 || offset < from)
      throw new Error(`the tokenizer cannot skip from offset ${from} to ${offset}`);
    let remaining = offset - from;
    for (;;) {
      const inChunk = Math.min(remaining, this.end - this.position);
      this.position += inChunk;
      remaining -= inChunk;
      if (remaining === 0 || this.pending === undefined) break;
      this.takePending();
    }
    this.skipping = remaining;
    this.nextLine = line;
  }

  /**
   * Parse the next row. ROW: the row is in `fieldStarts`/`fieldEnds`/`fieldFlags` until the next
   * call. NEED_MORE: feed another chunk (or `feed(empty, true)` at the end). END: no more rows.
   * Blank lines are skipped (as pandas does).
   */
  nextRow(): RowStatus {
    if (this.position >= this.end && this.pending !== undefined) this.takePending();
    const bytes = this.bytes;
    const end = this.end;
    const delimiter = this.delimiter;
    const unquotedStops = this.unquotedStops;
    const quotedStops = this.quotedStops;
    let i = this.position;
    let line = this.nextLine;

    // Skip blank lines.
    for (;;) {
      if (i >= end) {
        if (this.final) {
          this.position = i;
          return END;
        }
        return this.needMore(i, line);
      }
      const c = bytes[i];
      if (c === LF) {
        i++;
        line++;
      } else if (c === CR) {
        if (i + 1 >= end && !this.final) return this.needMore(i, line);
        i += i + 1 < end && bytes[i + 1] === LF ? 2 : 1;
        line++;
      } else break;
    }

    const rowStart = i;
    const rowLine = line;
    let fieldCount = 0;

    for (;;) {
      // One field starts at i.
      let fieldStart = i;
      let fieldEnd: number;
      let flags = 0;
      if (bytes[i] === QUOTE) {
        const quoteLine = line;
        i++;
        fieldStart = i;
        flags = FIELD_QUOTED;
        for (;;) {
          while (i < end && quotedStops[bytes[i]] === 0) i++;
          if (i >= end) {
            if (!this.final) {
              if (end - fieldStart > this.maxFieldBytes) throw this.quoteTooLong(quoteLine, fieldCount);
              return this.needMore(rowStart, rowLine);
            }
            throw new CsvError(
              'unterminated-quote',
              `line ${quoteLine}, field ${fieldCount + 1}: unterminated quote (the quoted field opened on line ${quoteLine} never closes)`,
              quoteLine,
              fieldCount + 1,
            );
          }
          const c = bytes[i];
          if (c === QUOTE) {
            if (i + 1 >= end && !this.final) return this.needMore(rowStart, rowLine);
            if (i + 1 < end && bytes[i + 1] === QUOTE) {
              flags |= FIELD_ESCAPED_QUOTES;
              i += 2;
              continue;
            }
            break; // closing quote
          } else if (c === LF) {
            line++;
            i++;
          } else if (c === CR) {
            if (i + 1 >= end && !this.final) return this.needMore(rowStart, rowLine);
            i += i + 1 < end && bytes[i + 1] === LF ? 2 : 1;
            line++;
          } else if (c === NUL) {
            throw binaryFile(line, fieldCount);
          } else {
            const length = utf8SequenceLength(bytes, i, end, this.final);
            if (length === 0) return this.needMore(rowStart, rowLine);
            if (length < 0) throw invalidUtf8(bytes, i, end, line, fieldCount);
            flags |= FIELD_NON_ASCII;
            i += length;
          }
        }
        fieldEnd = i;
        i++; // past the closing quote
        if (fieldEnd - fieldStart > this.maxFieldBytes) throw this.quoteTooLong(quoteLine, fieldCount);
        if (i < end) {
          const c = bytes[i];
          if (c !== delimiter && c !== LF && c !== CR) {
            throw new CsvError(
              'malformed-quote',
              `line ${line}, field ${fieldCount + 1}: unexpected ${describeByte(c)} after a closing quote (a quote inside a quoted field must be doubled: "")`,
              line,
              fieldCount + 1,
            );
          }
        } else if (!this.final) {
          return this.needMore(rowStart, rowLine);
        }
      } else {
        for (;;) {
          while (i < end && unquotedStops[bytes[i]] === 0) i++;
          if (i >= end) {
            if (!this.final) {
              if (end - fieldStart > this.maxFieldBytes) throw this.fieldTooLong(rowLine, fieldCount);
              return this.needMore(rowStart, rowLine);
            }
            break;
          }
          const c = bytes[i];
          if (c === delimiter || c === LF || c === CR) break;
          if (c === NUL) throw binaryFile(line, fieldCount);
          const length = utf8SequenceLength(bytes, i, end, this.final);
          if (length === 0) return this.needMore(rowStart, rowLine);
          if (length < 0) throw invalidUtf8(bytes, i, end, line, fieldCount);
          flags |= FIELD_NON_ASCII;
          i += length;
        }
        fieldEnd = i;
        if (fieldEnd - fieldStart > this.maxFieldBytes) throw this.fieldTooLong(rowLine, fieldCount);
      }

      if (fieldCount === this.fieldStarts.length) this.growFields();
      this.fieldStarts[fieldCount] = fieldStart;
      this.fieldEnds[fieldCount] = fieldEnd;
      this.fieldFlags[fieldCount] = flags;
      fieldCount++;

      // i is at a delimiter, a line break, or the end of the input (final).
      if (i >= end) break;
      const c = bytes[i];
      if (c === delimiter) {
        i++;
        if (i >= end) {
          if (!this.final) return this.needMore(rowStart, rowLine);
          // A trailing delimiter at the very end of the input: one more, empty field.
          if (fieldCount === this.fieldStarts.length) this.growFields();
          this.fieldStarts[fieldCount] = i;
          this.fieldEnds[fieldCount] = i;
          this.fieldFlags[fieldCount] = 0;
          fieldCount++;
          break;
        }
        continue;
      }
      if (c === LF) {
        i++;
        this.lfCount++;
      } else {
        // CR: decide CR or CRLF, which needs the next byte.
        if (i + 1 >= end && !this.final) return this.needMore(rowStart, rowLine);
        if (i + 1 < end && bytes[i + 1] === LF) {
          i += 2;
          this.crlfCount++;
        } else {
          i++;
          this.crCount++;
        }
      }
      line++;
      break;
    }

    this.fieldCount = fieldCount;
    this.rowLine = rowLine;
    this.position = i;
    this.nextLine = line;
    return ROW;
  }

  /**
   * `nextPlainNumericRow` row after row: up to `maxRows` rows into `out`, row `r` at
   * `offset + r * width`, stopping before the first row that is not plain (left for `nextRow`) or
   * that the input does not hold whole. Returns the rows read.
   *
   * Slots of `-2 - k` are category fields (WebAssembly only: without it, no row is read here): row
   * `r`'s field `k` is `bytes[cats[2 * (r * catWidth + k)] … cats[2 * (r * catWidth + k) + 1])`,
   * read before anything else is asked of the tokenizer. Such a field is plain when it is unquoted
   * ASCII.
   */
  plainNumericRows(
    slots: Int32Array,
    out: Float64Array,
    offset: number,
    width: number,
    maxRows: number,
    cats?: Int32Array,
    catWidth = 0,
  ): number {
    if (maxRows <= 0) return 0;
    if (this.plainSkip > 0) {
      this.plainSkip--;
      return 0;
    }
    if (this.position >= this.end && this.pending !== undefined) this.takePending();
    if (this.position >= this.plainEnd) return 0;
    if (this.wasmRows === undefined) this.wasmRows = WasmPlainRows.create(this.unquotedStops) ?? null;
    const engine = this.wasmRows;
    if (engine === null) {
      if (catWidth > 0) return 0;
      let rows = 0;
      while (rows < maxRows && this.nextPlainNumericRow(slots, out, offset + rows * width) === ROW) rows++;
      return this.plainTried(rows);
    }
    let end = this.plainEnd;
    if (end - this.position > this.plainWindow) {
      const lf = this.bytes.indexOf(LF, this.position + this.plainWindow - 1);
      if (lf >= 0 && lf + 1 < end) end = lf + 1;
    }
    const rows = engine.rows(
      this.bytes,
      this.position,
      end,
      slots,
      out,
      offset,
      width,
      maxRows,
      this.delimiter,
      this.maxFieldBytes,
      cats,
      catWidth,
    );
    if (rows > 0) {
      this.position = engine.position;
      this.lfCount += engine.lineFeeds;
      this.crlfCount += engine.crlfs;
      this.fieldCount = slots.length;
      this.rowLine = this.nextLine + rows - 1;
      this.nextLine += rows;
      if (this.position === end && end < this.plainEnd) this.plainWindow *= 2;
    } else this.plainWindow = MIN_PLAIN_WINDOW;
    return this.plainTried(rows);
  }

  /** Counts the calls in a row that read nothing, and skips calls after many (see `plainWindow`). */
  private plainTried(rows: number): number {
    if (rows > 0) this.plainMisses = 0;
    else if (++this.plainMisses >= PLAIN_MISSES)
      this.plainSkip = Math.min(MAX_PLAIN_SKIP, 2 ** (this.plainMisses - PLAIN_MISSES));
    return rows;
  }

  /**
   * Fast path for the common plain numeric row (unquoted ASCII fields such as `-12.5`, LF or CRLF):
   * writes field `k` to `out[slots[k]]` (fields with slot -1 are skipped) and returns ROW, exactly as
   * `nextRow` + `parseNumberBytes` would. Anything else — an empty field, an exponent, a quote,
   * spaces, text, a row cut by the chunk end, a wrong field count — returns FALLBACK having consumed
   * nothing, and the caller uses `nextRow`. Parsing while scanning reads each byte once.
   */
  nextPlainNumericRow(slots: Int32Array, out: Float64Array, offset = 0): typeof ROW | typeof FALLBACK {
    const bytes = this.bytes;
    const end = this.end;
    const delimiter = this.delimiter;
    const stops = this.unquotedStops;
    const fieldTotal = slots.length;
    const maxFieldBytes = this.maxFieldBytes;
    let i = this.position;
    let field = 0;
    for (;;) {
      if (i >= end) return FALLBACK;
      const fieldStart = i;
      const slot = slots[field];
      let c = bytes[i];
      if (slot < 0) {
        if (c === QUOTE) return FALLBACK;
        while (i < end && stops[bytes[i]] === 0) i++;
      } else {
        let negative = false;
        if (c === CH_MINUS) {
          negative = true;
          i++;
        } else if (c === CH_PLUS) i++;
        // Every digit counts toward the 15-digit limit, leading zeros too: one branch less per
        // digit; the rare long literal (0.0000000000000001234) takes the general path instead.
        let mantissa = 0;
        const digitsStart = i;
        while (i < end && (c = bytes[i]) >= CH_0 && c <= CH_9) {
          mantissa = mantissa * 10 + (c - CH_0);
          i++;
        }
        let digitCount = i - digitsStart;
        let decimalExponent = 0;
        if (i < end && bytes[i] === CH_DOT) {
          i++;
          const fractionStart = i;
          while (i < end && (c = bytes[i]) >= CH_0 && c <= CH_9) {
            mantissa = mantissa * 10 + (c - CH_0);
            i++;
          }
          decimalExponent = fractionStart - i;
          digitCount -= decimalExponent;
        }
        if (digitCount === 0 || digitCount > 15) return FALLBACK;
        const magnitude = decimalExponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-decimalExponent] : mantissa;
        out[offset + slot] = negative ? -magnitude : magnitude;
      }
      if (i >= end || i - fieldStart > maxFieldBytes) return FALLBACK;
      c = bytes[i];
      field++;
      if (c === delimiter) {
        if (field === fieldTotal) return FALLBACK;
        i++;
        continue;
      }
      if (field !== fieldTotal) return FALLBACK;
      if (c === LF) {
        this.lfCount++;
        i++;
      } else if (c === CR && i + 1 < end && bytes[i + 1] === LF) {
        this.crlfCount++;
        i += 2;
      } else return FALLBACK;
      this.fieldCount = field;
      this.rowLine = this.nextLine;
      this.nextLine++;
      this.position = i;
      return ROW;
    }
  }

  /** Keep the unfinished row (from `rowStart`) for the next chunk; the input buffer is released. */
  private needMore(rowStart: number, rowLine: number): RowStatus {
    const length = this.end - rowStart;
    if (length > this.maxRowBytes) {
      throw new CsvError(
        'field-too-large',
        `line ${rowLine}: a row longer than ${formatBytes(this.maxRowBytes)} (is this really a CSV file?)`,
        rowLine,
      );
    }
    if (this.bytes === this.work) {
      this.work.copyWithin(0, rowStart, this.end);
    } else {
      if (this.work.length < length)
        this.work = new Uint8Array(Math.max(length, 2 * this.work.length, 64 * 1024));
      this.work.set(this.bytes.subarray(rowStart, this.end));
    }
    this.carryLength = length;
    this.bytes = EMPTY_BYTES;
    this.position = 0;
    this.end = 0;
    this.plainEnd = 0;
    this.nextLine = rowLine;
    return NEED_MORE;
  }

  private growFields(): void {
    const capacity = this.fieldStarts.length * 2;
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    const flags = new Uint8Array(capacity);
    starts.set(this.fieldStarts);
    ends.set(this.fieldEnds);
    flags.set(this.fieldFlags);
    this.fieldStarts = starts;
    this.fieldEnds = ends;
    this.fieldFlags = flags;
  }

  private quoteTooLong(quoteLine: number, fieldIndex: number): CsvError {
    return new CsvError(
      'field-too-large',
      `line ${quoteLine}, field ${fieldIndex + 1}: a quoted field longer than ${formatBytes(this.maxFieldBytes)}: probably an unterminated quote opened on line ${quoteLine}`,
      quoteLine,
      fieldIndex + 1,
    );
  }

  private fieldTooLong(rowLine: number, fieldIndex: number): CsvError {
    return new CsvError(
      'field-too-large',
      `line ${rowLine}, field ${fieldIndex + 1}: a field longer than ${formatBytes(this.maxFieldBytes)} (is this really a CSV file with this delimiter?)`,
      rowLine,
      fieldIndex + 1,
    );
  }
}

/**
 * Length of the valid UTF-8 sequence starting at `i` (2-4), 0 when it is cut by the end of a
 * non-final chunk, -1 when invalid (overlong forms, surrogates and values above U+10FFFF included).
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number, end: number, final: boolean): number {
  const lead = bytes[i];
  let length: number;
  let secondMin = 0x80;
  let secondMax = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) secondMin = 0xa0;
    else if (lead === 0xed) secondMax = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) secondMin = 0x90;
    else if (lead === 0xf4) secondMax = 0x8f;
  } else return -1;
  for (let k = 1; k < length; k++) {
    if (i + k >= end) return final ? -1 : 0;
    const byte = bytes[i + k];
    if (k === 1 ? byte < secondMin || byte > secondMax : byte < 0x80 || byte > 0xbf) return -1;
  }
  return length;
}

function binaryFile(line: number, fieldIndex: number): CsvError {
  return new CsvError(
    'binary',
    `line ${line}, field ${fieldIndex + 1}: a NUL byte: this looks like a binary file, not a CSV text file`,
    line,
    fieldIndex + 1,
  );
}

function invalidUtf8(bytes: Uint8Array, i: number, end: number, line: number, fieldIndex: number): CsvError {
  const byte = bytes[i];
  // Latin-1 / Windows-1252 text has lone high bytes (é = 0xE9) followed by plain ASCII.
  const next = i + 1 < end ? bytes[i + 1] : -1;
  const looksLatin1 = byte >= 0x80 && (next < 0x80 || next >= 0xc0);
  // A UTF-16 byte order mark (FF FE or FE FF) opening the file.
  const utf16 =
    line === 1 && fieldIndex === 0 && ((byte === 0xff && next === 0xfe) || (byte === 0xfe && next === 0xff));
  const hint = utf16
    ? ': the file is UTF-16 encoded (it opens with a UTF-16 byte order mark); save it as UTF-8'
    : looksLatin1
      ? ': the file looks Latin-1 (ISO-8859-1 / Windows-1252) encoded; save it as UTF-8'
      : '';
  return new CsvError(
    'encoding',
    `line ${line}, field ${fieldIndex + 1}: invalid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')})${hint}`,
    line,
    fieldIndex + 1,
  );
}

function describeByte(byte: number): string {
  if (byte === 0x20) return 'space';
  return byte >= 0x21 && byte < 0x7f
    ? `character '${String.fromCharCode(byte)}'`
    : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
