// Column profile and type inference over the whole file, in one streaming pass with bounded
// memory: per column a few counters, Welford moments, a fixed-size adaptive histogram and a capped
// table of distinct values. Nothing grows with the number of rows.
import { CsvReader, decodeField, END, NEED_MORE } from './reader';
import { NumberScanner } from './numbers';
import { ByteChunks, ColumnProfile, ColumnType, CsvProfile, ReadOptions } from './types';

/** Distinct values tracked per column (exact up to this, a lower bound beyond). */
export const DISTINCT_CAP = 10_000;
/** All columns together: keeps wide files bounded too (each column keeps at least 100). */
const DISTINCT_TOTAL_BUDGET = 160_000;
/** Longer strings are keyed by a prefix plus a hash, so the table stays small. */
const MAX_KEY_CHARS = 64;
const HISTOGRAM_BINS = 64;
/** Values seen before the histogram picks its first range (kept in a fixed buffer). */
const HISTOGRAM_WARMUP = 1024;
const TOP_CATEGORIES = 10;
/** Categories: at most this many distinct values, and at most half the values distinct. */
const MAX_CATEGORY_DISTINCT = 1000;
/**
 * The distinct values type inference needs: a column with more is text, not category. A profile
 * asked only for types (`typesOnly`) counts no further, so a column of floats costs a table of a
 * thousand entries rather than one per row, and keeps no histogram.
 */
const TYPES_DISTINCT_CAP = MAX_CATEGORY_DISTINCT + 1;

/**
 * Tokens that mean "no value" in the wild (R, pandas, Excel exports). They count as missing for
 * type inference, so a numeric column with a few `NA` stays numeric; they still never parse as
 * numbers (loadColumns gives NaN for them, the missing marker).
 */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  'NA',
  'N/A',
  'n/a',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
  '#N/A',
]);
const BOOLEAN_PATTERN = /^(?:true|false|yes|no)$/i;
const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Fixed-bin histogram whose range doubles (merging bin pairs) when a value falls outside it. */
class AdaptiveHistogram {
  private readonly warmup: number[] = [];
  private counts: Float64Array | undefined;
  private low = 0;
  private width = 0;

  add(value: number): void {
    if (this.counts === undefined) {
      this.warmup.push(value);
      if (this.warmup.length >= HISTOGRAM_WARMUP) this.start();
      return;
    }
    this.place(value);
  }

  private start(): void {
    let min = Infinity;
    let max = -Infinity;
    for (const value of this.warmup) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const span = max - min;
    this.width =
      span > 0 && Number.isFinite(span)
        ? (span / HISTOGRAM_BINS) * (1 + 1e-9)
        : Math.max(Math.abs(min) * 1e-6, 1e-9);
    this.low = span > 0 ? min : min - (this.width * HISTOGRAM_BINS) / 2;
    this.counts = new Float64Array(HISTOGRAM_BINS);
    for (const value of this.warmup) this.place(value);
    this.warmup.length = 0;
  }

  private place(value: number): void {
    const counts = this.counts!;
    for (let guard = 0; guard < 2100; guard++) {
      const bin = Math.floor((value - this.low) / this.width);
      if (bin >= 0 && bin < HISTOGRAM_BINS) {
        counts[bin]++;
        return;
      }
      if (!Number.isFinite(this.width * HISTOGRAM_BINS * 2)) return; // range beyond doubles: give up on this value
      if (bin < 0) {
        // Grow to the left: the old range becomes the right half.
        for (let k = HISTOGRAM_BINS - 1; k >= HISTOGRAM_BINS / 2; k--) {
          const from = 2 * k - HISTOGRAM_BINS;
          counts[k] = counts[from] + counts[from + 1];
        }
        counts.fill(0, 0, HISTOGRAM_BINS / 2);
        this.low -= this.width * HISTOGRAM_BINS;
      } else {
        for (let k = 0; k < HISTOGRAM_BINS / 2; k++) counts[k] = counts[2 * k] + counts[2 * k + 1];
        counts.fill(0, HISTOGRAM_BINS / 2);
      }
      this.width *= 2;
    }
  }

  result(): ColumnProfile['histogram'] {
    if (this.counts === undefined) {
      if (this.warmup.length === 0) return undefined;
      this.start();
    }
    const counts = this.counts!;
    let first = 0;
    let last = HISTOGRAM_BINS - 1;
    while (first < last && counts[first] === 0) first++;
    while (last > first && counts[last] === 0) last--;
    return {
      min: this.low + first * this.width,
      max: this.low + (last + 1) * this.width,
      counts: Array.from(counts.subarray(first, last + 1)),
    };
  }
}

