/**
 * Append-only numeric storage in fixed-size typed-array chunks.
 *
 * Why chunks rather than one array that doubles: doubling copies everything it holds, and at a
 * million points one copy of four arrays stalls the webview's thread for 100 ms or more on a slow
 * machine — the training loop shares that thread. A new chunk costs the same at any length, so an
 * append of n points is O(n) in the worst case, not just amortised.
 */
export interface IndexedValues {
  get(index: number): number;
}

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

export class ChunkedArray implements IndexedValues {
  private readonly chunks: (Float64Array | Float32Array)[] = [];
  private used = 0;

  constructor(private readonly precision: 'float64' | 'float32') {}

  get length(): number {
    return this.used;
  }

  /** Values the allocated chunks can hold. */
  get capacity(): number {
    return this.chunks.length * CHUNK_SIZE;
  }

  get(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]![index & CHUNK_MASK]!;
  }

  set(index: number, value: number): void {
    this.chunks[index >>> CHUNK_BITS]![index & CHUNK_MASK] = value;
  }

  /** Makes room for `extra` more values (zero until set) and returns the index where they start. */
  extend(extra: number): number {
    const start = this.used;
    this.used += extra;
    while (this.chunks.length * CHUNK_SIZE < this.used) {
      this.chunks.push(
        this.precision === 'float64' ? new Float64Array(CHUNK_SIZE) : new Float32Array(CHUNK_SIZE),
      );
    }
    return start;
  }

  /** Appends values[0, n) with native copies, one per chunk touched. */
  push(values: ArrayLike<number>, n = values.length): number {
    const start = this.extend(n);
    let done = 0;
    while (done < n) {
      const at = start + done;
      const offset = at & CHUNK_MASK;
      const count = Math.min(n - done, CHUNK_SIZE - offset);
      const chunk = this.chunks[at >>> CHUNK_BITS]!;
      if (ArrayBuffer.isView(values)) {
        chunk.set((values as unknown as Float64Array).subarray(done, done + count), offset);
      } else {
        for (let j = 0; j < count; j++) chunk[offset + j] = values[done + j]!;
      }
      done += count;
    }
    return start;
  }

  /** Forgets every value; the chunks are dropped too, so a cleared chart gives its memory back. */
  clear(): void {
    this.chunks.length = 0;
    this.used = 0;
  }
}
