// Where each data row of a CSV starts, found while the file streams past for profiling, so the
// preview grid can seek to any row of a multi-GB file and read only the bytes it shows.
// Platform-free: bytes in, offsets out; reading goes through a `RangeSource` the host provides.
//
// Memory stays small whatever the file size: only every ROWS_PER_CHECKPOINT-th row start is kept,
// and a read skips forward from the checkpoint before the requested row.
import { profileCsv } from '../core/csv';
import { decodeField, detectDelimiter } from '../core/csv/reader';
import { CsvTokenizer, DEFAULT_MAX_FIELD_BYTES, END, NEED_MORE } from '../core/csv/tokenizer';
import type { ByteChunks, CsvDialect, CsvProfile, ReadOptions } from '../core/csv/types';

export const ROWS_PER_CHECKPOINT = 256;
/** Streaming block size: as the CLI reads (larger blocks measured slower: the tokenizer copies each block once to join a row cut at its start). */
export const STREAM_BLOCK_BYTES = 1024 * 1024;
const FIRST_STREAM_BLOCK_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Counts data rows and remembers sparse row start offsets, quote-aware: a line break inside a
 * quoted field does not end a row. Blank lines are not rows (the CSV tokenizer skips them too), so
 * row numbers here match the profile's. Fed the file's chunks in order, each used only during
 * `feed` (sources reuse their buffers).
 */
export class RowIndex {
  /** Data rows whose end has been seen (all rows once `complete`). */
  rowsIndexed = 0;
  /** Offset of the first data row (after the header), or -1 before the header's end is seen. */
  dataStart = -1;
  bytesIndexed = 0;
  complete = false;

  private checkpoints = new Float64Array(1024);
  private checkpointCount = 0;
  private inQuote = false;
  /** LF, or CR for old Mac files that have no LF at all (decided on the first chunk). */
  private lineBreak = -1;
  private rowStart = 0;
  private previousByte = -1;
  private readonly startOffset: number;

  constructor(options: { bom?: boolean } = {}) {
    this.startOffset = options.bom ? 3 : 0;
    this.rowStart = this.startOffset;
  }

  feed(chunk: Uint8Array): void {
    const base = this.bytesIndexed;
    const length = chunk.length;
    if (length === 0) return;
    if (this.lineBreak < 0) this.lineBreak = chunk.indexOf(LF) >= 0 || chunk.indexOf(CR) < 0 ? LF : CR;
    const lineBreak = this.lineBreak;
    // Four bytes at a time where the chunk is aligned (file blocks are): see nextMark.
    const words =
      (chunk.byteOffset & 3) === 0 ? new Int32Array(chunk.buffer, chunk.byteOffset, length >> 2) : undefined;
    // The BOM bytes are not part of the header; skip them on the first chunk.
    let i = base === 0 ? Math.min(this.startOffset, length) : 0;
    let inQuote = this.inQuote;
    for (;;) {
      const mark = nextMark(chunk, words, i, lineBreak);
      if (mark >= length) break;
      // A doubled quote inside a quoted field closes and reopens it: the same state either way.
      if (chunk[mark] === QUOTE) inQuote = !inQuote;
      else if (!inQuote) this.endRow(base + mark, mark > 0 ? chunk[mark - 1] : this.previousByte);
      i = mark + 1;
    }
    this.inQuote = inQuote;
    this.previousByte = chunk[length - 1];
    this.bytesIndexed = base + length;
  }

  /** The input ended: a last row without a final line break still counts. */
  finish(): void {
    if (this.complete) return;
    if (this.bytesIndexed > this.rowStart) this.endRow(this.bytesIndexed, -1);
    if (this.dataStart < 0) this.dataStart = this.bytesIndexed;
    this.complete = true;
  }

  /** Where to start reading for `row`: a checkpoint offset and how many rows to skip from there. */
  locate(row: number): { offset: number; skip: number } {
    const checkpoint = Math.min(Math.floor(row / ROWS_PER_CHECKPOINT), this.checkpointCount - 1);
    if (checkpoint < 0) return { offset: this.dataStart, skip: row };
    return { offset: this.checkpoints[checkpoint], skip: row - checkpoint * ROWS_PER_CHECKPOINT };
  }

  /** Offset where the row being read starts: everything before it is indexed rows. */
  get pendingRowStart(): number {
    return this.rowStart;
  }

  /**
   * Forget the bytes fed after the last complete row, to be fed again: the state at a row start
   * outside quotes is known exactly. Lets a reader hand the parser blocks that end at row ends.
   */
  rewindToRowStart(): void {
    if (this.complete || this.rowStart >= this.bytesIndexed || this.rowStart === this.startOffset) return;
    this.bytesIndexed = this.rowStart;
    this.inQuote = false;
    this.previousByte = this.lineBreak;
  }

  /** Checkpoints held: memory is 8 bytes each. */
  get checkpointsHeld(): number {
    return this.checkpointCount;
  }