class ColumnAccumulator {
  missing = 0;
  integers = 0;
  decimals = 0;
  leadingZeroIntegers = 0;
  booleans = 0;
  dates = 0;
  others = 0;
  // Welford moments of the numeric values.
  numericCount = 0;
  mean = 0;
  sumSquaredDeviations = 0;
  min = Infinity;
  max = -Infinity;
  readonly histogram = new AdaptiveHistogram();
  // Distinct values: numbers by value, text by (possibly shortened) string.
  readonly numberCounts = new Map<number, number>();
  readonly textCounts = new Map<string, number>();
  distinctCapped = false;
  /** First value that is not a number or missing, with its line: evidence for a mixed-type column. */
  firstOther: { line: number; text: string } | undefined;

  constructor(
    readonly name: string,
    private readonly distinctCap: number,
    private readonly histogramOn: boolean,
  ) {}

  addNumber(value: number): void {
    const n = ++this.numericCount;
    const delta = value - this.mean;
    this.mean += delta / n;
    this.sumSquaredDeviations += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.histogramOn) this.histogram.add(value);
    // Once capped, the counts serve nothing (a capped column is reported as text or numeric,
    // without top categories): skip the lookups.
    if (this.distinctCapped) return;
    const seen = this.numberCounts.get(value);
    if (seen !== undefined) this.numberCounts.set(value, seen + 1);
    else if (this.hasRoom()) this.numberCounts.set(value, 1);
  }

  addText(key: string): void {
    if (this.distinctCapped) return;
    const seen = this.textCounts.get(key);
    if (seen !== undefined) this.textCounts.set(key, seen + 1);
    else if (this.hasRoom()) this.textCounts.set(key, 1);
  }

  private hasRoom(): boolean {
    if (this.numberCounts.size + this.textCounts.size < this.distinctCap) return true;
    this.distinctCapped = true;
    return false;
  }

  profile(): ColumnProfile {
    const count = this.integers + this.decimals + this.booleans + this.dates + this.others;
    const distinct = this.numberCounts.size + this.textCounts.size;
    const type = this.inferType(count, distinct);
    const numeric = type === 'integer' || type === 'number';
    const profile: ColumnProfile = {
      name: this.name,
      type,
      count,
      missing: this.missing,
      distinct,
      distinctCapped: this.distinctCapped,
      min: numeric ? this.min : null,
      max: numeric ? this.max : null,
      mean: numeric ? this.mean : null,
      std:
        numeric && this.numericCount > 1
          ? Math.sqrt(this.sumSquaredDeviations / (this.numericCount - 1))
          : null,
    };
    if (numeric) profile.histogram = this.histogram.result();
    if (type === 'category' || type === 'boolean') profile.topCategories = this.topCategories();
    return profile;
  }

  private inferType(count: number, distinct: number): ColumnType {
    if (count === 0) return 'empty';
    // Numbers with a few values that are not (at most one in ten: a typo, a unit left in) are a
    // numeric column whose odd values are missing, as mixedTypeProblem tells the user, wherever
    // in the file they are (a sample that happens to hold one must not turn the column to text).
    if (isMostlyNumeric(this)) {
      // Leading zeros (ZIP 02210, account 007) mark identifiers: arithmetic on them is meaningless.
      if (this.leadingZeroIntegers > 0) return this.categoryOrText(count, distinct);
      return this.decimals === 0 ? 'integer' : 'number';
    }
    if (this.booleans === count) return 'boolean';
    if (this.dates === count) return 'date';
    return this.categoryOrText(count, distinct);
  }

  private categoryOrText(count: number, distinct: number): ColumnType {
    if (this.distinctCapped || distinct > MAX_CATEGORY_DISTINCT) return 'text';
    return distinct <= 20 || distinct * 2 <= count ? 'category' : 'text';
  }

  private topCategories(): { value: string; count: number }[] {
    const entries: { value: string; count: number }[] = [];
    for (const [value, count] of this.textCounts) entries.push({ value, count });
    for (const [value, count] of this.numberCounts) entries.push({ value: String(value), count });
    entries.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    return entries.slice(0, TOP_CATEGORIES);
  }
}

export function isValidIsoDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if (match[4] !== undefined && (Number(match[4]) > 23 || Number(match[5]) > 59)) return false;
  if (match[6] !== undefined && Number(match[6]) > 60) return false;
  return true;
}

