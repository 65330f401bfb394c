/**
 * Per-pixel min/max decimation for streaming series.
 *
 * A MinMaxPyramid keeps, for each level k, the min, max and smallest positive value of every
 * aligned block of FANOUT^(k+1) points. Appending updates only the blocks the new points touch
 * (O(new points) amortised), and `decimateToColumns` then covers any x range with whole blocks
 * that each fall inside one pixel column, so a frame costs O(columns · levels), not O(points).
 * This module is DOM-free so that it can be unit-tested in Node.
 */
import { ChunkedArray, type IndexedValues } from './growable';

export const FANOUT = 8;
const SHIFT = 3; // log2(FANOUT)

class PyramidLevel {
  readonly min = new ChunkedArray('float32');
  readonly max = new ChunkedArray('float32');
  /** Smallest value > 0, or +Infinity: what a log scale can draw. */
  readonly minPositive = new ChunkedArray('float32');
  /** Sum and count of the finite values, for per-column means (the smoothed line). */
  readonly sum = new ChunkedArray('float64');
  readonly count = new ChunkedArray('float64');
}

export class MinMaxPyramid {
  private readonly levels: PyramidLevel[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  get depth(): number {
    return this.levels.length;
  }

  /** Block size, in points, of level k. */
  static blockSize(level: number): number {
    return 1 << (SHIFT * (level + 1));
  }

  /**
   * Takes note of values[from, to) — the caller has already appended them to its own array, which
   * the pyramid never copies. Non-finite values are ignored.
   */
  append(values: IndexedValues, from: number, to: number): void {
    if (to <= from) return;
    this.count = to;
    // Level 0 from the raw values: only blocks that hold new points are recomputed.
    let firstBlock = from >> SHIFT;
    let lastBlock = (to - 1) >> SHIFT;
    let level = this.level(0);
    this.ensure(level, lastBlock + 1);
    for (let b = firstBlock; b <= lastBlock; b++) {
      const start = b << SHIFT;
      const end = Math.min(to, start + FANOUT);
      let lo = Infinity;
      let hi = -Infinity;
      let pos = Infinity;
      let sum = 0;
      let count = 0;
      for (let i = start; i < end; i++) {
        const v = values.get(i);
        // A diverged step (±Infinity, NaN) must not stretch the y axis to infinity.
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (v > 0 && v < pos) pos = v;
        sum += v;
        count++;
      }
      level.min.set(b, lo);
      level.max.set(b, hi);
      level.minPositive.set(b, pos);
      level.sum.set(b, sum);
      level.count.set(b, count);
    }
    // Each higher level from the one below, while the series is long enough to need it.
    let childCount = lastBlock + 1;
    for (let k = 1; childCount > 1; k++) {
      const child = level;
      firstBlock >>= SHIFT;
      lastBlock >>= SHIFT;
      level = this.level(k);
      this.ensure(level, lastBlock + 1);
      for (let b = firstBlock; b <= lastBlock; b++) {
        const start = b << SHIFT;
        const end = Math.min(childCount, start + FANOUT);
        let lo = Infinity;
        let hi = -Infinity;
        let pos = Infinity;
        let sum = 0;
        let count = 0;
        for (let c = start; c < end; c++) {
          lo = Math.min(lo, child.min.get(c));
          hi = Math.max(hi, child.max.get(c));
          pos = Math.min(pos, child.minPositive.get(c));
          sum += child.sum.get(c);
          count += child.count.get(c);
        }
        level.min.set(b, lo);
        level.max.set(b, hi);
        level.minPositive.set(b, pos);
        level.sum.set(b, sum);
        level.count.set(b, count);
      }
      childCount = lastBlock + 1;
    }
  }

  clear(): void {
    this.levels.length = 0;
    this.count = 0;
  }

  /** Statistics of block b at level k (the block must lie within the appended points). */
  block(level: number, b: number, out: BlockStats): BlockStats {
    const l = this.levels[level]!;
    out.min = l.min.get(b);
    out.max = l.max.get(b);
    out.minPositive = l.minPositive.get(b);
    out.sum = l.sum.get(b);
    out.count = l.count.get(b);
    return out;
  }

  private level(k: number): PyramidLevel {
    while (this.levels.length <= k) this.levels.push(new PyramidLevel());
    return this.levels[k]!;
  }

  private ensure(level: PyramidLevel, blocks: number): void {
    const extra = blocks - level.min.length;
    if (extra > 0) {
      level.min.extend(extra);
      level.max.extend(extra);
      level.minPositive.extend(extra);
      level.sum.extend(extra);
      level.count.extend(extra);
    }
  }
}

export interface BlockStats {
  min: number;
  max: number;
  minPositive: number;
  sum: number;
  count: number;
}

/** Per pixel column: the first, last, lowest and highest value drawn there (NaN when empty). */
export class ColumnBuffer {
  first = new Float64Array(0);
  last = new Float64Array(0);
  min = new Float64Array(0);
  max = new Float64Array(0);
  /** Sum and count of the column's finite values: its mean draws a trend line cheaply. */
  sum = new Float64Array(0);
  count = new Float64Array(0);
  /** Indices of the nearest points just outside the range, so lines can run to the plot edges. */
  before = -1;
  after = -1;
  /** Points inside the x range. */
  pointCount = 0;