  private endRow(lineBreakAt: number, byteBefore: number): void {
    const contentLength = lineBreakAt - this.rowStart;
    const blank = contentLength === 0 || (contentLength === 1 && this.lineBreak === LF && byteBefore === CR);
    const nextRowStart = lineBreakAt + 1;
    if (this.dataStart < 0) {
      if (blank) {
        // Blank lines before the header are skipped by the tokenizer as well.
        this.rowStart = nextRowStart;
        return;
      }
      this.dataStart = nextRowStart;
      this.addCheckpoint(nextRowStart);
    } else if (!blank) {
      this.rowsIndexed++;
      if (this.rowsIndexed % ROWS_PER_CHECKPOINT === 0) this.addCheckpoint(nextRowStart);
    }
    this.rowStart = nextRowStart;
  }

  private addCheckpoint(offset: number): void {
    if (this.checkpointCount === this.checkpoints.length) {
      const grown = new Float64Array(this.checkpoints.length * 2);
      grown.set(this.checkpoints);
      this.checkpoints = grown;
    }
    this.checkpoints[this.checkpointCount++] = offset;
  }
}

const ONES = 0x01010101;
const HIGH_BITS = 0x80808080;
const QUOTES = QUOTE * ONES;

/**
 * Position of the next line break or quote at or after `from` (or the chunk's length). This scan
 * runs over every byte of the file beside the profiler, so it reads four bytes at a time: a word
 * holds a byte equal to b exactly when (v - 0x01010101) & ~v & 0x80808080 is non-zero for v = word ^ bbbb
 * (the classic "has zero byte" test). It measured about 4x faster than a TypedArray indexOf per row.
 */
function nextMark(bytes: Uint8Array, words: Int32Array | undefined, from: number, lineBreak: number): number {
  const length = bytes.length;
  let i = from;
  if (words) {
    for (; i < length && (i & 3) !== 0; i++) {
      const c = bytes[i];
      if (c === lineBreak || c === QUOTE) return i;
    }
    const breaks = lineBreak * ONES;
    const wordCount = words.length;
    let w = i >> 2;
    for (; w < wordCount; w++) {
      const word = words[w];
      const a = word ^ breaks;
      const b = word ^ QUOTES;
      if ((((a - ONES) & ~a) | ((b - ONES) & ~b)) & HIGH_BITS) break;
    }
    // (The prologue may have stopped at the chunk's end, unaligned: never step back.)
    i = Math.max(i, w << 2);
  }
  for (; i < length; i++) {
    const c = bytes[i];
    if (c === lineBreak || c === QUOTE) return i;
  }
  return length;
}

/** Random access to a file's bytes (a file handle on Node, the whole file in memory elsewhere). */
export interface RangeSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Fills `target` from `offset` (fewer bytes at the end of the file); returns the count. Lets streaming reuse its buffers. */
  readInto?(target: Uint8Array, offset: number): Promise<number>;
  /** A buffer for `readInto` (word-aligned: the row index reads it four bytes at a time). */
  allocate?(length: number): Uint8Array;
  close?(): Promise<void>;
}

/**
 * A range source read from `offset` to its end in large blocks, the next block requested before
 * the current one is handed out: the read overlaps the parsing, and one open handle serves both
 * streaming and seeking. With `readInto`, two blocks are reused in turn (no allocation per block),
 * so a chunk is valid only until the consumer asks for the next one, as with any reused-buffer source.
 *
 * With `index`, each block is indexed as it arrives and cut at its last row end (the rest is read
 * again with the next block): the parser then never has a row cut in two to copy and join.
 */
export async function* rangeChunks(
  source: RangeSource,
  options: { offset?: number; blockBytes?: number; index?: RowIndex } = {},
): AsyncGenerator<Uint8Array> {
  const blockBytes = Math.max(1, Math.min(options.blockBytes ?? STREAM_BLOCK_BYTES, source.size));
  const index = options.index;
  let offset = options.offset ?? 0;
  const buffers = source.readInto
    ? [
        source.allocate?.(blockBytes) ?? new Uint8Array(blockBytes),
        source.allocate?.(blockBytes) ?? new Uint8Array(blockBytes),
      ]
    : undefined;
  let turn = 0;
  // Small blocks first, doubling: the parser is still cold (unoptimised) on the first megabyte, and
  // short steps let the host answer the grid's first row request between them.
  let size = Math.min(FIRST_STREAM_BLOCK_BYTES, blockBytes);
  const readBlock = async (at: number): Promise<Uint8Array> => {
    const length = size;
    size = Math.min(size * 2, blockBytes);
    if (!buffers || !source.readInto) return source.read(at, length);
    const buffer = buffers[turn];
    turn = 1 - turn;
    return buffer.subarray(0, await source.readInto(buffer.subarray(0, length), at));
  };
  let next = offset < source.size ? readBlock(offset) : undefined;
  while (next) {
    let bytes = await next;
    if (bytes.length === 0) break;
    if (index) {
      index.feed(bytes);
      const rowEnd = index.pendingRowStart;
      if (rowEnd > offset && rowEnd < offset + bytes.length) {
        index.rewindToRowStart();
        bytes = bytes.subarray(0, rowEnd - offset);
      }
    }
    offset += bytes.length;
    next = offset < source.size ? readBlock(offset) : undefined;
    yield bytes;
  }
  index?.finish();
}

