// The reference optimum: ordinary least squares by the normal equations, in float64 JavaScript
// (deliberately outside tfjs: it is the yardstick the tfjs training is measured against).
import { WasmRowSums, type GramTotals } from './gramWasm';

/** Rows gathered before they are added to the normal equations: 16 columns of them stay in cache. */
const BLOCK_ROWS = 256;

export interface LeastSquaresSolution {
  weights: number[];
  bias: number;
  /** Mean squared error of the solution on the same data (target units²). */
  mse: number;
  /** The same in the training loss's convention, J = MSE / 2. */
  loss: number;
}

/** What the rows add up to, whatever the bias: XᵀX (upper triangle), Xᵀy, yᵀy, Σx, Σy, n. */
type RowSums = GramTotals;

/** Accumulates rows (the features, then the target) into their sums. */
interface RowSink {
  add(row: ArrayLike<number>, offset: number, y: number): void;
  addRows(values: Float64Array, rowStarts: Int32Array, count: number): void;
  totals(): RowSums;
}

/**
 * Sums of the normal equations, accumulated row by row: `gram = Σ x̃ x̃ᵀ`, `xty = Σ x̃ y`, where
 * x̃ is the row with a trailing 1 when `bias` is on. Lets a stream compute the optimum (and the
 * exact MSE of any weights) without keeping the rows.
 *
 * The sums run in WebAssembly (gram.wat: two products per instruction; ~1.8× the JavaScript below
 * on 1M × 16 streamed rows) where it compiles, else in JavaScript (`JsRowSums`); a test holds the
 * two together.
 * Every reader sees the rows not yet added.
 */
export class NormalEquations {
  readonly size: number;
  private readonly sink: RowSink;

  constructor(
    readonly features: number,
    readonly bias: boolean,
    engine: 'wasm' | 'js' = 'wasm',
  ) {
    this.size = features + (bias ? 1 : 0);
    this.sink = (engine === 'wasm' ? WasmRowSums.create(features) : undefined) ?? new JsRowSums(features);
  }

  /** `row` holds the features (length `features`) from `offset`; the bias column is implied. */
  add(row: ArrayLike<number>, offset: number, y: number): void {
    this.sink.add(row, offset, y);
  }

  /** `count` rows of `values`, row `i` starting at `rowStarts[i]` with the features then the target. */
  addRows(values: Float64Array, rowStarts: Int32Array, count: number): void {
    this.sink.addRows(values, rowStarts, count);
  }

  /** The sums so far (upper triangle of `gram`, `size` × `size`). */
  sums(): { gram: Float64Array; xty: Float64Array; yty: number; sumY: number; rows: number } {
    const totals = this.sink.totals();
    const { size, features } = this;
    const gram = new Float64Array(size * size);
    const xty = new Float64Array(size);
    for (let a = 0; a < features; a++) {
      for (let b = a; b < features; b++) gram[a * size + b] = totals.gram[a * features + b];
      xty[a] = totals.xty[a];
    }
    if (this.bias) {
      for (let a = 0; a < features; a++) gram[a * size + features] = totals.columnSums[a];
      gram[features * size + features] = totals.rows;
      xty[features] = totals.sumY;
    }
    return { gram, xty, yty: totals.yty, sumY: totals.sumY, rows: totals.rows };
  }

  /** Σ (w·x̃ − y)² / n for given weights (bias last when on), exact in float64. */
  meanSquaredError(weights: ArrayLike<number>): number {
    return squaredErrorOf(this.sums(), this.size, weights);
  }

  solve(): LeastSquaresSolution {
    const sums = this.sums();
    const { size, features } = this;
    const full = new Float64Array(size * size);
    for (let a = 0; a < size; a++)
      for (let b = a; b < size; b++) full[a * size + b] = full[b * size + a] = sums.gram[a * size + b];
    const solution = solveSymmetric(full, Float64Array.from(sums.xty), size);
    const mse = squaredErrorOf(sums, size, solution);
    return {
      weights: Array.from(solution.subarray(0, features)),
      bias: this.bias ? solution[features] : 0,
      mse,
      loss: mse / 2,
    };
  }
}