  reset(columns: number): void {
    if (this.first.length !== columns) {
      this.first = new Float64Array(columns);
      this.last = new Float64Array(columns);
      this.min = new Float64Array(columns);
      this.max = new Float64Array(columns);
      this.sum = new Float64Array(columns);
      this.count = new Float64Array(columns);
    }
    this.first.fill(NaN);
    this.last.fill(NaN);
    this.min.fill(NaN);
    this.max.fill(NaN);
    this.sum.fill(0);
    this.count.fill(0);
    this.before = -1;
    this.after = -1;
    this.pointCount = 0;
  }
}

export interface DecimateRequest {
  /** Non-decreasing x values, at least `length` of them. */
  xs: IndexedValues;
  ys: IndexedValues;
  length: number;
  pyramid: MinMaxPyramid;
  x0: number;
  x1: number;
  columns: number;
  /** Log scale: values ≤ 0 cannot be drawn and are skipped. */
  positiveOnly: boolean;
}

/** First index i with xs[i] >= x (xs non-decreasing). */
export function lowerBound(xs: IndexedValues, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs.get(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with xs[i] > x (xs non-decreasing). */
export function upperBound(xs: IndexedValues, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs.get(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const scratch: BlockStats = { min: 0, max: 0, minPositive: 0, sum: 0, count: 0 };

/**
 * Reduces the points with x in [x0, x1] to per-column first/last/min/max. Whole pyramid blocks are
 * used wherever a block's first and last point land in the same column, so the result is exactly
 * what a per-point scan would give, at a cost of O(columns · FANOUT · levels).
 */
export function decimateToColumns(req: DecimateRequest, out: ColumnBuffer): ColumnBuffer {
  const { xs, ys, length, pyramid, x0, x1, columns, positiveOnly } = req;
  out.reset(columns);
  if (length === 0 || columns <= 0 || !(x1 > x0)) return out;
  const lo = lowerBound(xs, length, x0);
  const hi = upperBound(xs, length, x1);
  out.before = lo > 0 ? lo - 1 : -1;
  out.after = hi < length ? hi : -1;
  out.pointCount = hi - lo;
  if (hi <= lo) return out;

  const scale = columns / (x1 - x0);
  const column = (x: number): number => {
    const c = Math.floor((x - x0) * scale);
    return c < 0 ? 0 : c >= columns ? columns - 1 : c;
  };
  // The coarsest level worth trying: blocks no bigger than the average points per column.
  const perColumn = (hi - lo) / columns;
  let top = -1;
  while (top + 1 < pyramid.depth && MinMaxPyramid.blockSize(top + 1) <= perColumn) top++;

  const { first, last, min, max, sum, count } = out;
  let i = lo;
  while (i < hi) {
    const c = column(xs.get(i));
    let used = false;
    for (let k = top; k >= 0; k--) {
      const size = MinMaxPyramid.blockSize(k);
      if ((i & (size - 1)) !== 0 || i + size > hi) continue;
      const end = i + size - 1;
      if (column(xs.get(end)) !== c) continue;
      pyramid.block(k, i / size, scratch);
      const blockMin = positiveOnly ? scratch.minPositive : scratch.min;
      if (blockMin <= scratch.max && (!positiveOnly || scratch.max > 0)) {
        const yFirst = ys.get(i);
        const yLast = ys.get(end);
        // A block's first/last value may be one a log scale cannot draw; its extremes stand in.
        const f = usable(yFirst, positiveOnly) ? yFirst : blockMin;
        const l = usable(yLast, positiveOnly) ? yLast : scratch.max;
        if (Number.isNaN(first[c]!)) first[c] = f;
        last[c] = l;
        if (!(min[c]! <= blockMin)) min[c] = blockMin;
        if (!(max[c]! >= scratch.max)) max[c] = scratch.max;
        // On a log scale the block's sum still includes any values ≤ 0: the mean is approximate
        // there, which only matters for a curve that touches zero.
        sum[c] += scratch.sum;
        count[c] += scratch.count;
      }
      i += size;
      used = true;
      break;
    }
    if (used) continue;
    const y = ys.get(i);
    if (usable(y, positiveOnly)) {
      if (Number.isNaN(first[c]!)) first[c] = y;
      last[c] = y;
      if (!(min[c]! <= y)) min[c] = y;
      if (!(max[c]! >= y)) max[c] = y;
      sum[c] += y;
      count[c]++;
    }
    i++;
  }
  return out;
}

function usable(y: number, positiveOnly: boolean): boolean {
  return positiveOnly ? y > 0 && y < Infinity : Number.isFinite(y);
}