/** Passes the chunks on unchanged, indexing rows on the way: one read of the file serves both. */
export async function* indexWhileReading(chunks: ByteChunks, index: RowIndex): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    index.feed(chunk);
    yield chunk;
  }
  index.finish();
}

/** The inspector's profiling pass over a file with random access (see rangeChunks with an index). */
export function profileRangeWithRowIndex(
  source: RangeSource,
  index: RowIndex,
  options: ReadOptions = {},
): Promise<CsvProfile> {
  return profileCsv(rangeChunks(source, { index }), { ...options, skipMalformedRows: true });
}

/**
 * The inspector's profiling pass: the CSV layer's profile, with rows indexed in the same read.
 * Malformed rows are listed as problems rather than stopping the profile.
 */
export function profileWithRowIndex(
  chunks: ByteChunks,
  index: RowIndex,
  options: ReadOptions = {},
): Promise<CsvProfile> {
  return profileCsv(indexWhileReading(chunks, index), { ...options, skipMalformedRows: true });
}

const HEAD_BYTES = 64 * 1024;
const FIRST_READ_BYTES = 64 * 1024;
/** A read never grows beyond this: a row longer than that is shown cut. */
const MAX_READ_BYTES = 16 * 1024 * 1024;
/** Field text sent to the grid is cut here: a cell shows a few hundred characters at most. */
export const MAX_CELL_CHARS = 500;

export interface FileHead {
  delimiter: CsvDialect['delimiter'];
  bom: boolean;
  header: string[];
  /** The rows within the first bytes, indexed at once: the grid shows them before the profiling pass starts. */
  headIndex: RowIndex;
}

/** The header, the delimiter and the first rows, from the first bytes: the grid needs them before profiling ends. */
export async function readFileHead(source: RangeSource): Promise<FileHead> {
  const start = await source.read(0, Math.min(HEAD_BYTES, source.size));
  const bom = start.length >= 3 && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf;
  const headIndex = new RowIndex({ bom });
  headIndex.feed(start);
  if (start.length >= source.size) headIndex.finish();
  const head = bom ? start.subarray(3) : start;
  const delimiter = detectDelimiter(head, source.size <= HEAD_BYTES);
  const tokenizer = new CsvTokenizer({ delimiter: delimiter.charCodeAt(0), maxFieldBytes: HEAD_BYTES });
  tokenizer.feed(head, true);
  const header: string[] = [];
  try {
    if (tokenizer.nextRow() !== END) {
      for (let k = 0; k < tokenizer.fieldCount; k++) header.push(cellText(tokenizer, k));
    }
  } catch {
    // A header longer than the head or with a broken quote: the profile reports it properly.
  }
  return { delimiter, bom, header, headIndex };
}

export interface RowBlock {
  start: number;
  rows: string[][];
  /** Why fewer rows than asked came back, when it is not the end of the file. */
  note?: string;
}

/** Rows `start .. start + count` (as far as indexed), read by seeking to the nearest checkpoint. */
export async function readRows(
  index: RowIndex,
  source: RangeSource,
  delimiter: CsvDialect['delimiter'],
  start: number,
  count: number,
): Promise<RowBlock> {
  const available = Math.max(0, Math.min(count, index.rowsIndexed - start));
  const rows: string[][] = [];
  if (available === 0 || index.dataStart < 0) return { start, rows };
  const { offset, skip } = index.locate(start);
  const tokenizer = new CsvTokenizer({
    delimiter: delimiter.charCodeAt(0),
    maxFieldBytes: DEFAULT_MAX_FIELD_BYTES,
  });
  let position = offset;
  let readSize = FIRST_READ_BYTES;
  let skipped = 0;
  let final = false;
  try {
    tokenizer.feed(new Uint8Array(0), false);
    while (rows.length < available) {
      const status = tokenizer.nextRow();
      if (status === NEED_MORE) {
        if (final) break;
        const bytes = await source.read(position, readSize);
        position += bytes.length;
        final = bytes.length === 0 || position >= source.size;
        tokenizer.feed(bytes, final);
        readSize = Math.min(readSize * 2, MAX_READ_BYTES);
        continue;
      }
      if (status === END) break;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      const row: string[] = [];
      for (let k = 0; k < tokenizer.fieldCount; k++) row.push(cellText(tokenizer, k));
      rows.push(row);
    }
  } catch (error) {
    return { start, rows, note: error instanceof Error ? error.message : String(error) };
  }
  return { start, rows };
}

function cellText(tokenizer: CsvTokenizer, field: number): string {
  const start = tokenizer.fieldStarts[field];
  // Decode a little more than shown so a cut never splits a character in a visible way.
  const end = Math.min(tokenizer.fieldEnds[field], start + MAX_CELL_CHARS * 4);
  const text = decodeField(tokenizer.bytes, start, end, tokenizer.fieldFlags[field]);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
}