function squaredErrorOf(
  sums: { gram: Float64Array; xty: Float64Array; yty: number; rows: number },
  size: number,
  weights: ArrayLike<number>,
): number {
  const { gram, xty } = sums;
  let quad = 0;
  let lin = 0;
  for (let a = 0; a < size; a++) {
    lin += weights[a] * xty[a];
    quad += weights[a] * weights[a] * gram[a * size + a];
    for (let b = a + 1; b < size; b++) quad += 2 * weights[a] * weights[b] * gram[a * size + b];
  }
  return Math.max(0, (quad - 2 * lin + sums.yty) / Math.max(1, sums.rows));
}

/**
 * The sums in JavaScript. Rows are gathered by column, BLOCK_ROWS at a time, and added as sums of
 * products of whole columns: the accumulators stay in registers, where adding row by row reads and
 * writes the Gram matrix for every product (2.5× faster here).
 */
class JsRowSums implements RowSink {
  private readonly gram: Float64Array;
  private readonly xty: Float64Array;
  private readonly columnSums: Float64Array;
  private yty = 0;
  private sumY = 0;
  private rows = 0;
  /** Rows not yet in the sums: feature `a` of pending row `k` at `block[a * BLOCK_ROWS + k]`. */
  private readonly block: Float64Array;
  private readonly blockY = new Float64Array(BLOCK_ROWS);
  private pending = 0;

  constructor(private readonly features: number) {
    this.gram = new Float64Array(features * features);
    this.xty = new Float64Array(features);
    this.columnSums = new Float64Array(features);
    this.block = new Float64Array(features * BLOCK_ROWS);
  }

  add(row: ArrayLike<number>, offset: number, y: number): void {
    const { block, features } = this;
    const k = this.pending;
    for (let a = 0; a < features; a++) block[a * BLOCK_ROWS + k] = row[offset + a];
    this.blockY[k] = y;
    if (++this.pending === BLOCK_ROWS) this.flush();
  }

  addRows(values: Float64Array, rowStarts: Int32Array, count: number): void {
    const { block, blockY, features } = this;
    for (let done = 0; done < count;) {
      const first = this.pending;
      const n = Math.min(BLOCK_ROWS - first, count - done);
      for (let a = 0; a < features; a++) {
        const column = a * BLOCK_ROWS + first;
        for (let i = 0; i < n; i++) block[column + i] = values[rowStarts[done + i] + a];
      }
      for (let i = 0; i < n; i++) blockY[first + i] = values[rowStarts[done + i] + features];
      done += n;
      this.pending += n;
      if (this.pending === BLOCK_ROWS) this.flush();
    }
  }

  totals(): RowSums {
    this.flush();
    const { gram, xty, columnSums, yty, sumY, rows } = this;
    return { gram, xty, columnSums, yty, sumY, rows };
  }

  private flush(): void {
    const count = this.pending;
    if (count === 0) return;
    this.pending = 0;
    const { gram, xty, features, block, blockY } = this;
    // The upper triangle two rows by two columns at a time: four sums per pass over four columns.
    for (let a = 0; a < features; a += 2) {
      const pairA = a + 1 < features;
      for (let b = a; b < features; b += 2) {
        const pairB = b + 1 < features;
        if (pairA && pairB) addBlock2x2(gram, features, a, b, block, BLOCK_ROWS, count);
        else
          for (let i = a; i <= (pairA ? a + 1 : a); i++)
            for (let j = Math.max(b, i); j <= (pairB ? b + 1 : b); j++)
              gram[i * features + j] += dot(block, i * BLOCK_ROWS, block, j * BLOCK_ROWS, count);
      }
    }
    for (let a = 0; a < features; a++) {
      const offsetA = a * BLOCK_ROWS;
      xty[a] += dot(block, offsetA, blockY, 0, count);
      this.columnSums[a] += sum(block, offsetA, count);
    }
    this.yty += dot(blockY, 0, blockY, 0, count);
    this.sumY += sum(blockY, 0, count);
    this.rows += count;
  }
}

/**
 * Least squares on a row-major design matrix `x` (rows × cols) and target `y`, with or without an
 * intercept. The MSE is recomputed from residuals rather than from the Gram sums, to avoid
 * cancellation when the target is large compared with the noise.
 */
