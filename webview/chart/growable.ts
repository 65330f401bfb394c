/**
 * A typed array that doubles its capacity when full, so that appending n values costs O(n)
 * amortised and the chart never holds a JS array of boxed numbers.
 */
export class GrowableArray<T extends Float64Array | Float32Array> {
  private buffer: T;
  private used = 0;

  constructor(
    private readonly make: (capacity: number) => T,
    initialCapacity = 1024,
  ) {
    this.buffer = make(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.used;
  }

  /** The live backing store; valid indices are [0, length). Re-read after every append. */
  get data(): T {
    return this.buffer;
  }

  /** Makes room for `extra` more values and returns the index where they start. */
  extend(extra: number): number {
    const start = this.used;
    const needed = start + extra;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length;
      while (capacity < needed) capacity *= 2;
      const bigger = this.make(capacity);
      bigger.set(this.buffer.subarray(0, start));
      this.buffer = bigger;
    }
    this.used = needed;
    return start;
  }

  truncate(length: number): void {
    this.used = Math.max(0, Math.min(this.used, length));
  }
}

export const float64 = (n: number): Float64Array => new Float64Array(n);
export const float32 = (n: number): Float32Array => new Float32Array(n);