/** Profile every column over the whole file, in one pass and bounded memory. */
export async function profileCsv(
  source: ByteChunks,
  options: ReadOptions & {
    /**
     * Only the types (and counts) are wanted: distinct values are counted only as far as type
     * inference needs, and there are no histograms. Several times cheaper on a column of floats.
     */
    typesOnly?: boolean;
  } = {},
): Promise<CsvProfile> {
  const reader = await CsvReader.open(source, options);
  try {
    const columnCount = reader.header.length;
    const distinctCap = Math.min(
      options.typesOnly ? TYPES_DISTINCT_CAP : DISTINCT_CAP,
      Math.max(100, Math.floor(DISTINCT_TOTAL_BUDGET / columnCount)),
    );
    const columns = reader.header.map(
      (name) => new ColumnAccumulator(name, distinctCap, options.typesOnly !== true),
    );
    const scanner = new NumberScanner();
    const tokenizer = reader.tokenizer;
    let rows = 0;
    for (;;) {
      const status = tokenizer.nextRow();
      if (status === NEED_MORE) {
        await reader.fill();
        continue;
      }
      if (status === END) break;
      if (!reader.acceptRowShape()) continue;
      rows++;
      const bytes = tokenizer.bytes;
      for (let c = 0; c < columnCount; c++) {
        const column = columns[c];
        const start = tokenizer.fieldStarts[c];
        const end = tokenizer.fieldEnds[c];
        if (start === end) {
          column.missing++;
        } else if (scanner.scan(bytes, start, end)) {
          if (scanner.isInteger) {
            column.integers++;
            if (scanner.hasLeadingZero) {
              column.leadingZeroIntegers++;
              column.addText(decodeField(bytes, start, end, tokenizer.fieldFlags[c]).trim());
              continue;
            }
          } else column.decimals++;
          column.addNumber(scanner.value);
        } else {
          const text = decodeField(bytes, start, end, tokenizer.fieldFlags[c]);
          if (column.firstOther === undefined && !MISSING_TOKENS.has(text.trim()) && text.trim() !== '') {
            column.firstOther = {
              line: tokenizer.rowLine,
              text: text.length > 40 ? `${text.slice(0, 40)}…` : text,
            };
          }
          addTextValue(column, text);
        }
      }
    }
    for (const column of columns) {
      const problem = mixedTypeProblem(column);
      if (problem) reader.addProblem(problem.line, problem.message);
    }
    return {
      rows,
      dialect: reader.dialect(),
      columns: columns.map((column) => column.profile()),
      skippedRows: reader.skippedRows,
      problems: [...reader.problems].sort((a, b) => a.line - b.line),
      bytes: reader.bytesRead,
    };
  } finally {
    await reader.close();
  }
}

/**
 * A column of numbers with a few values that are not (a typo, "n/a" spelled oddly, a unit left in):
 * they end up as missing when training, so say where they are. Mostly numeric: at least 90% of the
 * non-missing values parse as numbers.
 */
function mixedTypeProblem(column: ColumnAccumulator): { line: number; message: string } | undefined {
  const others = column.booleans + column.dates + column.others;
  if (others === 0 || !isMostlyNumeric(column) || column.firstOther === undefined) return undefined;
  const { line, text } = column.firstOther;
  return {
    line,
    message: `column "${column.name}" is numeric but ${others} value${others === 1 ? ' is' : 's are'} not a number (first: "${text}"); they count as missing when training`,
  };
}

/** At least 90% of the values that are not missing are numbers. */
function isMostlyNumeric(column: ColumnAccumulator): boolean {
  const numbers = column.integers + column.decimals;
  return numbers > 0 && numbers >= 9 * (column.booleans + column.dates + column.others);
}

function addTextValue(column: ColumnAccumulator, text: string): void {
  const trimmed = text.trim();
  if (trimmed === '' || MISSING_TOKENS.has(trimmed)) {
    column.missing++;
    return;
  }
  if (BOOLEAN_PATTERN.test(trimmed)) column.booleans++;
  else if (trimmed.length <= 35 && isValidIsoDate(trimmed)) column.dates++;
  else column.others++;
  column.addText(text.length <= MAX_KEY_CHARS ? text : shortKey(text));
}

/** A bounded key for a long string: its start, its length and a 32-bit hash of all of it. */
function shortKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${text.slice(0, MAX_KEY_CHARS - 16)}… (${text.length} chars, #${(hash >>> 0).toString(16)})`;
}