export function closedFormLeastSquares(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  options: { bias: boolean },
): LeastSquaresSolution {
  const equations = new NormalEquations(cols, options.bias);
  for (let r = 0; r < rows; r++) equations.add(x, r * cols, y[r]);
  const solved = equations.solve();
  let sse = 0;
  for (let r = 0; r < rows; r++) {
    let prediction = solved.bias;
    for (let c = 0; c < cols; c++) prediction += solved.weights[c] * x[r * cols + c];
    sse += (prediction - y[r]) ** 2;
  }
  const mse = sse / Math.max(1, rows);
  return { ...solved, mse, loss: mse / 2 };
}

/** gram[a..a+1][b..b+1] += the column products (upper triangle only: on the diagonal, a+1 × a is skipped). */
function addBlock2x2(
  gram: Float64Array,
  size: number,
  a: number,
  b: number,
  columns: Float64Array,
  stride: number,
  count: number,
): void {
  const a0 = a * stride;
  const a1 = a0 + stride;
  const b0 = b * stride;
  const b1 = b0 + stride;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  for (let i = 0; i < count; i++) {
    const xa0 = columns[a0 + i];
    const xa1 = columns[a1 + i];
    const xb0 = columns[b0 + i];
    const xb1 = columns[b1 + i];
    s00 += xa0 * xb0;
    s01 += xa0 * xb1;
    s10 += xa1 * xb0;
    s11 += xa1 * xb1;
  }
  gram[a * size + b] += s00;
  gram[a * size + b + 1] += s01;
  if (a !== b) gram[(a + 1) * size + b] += s10;
  gram[(a + 1) * size + b + 1] += s11;
}

/**
 * Σ a[i]·b[i] over `count` elements from the given offsets; four accumulators break the add chain.
 * Not the kernels' `dot` (dot.ts): that one reads float32 rows, and one function given both array
 * types would make V8's element reads polymorphic in the kernels' hottest loop.
 */
function dot(a: Float64Array, offsetA: number, b: Float64Array, offsetB: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    s0 += a[offsetA + i] * b[offsetB + i];
    s1 += a[offsetA + i + 1] * b[offsetB + i + 1];
    s2 += a[offsetA + i + 2] * b[offsetB + i + 2];
    s3 += a[offsetA + i + 3] * b[offsetB + i + 3];
  }
  for (; i < count; i++) s0 += a[offsetA + i] * b[offsetB + i];
  return s0 + s1 + (s2 + s3);
}

function sum(a: Float64Array, offset: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < count; i += 2) {
    s0 += a[offset + i];
    s1 += a[offset + i + 1];
  }
  if (i < count) s0 += a[offset + i];
  return s0 + s1;
}

/** Gaussian elimination with partial pivoting; a tiny ridge keeps singular systems solvable. */
function solveSymmetric(matrix: Float64Array, rhs: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(matrix[i * n + i]);
  const ridge = (trace / Math.max(1, n)) * 1e-12;
  for (let i = 0; i < n; i++) matrix[i * n + i] += ridge;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(matrix[r * n + col]) > Math.abs(matrix[pivot * n + col])) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const t = matrix[col * n + c];
        matrix[col * n + c] = matrix[pivot * n + c];
        matrix[pivot * n + c] = t;
      }
      const t = rhs[col];
      rhs[col] = rhs[pivot];
      rhs[pivot] = t;
    }
    const diagonal = matrix[col * n + col];
    if (diagonal === 0) continue;
    for (let r = col + 1; r < n; r++) {
      const factor = matrix[r * n + col] / diagonal;
      if (factor === 0) continue;
      for (let c = col; c < n; c++) matrix[r * n + c] -= factor * matrix[col * n + c];
      rhs[r] -= factor * rhs[col];
    }
  }
  const solution = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let sum = rhs[r];
    for (let c = r + 1; c < n; c++) sum -= matrix[r * n + c] * solution[c];
    const diagonal = matrix[r * n + r];
    solution[r] = diagonal === 0 ? 0 : sum / diagonal;
  }
  return solution;
}
