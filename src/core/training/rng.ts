// Seeded randomness for everything that must be reproducible: shuffles, the validation split and
// MLP weights. tfjs initialisers ignore seeds in places (tfjs#7104), so weights are drawn here.

/** mulberry32: small, fast, and the same sequence on every platform for the same seed. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.next();
    while (u <= Number.MIN_VALUE) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher–Yates, in place. */
  shuffle<T extends { length: number; [i: number]: number }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }
}

export function seededPermutation(n: number, rng: SeededRandom): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return rng.shuffle(order);
}

/** Bytes per bucket of `shuffleRows`: small enough that a bucket's rows stay in cache. */
const SHUFFLE_BUCKET_BYTES = 256 * 1024;

/**
 * Writes the rows of `x` (rows × columns) and `y` (rows × targetWidth) into `outX`/`outY` in a
 * uniformly random order (Sanders' two-phase shuffle): each row goes to a random bucket, written
 * sequentially per bucket, then each bucket is Fisher–Yates shuffled in place. A random bucket per
 * row and a uniform shuffle within buckets give a uniform permutation, with memory traffic that
 * stays sequential — a row-by-row random gather of a large matrix is bound by cache and TLB misses.
 */
export function shuffleRows(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  columns: number,
  targetWidth: number,
  outX: Float32Array,
  outY: Float32Array,
  rng: SeededRandom,
): void {
  const starts = scatterToBuckets(x, y, rows, columns, targetWidth, outX, outY, rng);
  for (let b = 0; b + 1 < starts.length; b++) {
    const first = starts[b];
    for (let i = starts[b + 1] - 1; i > first; i--) {
      const j = first + rng.nextInt(i - first + 1);
      if (j !== i) swapRows(outX, outY, i, j, columns, targetWidth);
    }
  }
}

/**
 * The same kind of shuffle done in place, its second phase left as an order: the rows of `x`/`y`
 * are moved to their random buckets by swaps (an in-place distribution, as American flag sort
 * does: each swap puts one row in its bucket for good), and `order` lists each bucket's rows in a
 * uniformly random order, so that row `order[k]` of `x` is the epoch's row `k`. A random bucket
 * per row and a uniform order within buckets still give a uniform permutation. No second matrix:
 * its first writes cost more than the shuffle (fresh pages, some 3 ms a megabyte on the machines
 * measured: 0.2 s for 1M × 16), and the peak memory of a batch run is one copy of the data lower.
 * `bucketOf` (`rows` long) is scratch, reused across epochs for the same reason.
 */
export function shuffleRowsInPlaceToOrder(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  columns: number,
  targetWidth: number,
  order: Int32Array,
  bucketOf: Uint32Array,
  rng: SeededRandom,
): void {
  const starts = randomBuckets(rows, bucketCount(rows, columns, targetWidth), bucketOf, rng);
  distributeToBuckets(x, y, starts, columns, targetWidth, bucketOf);
  orderWithinBuckets(order, starts, rng);
}

// Each loop of the shuffle is a function of its own: V8 optimises a long loop while it runs, and
// code after it that has not run yet sends the call back to the interpreter (1M × 16: 51-53 ms a
// shuffle instead of 55-60 here).

/** Moves each row of `x`/`y` to its bucket (`bucketOf`, which ends up sorted), by swaps. */
function distributeToBuckets(
  x: Float32Array,
  y: Float32Array,
  starts: Uint32Array,
  columns: number,
  targetWidth: number,
  bucketOf: Uint32Array,
): void {
  const buckets = starts.length - 1;
  // next[b]: the first row of bucket b's range not yet known to belong there.
  const next = starts.slice(0, buckets);
  for (let b = 0; b < buckets; b++) {
    const end = starts[b + 1];
    for (let r = next[b]; r < end; r = next[b]) {
      const home = bucketOf[r];
      if (home === b) {
        next[b] = r + 1;
        continue;
      }
      const to = next[home]++;
      bucketOf[r] = bucketOf[to];
      bucketOf[to] = home;
      swapRows(x, y, r, to, columns, targetWidth);
    }
  }
}

/** `order` = each bucket's positions in a uniformly random order (Fisher–Yates per bucket). */
function orderWithinBuckets(order: Int32Array, starts: Uint32Array, rng: SeededRandom): void {
  for (let i = 0, rows = starts[starts.length - 1]; i < rows; i++) order[i] = i;
  for (let b = 0; b + 1 < starts.length; b++) {
    const first = starts[b];
    for (let i = starts[b + 1] - 1; i > first; i--) {
      const j = first + rng.nextInt(i - first + 1);
      const spare = order[i];
      order[i] = order[j];
      order[j] = spare;
    }
  }
}

/** A random bucket per row into `bucketOf`; returns where each bucket starts (and the end). */
function randomBuckets(rows: number, buckets: number, bucketOf: Uint32Array, rng: SeededRandom): Uint32Array {
  const starts = new Uint32Array(buckets + 1);
  for (let r = 0; r < rows; r++) {
    const bucket = rng.nextInt(buckets);
    bucketOf[r] = bucket;
    starts[bucket + 1]++;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
  return starts;
}

/** Swaps rows `i` and `j` of `x` and `y` (plain loops: a subarray view per swap allocates). */
function swapRows(
  x: Float32Array,
  y: Float32Array,
  i: number,
  j: number,
  columns: number,
  targetWidth: number,
): void {
  for (let c = 0, a = i * columns, b = j * columns; c < columns; c++) {
    const spare = x[a + c];
    x[a + c] = x[b + c];
    x[b + c] = spare;
  }
  for (let k = 0, a = i * targetWidth, b = j * targetWidth; k < targetWidth; k++) {
    const spare = y[a + k];
    y[a + k] = y[b + k];
    y[b + k] = spare;
  }
}

/** Buckets of SHUFFLE_BUCKET_BYTES for rows × (columns + targetWidth) float32 values. */
function bucketCount(rows: number, columns: number, targetWidth: number): number {
  return Math.max(1, Math.min(65536, Math.ceil((rows * (columns + targetWidth) * 4) / SHUFFLE_BUCKET_BYTES)));
}

/** Phase one: every row to a random bucket, buckets laid out one after another. Returns their starts. */
function scatterToBuckets(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  columns: number,
  targetWidth: number,
  outX: Float32Array,
  outY: Float32Array,
  rng: SeededRandom,
): Uint32Array {
  const bucketOf = new Uint32Array(rows);
  const starts = randomBuckets(rows, bucketCount(rows, columns, targetWidth), bucketOf, rng);
  const cursor = starts.slice(0, starts.length - 1);
  for (let r = 0; r < rows; r++) {
    const to = cursor[bucketOf[r]]++;
    const from = r * columns;
    const at = to * columns;
    for (let c = 0; c < columns; c++) outX[at + c] = x[from + c];
    for (let k = 0; k < targetWidth; k++) outY[to * targetWidth + k] = y[r * targetWidth + k];
  }
  return starts;
}
