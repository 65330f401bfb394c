// Training data out of a CSV: whole typed columns (batch) or row blocks pulled on demand (online).
import { CsvReader, decodeField, END, NEED_MORE } from './reader';
import type { CsvTokenizer } from './tokenizer';
import { parseNumberBytes } from './numbers';
import { MISSING_TOKENS } from './profile';
import {
  ByteChunks,
  ColumnRequest,
  CsvError,
  LoadedColumn,
  LoadedColumns,
  ReadOptions,
  RowChunk,
} from './types';

const INITIAL_CAPACITY = 64 * 1024;
/** Rows per block of the plain-row fast path when loading columns. */
const PLAIN_BLOCK_ROWS = 4096;
export const DEFAULT_CHUNK_ROWS = 4096;
/** Values (rows × columns) in one chunk at the most: 4 MB of float64. */
export const MAX_CHUNK_VALUES = 1 << 19;
/** Rows in the first chunk of `readRowChunks`; later chunks double up to the chunk size asked for. */
const FIRST_CHUNK_ROWS = 1024;

function resolveColumns(header: readonly string[], requests: readonly ColumnRequest[]): number[] {
  const indexByName = new Map<string, number>();
  header.forEach((name, index) => indexByName.set(name, index));
  return requests.map((request) => {
    const index = indexByName.get(request.name);
    if (index === undefined) {
      const available = header.map((name) => JSON.stringify(name)).join(', ');
      throw new CsvError('unknown-column', `no column named "${request.name}"; the columns are ${available}`);
    }
    return index;
  });
}

/** Category codes in order of first appearance. */
class CategoryDictionary {
  readonly categories: string[] = [];
  private readonly codes = new Map<string, number>();
  /**
   * The same codes by the bytes of a category, for the plain-rows fast path (no string per field):
   * open addressing on an FNV-1a hash, `code + 1` per entry (0: empty). A string's hash is taken
   * over its UTF-16 units, equal to the bytes' for ASCII, the only text that path gives.
   */
  private table = new Int32Array(64);
  private hashes = new Int32Array(32);

  codeOf(value: string): number {
    const code = this.codes.get(value);
    return code === undefined ? this.add(value) : code;
  }

  /** `codeOf` the ASCII text `bytes[start … end)`. */
  codeOfBytes(bytes: Uint8Array, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
    const mask = this.table.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.table[at];
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === hash && sameAscii(this.categories[code], bytes, start, end)) return code;
    }
    let text = '';
    if (end - start <= 64) for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
    else text = asciiDecoder.decode(bytes.subarray(start, end));
    return this.add(text);
  }

  private add(value: string): number {
    const code = this.categories.length;
    this.codes.set(value, code);
    this.categories.push(value);
    let hash = FNV_OFFSET;
    for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
    if (code >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[code] = hash;
    if (2 * (code + 1) > this.table.length) {
      this.table = new Int32Array(this.table.length * 2);
      for (let k = 0; k < code; k++) this.place(k);
    }
    this.place(code);
    return code;
  }

  private place(code: number): void {
    const mask = this.table.length - 1;
    let at = this.hashes[code] & mask;
    while (this.table[at] !== 0) at = (at + 1) & mask;
    this.table[at] = code + 1;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const asciiDecoder = new TextDecoder();

function sameAscii(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * Load the requested columns for batch training. Numeric columns become Float32Array (NaN for a
 * missing or non-numeric value), category columns Int32Array codes (-1 for missing).
 */
export async function loadColumns(
  source: ByteChunks,
  requests: ColumnRequest[],
  options: ReadOptions = {},
): Promise<LoadedColumns> {
  const reader = await CsvReader.open(source, options);
  try {
    const fieldIndexes = resolveColumns(reader.header, requests);
    // Numeric and category requests in separate flat lists: a monomorphic hot loop per kind.
    const numericRequests = requests.flatMap((request, c) => (request.kind === 'numeric' ? [c] : []));
    const categoryRequests = requests.flatMap((request, c) => (request.kind === 'category' ? [c] : []));
    const numericFields = Int32Array.from(numericRequests, (c) => fieldIndexes[c]);
    const categoryFields = Int32Array.from(categoryRequests, (c) => fieldIndexes[c]);
    let capacity = initialCapacity(reader, options.totalBytes);
    let numericValues: Float32Array[] = numericRequests.map(() => new Float32Array(capacity));
    let categoryCodes: Int32Array[] = categoryRequests.map(() => new Int32Array(capacity));
    const dictionaries = categoryRequests.map(() => new CategoryDictionary());
    const tokenizer = reader.tokenizer;
    let rows = 0;
    // Plain rows go through the tokenizer's fused scan-and-parse fast path: numbers parsed, category
    // fields left as byte ranges and looked up by their bytes.
    const fastSlots = plainRowSlots(
      reader.header.length,
      Int32Array.from([...numericFields, ...categoryFields]),
      [...Array.from(numericFields, () => true), ...Array.from(categoryFields, () => false)],
    );
    const blockRows = Math.max(
      1,
      Math.min(
        PLAIN_BLOCK_ROWS,
        Math.floor(MAX_CHUNK_VALUES / Math.max(1, numericFields.length + categoryFields.length)),
      ),
    );
    const fast: PlainBlock = {
      rows: blockRows,
      values: new Float64Array(blockRows * numericFields.length),
      ranges: new Int32Array(blockRows * categoryFields.length * 2),
      dictionaries,
    };

    for (;;) {
      if (fastSlots !== undefined && rows < capacity) {
        const before = rows;
        rows = loadPlainRows(tokenizer, fastSlots, fast, numericValues, categoryCodes, rows, capacity);
        if (rows !== before) continue;
      }
      const status = tokenizer.nextRow();
      if (status === NEED_MORE) {
        await reader.fill();
        continue;
      }
      if (status === END) break;
      if (!reader.acceptRowShape()) continue;
      if (rows === capacity) {
        capacity = grownCapacity(reader, capacity, options.totalBytes);
        numericValues = numericValues.map((values) => growFloat32(values, capacity));
        categoryCodes = categoryCodes.map((codes) => growInt32(codes, capacity));
      }
      const bytes = tokenizer.bytes;
      const starts = tokenizer.fieldStarts;
      const ends = tokenizer.fieldEnds;
      for (let k = 0; k < numericFields.length; k++) {
        const field = numericFields[k];
        numericValues[k][rows] = parseNumberBytes(bytes, starts[field], ends[field]);
      }
      for (let k = 0; k < categoryFields.length; k++) {
        const field = categoryFields[k];
        const start = starts[field];
        const end = ends[field];
        categoryCodes[k][rows] =
          start === end
            ? -1
            : dictionaries[k].codeOf(decodeField(bytes, start, end, tokenizer.fieldFlags[field]));
      }
      rows++;
    }

    const columns: LoadedColumn[] = requests.map((request, c) => {
      if (request.kind === 'numeric') {
        return {
          name: request.name,
          kind: 'numeric',
          values: fitFloat32(numericValues[numericRequests.indexOf(c)], rows),
        };
      }
      const k = categoryRequests.indexOf(c);
      return {
        name: request.name,
        kind: 'category',
        codes: fitInt32(categoryCodes[k], rows),
        categories: dictionaries[k].categories,
      };
    });
    return {
      dialect: reader.dialect(),
      header: reader.header,
      rows,
      skippedRows: reader.skippedRows,
      columns,
      problems: reader.problems,
    };
  } finally {
    await reader.close();
  }
}

/**
 * Rows for online training, `chunkRows` at a time. Bytes are read only when the consumer asks for
 * the next chunk (backpressure), so memory stays bounded whatever the file size. Every chunk has
 * its own `values` buffer: a consumer may keep it.
 */
export async function* readRowChunks(
  source: ByteChunks,
  requests: ColumnRequest[],
  options: ReadOptions & {
    /** Rows per chunk (default DEFAULT_CHUNK_ROWS), fewer for a wide file (see MAX_CHUNK_VALUES). */
    chunkRows?: number;
    /**
     * Fail with `not-a-number` (line and column) on a numeric field that is neither a number, empty,
     * nor a missing-value token (NA, null, …), instead of reading it as missing. Predictions need
     * this: silently imputing a typo would give a confident wrong answer.
     */
    rejectNonNumbers?: boolean;
    /**
     * A spent chunk's `values` whose buffer to fill next instead of a new one (a reader whose
     * chunks are handed back when consumed: no allocation, and no garbage, per chunk). With it,
     * every buffer has room for a full chunk, and one is used again only when its size fits.
     */
    reuse?: () => Float64Array | undefined;
  } = {},
): AsyncGenerator<RowChunk> {
  const reader = await CsvReader.open(source, options);
  try {
    const fieldIndexes = resolveColumns(reader.header, requests);
    const width = requests.length;
    // A wide file gets shorter chunks: memory per chunk stays bounded whatever the column count.
    const fullRows = Math.max(
      1,
      Math.min(
        Math.floor(options.chunkRows ?? DEFAULT_CHUNK_ROWS),
        Math.floor(MAX_CHUNK_VALUES / Math.max(1, width)),
      ),
    );
    const isNumeric = requests.map((request) => request.kind === 'numeric');
    const dictionaries = requests.map((request, c) => {
      if (request.kind !== 'category') return undefined;
      const dictionary = new CategoryDictionary();
      for (const category of options.resumeCategories?.[c] ?? []) dictionary.codeOf(category);
      return dictionary;
    });
    const categories = dictionaries.map((dictionary) => dictionary?.categories);
    const tokenizer = reader.tokenizer;

    // The first chunks are short and double up to chunkRows: the consumer starts on rows sooner,
    // and the two sides' cold code (before the JIT has optimised it) overlaps instead of each
    // waiting for the other's first full chunk. Buffers that are handed back (`reuse`) have room
    // for a full chunk all the same: a buffer's first writes cost far more than later ones (fresh
    // pages; 3 ms a megabyte on the VMs measured), so they are few, reused, and written only as
    // far as filled. A chunk's `values` is always a view of its own rows.
    let chunkRows = Math.min(fullRows, FIRST_CHUNK_ROWS);
    const fullBytes = fullRows * width * Float64Array.BYTES_PER_ELEMENT;
    const freshValues = (): Float64Array => {
      if (!options.reuse) return new Float64Array(chunkRows * width);
      const spent = options.reuse();
      return spent && spent.buffer.byteLength === fullBytes
        ? new Float64Array(spent.buffer)
        : new Float64Array(fullRows * width);
    };
    const nextChunk = (): void => {
      chunkRows = Math.min(fullRows, chunkRows * 2);
      values = freshValues();
      rows = 0;
    };
    let values = freshValues();
    let rows = 0;
    let firstLine = 0;
    /** The rows read so far, as a chunk that ends where the tokenizer stands. */
    const chunk = (): RowChunk => ({
      rows,
      width,
      values: values.length === rows * width ? values : values.subarray(0, rows * width),
      firstLine,
      categories,
      skippedRows: reader.skippedRows,
      after: reader.resumePoint(),
    });
    // Plain rows (numbers, and categories as unquoted ASCII) through the tokenizer's fast path; the
    // category fields it leaves as byte ranges are looked up here.
    const categoryColumns = Int32Array.from(
      requests.flatMap((request, c) => (request.kind === 'category' ? [c] : [])),
    );
    const catWidth = categoryColumns.length;
    const fastSlots = plainRowSlots(reader.header.length, Int32Array.from(fieldIndexes), isNumeric);
    const fieldRanges = new Int32Array(catWidth > 0 ? fullRows * catWidth * 2 : 0);
    for (;;) {
      if (fastSlots !== undefined) {
        const before = rows;
        const line = tokenizer.currentLine;
        rows += tokenizer.plainNumericRows(
          fastSlots,
          values,
          rows * width,
          width,
          chunkRows - rows,
          fieldRanges,
          catWidth,
        );
        if (catWidth > 0) {
          const bytes = tokenizer.bytes;
          for (let r = before, range = 0; r < rows; r++)
            for (let k = 0; k < catWidth; k++, range += 2) {
              const start = fieldRanges[range];
              const end = fieldRanges[range + 1];
              const c = categoryColumns[k];
              values[r * width + c] = start === end ? -1 : dictionaries[c]!.codeOfBytes(bytes, start, end);
            }
        }
        if (before === 0 && rows > 0) firstLine = line;
        if (rows === chunkRows) {
          yield chunk();
          nextChunk();
          continue;
        }
        if (rows !== before) continue;
      }
      const status = tokenizer.nextRow();
      if (status === NEED_MORE) {
        await reader.fill();
        continue;
      }
      if (status === END) break;
      if (!reader.acceptRowShape()) continue;
      if (rows === 0) firstLine = tokenizer.rowLine;
      const bytes = tokenizer.bytes;
      const offset = rows * width;
      for (let c = 0; c < width; c++) {
        const field = fieldIndexes[c];
        const start = tokenizer.fieldStarts[field];
        const end = tokenizer.fieldEnds[field];
        if (isNumeric[c]) {
          const value = parseNumberBytes(bytes, start, end);
          values[offset + c] = value;
          if (value !== value && options.rejectNonNumbers) rejectNonNumber(reader, requests[c].name, field);
        } else {
          values[offset + c] =
            start === end
              ? -1
              : dictionaries[c]!.codeOf(decodeField(bytes, start, end, tokenizer.fieldFlags[field]));
        }
      }
      rows++;
      if (rows === chunkRows) {
        yield chunk();
        nextChunk();
      }
    }
    if (rows > 0) {
      yield chunk();
    }
  } finally {
    await reader.close();
  }
}

/** Throws `not-a-number` when the current row's `field` is text rather than a missing value. */
function rejectNonNumber(reader: CsvReader, column: string, field: number): void {
  const text = reader.fieldText(field).trim();
  if (text === '' || MISSING_TOKENS.has(text)) return;
  const line = reader.tokenizer.rowLine;
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  throw new CsvError(
    'not-a-number',
    `column "${column}" is numeric but holds "${shown}", not a number`,
    line,
    field + 1,
  );
}

/**
 * Rows to allocate for at first: from the file size and the bytes per row seen so far when the
 * size is known (one allocation instead of a doubling series), else a modest start.
 */
function initialCapacity(reader: CsvReader, totalBytes: number | undefined): number {
  if (totalBytes === undefined || reader.bytesPerLineEstimate === 0) return INITIAL_CAPACITY;
  return Math.max(1024, Math.ceil((totalBytes / reader.bytesPerLineEstimate) * 1.02) + 16);
}

function grownCapacity(reader: CsvReader, capacity: number, totalBytes: number | undefined): number {
  if (totalBytes !== undefined && reader.bytesRead > 0 && reader.bytesRead < totalBytes) {
    // Extrapolate from the rows per byte so far, with a margin.
    const estimate = Math.ceil(((capacity * totalBytes) / reader.bytesRead) * 1.05);
    if (estimate > capacity) return Math.min(estimate, capacity * 2);
  }
  return capacity * 2;
}

/**
 * As many plain numeric rows as the current chunk holds (up to `capacity`), a block at a time
 * through `block` into the columns; returns the new row count.
 */
/** A block of plain rows as the tokenizer gives them: numbers, then category byte ranges. */
interface PlainBlock {
  rows: number;
  values: Float64Array;
  ranges: Int32Array;
  dictionaries: CategoryDictionary[];
}

function loadPlainRows(
  tokenizer: CsvTokenizer,
  slots: Int32Array,
  block: PlainBlock,
  columns: Float32Array[],
  codes: Int32Array[],
  rows: number,
  capacity: number,
): number {
  const width = columns.length;
  const catWidth = codes.length;
  const { values, ranges, dictionaries } = block;
  for (;;) {
    const wanted = Math.min(block.rows, capacity - rows);
    if (wanted <= 0) return rows;
    const read = tokenizer.plainNumericRows(slots, values, 0, width, wanted, ranges, catWidth);
    for (let k = 0; k < width; k++) {
      const column = columns[k];
      for (let r = 0; r < read; r++) column[rows + r] = values[r * width + k];
    }
    const bytes = tokenizer.bytes;
    for (let j = 0; j < catWidth; j++) {
      const column = codes[j];
      const dictionary = dictionaries[j];
      for (let r = 0; r < read; r++) {
        const start = ranges[2 * (r * catWidth + j)];
        const end = ranges[2 * (r * catWidth + j) + 1];
        column[rows + r] = start === end ? -1 : dictionary.codeOfBytes(bytes, start, end);
      }
    }
    rows += read;
    if (read < wanted) return rows;
  }
}

/**
 * The tokenizer's slots for plain rows: request `k` of field `fields[k]` is output column `k`, or,
 * where `isNumeric[k]` is false, category field `-2 - j` (the `j`-th category request).
 */
function plainRowSlots(
  fieldCount: number,
  fields: Int32Array,
  isNumeric?: readonly boolean[],
): Int32Array | undefined {
  const slots = new Int32Array(fieldCount).fill(-1);
  let categories = 0;
  for (let k = 0; k < fields.length; k++) {
    if (slots[fields[k]] !== -1) return undefined; // the same column twice: keep the general path
    slots[fields[k]] = !isNumeric || isNumeric[k] ? k : -2 - categories++;
  }
  return slots;
}

function growFloat32(values: Float32Array, capacity: number): Float32Array {
  const grown = new Float32Array(capacity);
  grown.set(values);
  return grown;
}

function growInt32(values: Int32Array, capacity: number): Int32Array {
  const grown = new Int32Array(capacity);
  grown.set(values);
  return grown;
}

/** Trim the growth slack: a view when the slack is small, a copy when it would waste memory. */
function fitFloat32(values: Float32Array, rows: number): Float32Array {
  return values.length - rows <= rows / 4 ? values.subarray(0, rows) : values.slice(0, rows);
}

function fitInt32(values: Int32Array, rows: number): Int32Array {
  return values.length - rows <= rows / 4 ? values.subarray(0, rows) : values.slice(0, rows);
}
