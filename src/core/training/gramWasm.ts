// The normal equations' sums in WebAssembly (gram.wat: what it computes). This side keeps the
// rows given one at a time until a block is full, copies rows into the module's memory, and reads
// the sums back. Without WebAssembly, `create` returns undefined (closedForm.ts then sums in
// JavaScript).
import { alignUp, ensureMemory, instantiate, type WasmMemory } from '../wasm';
import { GRAM_WASM } from './gram.generated';

/** Rows given one at a time, kept until they are added as a block. */
const STAGED_ROWS = 256;

interface GramExports {
  memory: WasmMemory;
  accumulate(
    values: number,
    starts: number,
    count: number,
    features: number,
    aug: number,
    partial: number,
    total: number,
    paddedWidth: number,
    filled: number,
  ): number;
}

export interface GramTotals {
  gram: Float64Array;
  xty: Float64Array;
  columnSums: Float64Array;
  yty: number;
  sumY: number;
  rows: number;
}

export class WasmRowSums {
  /** Row width with the 1 of the bias, padded to whole pairs. */
  private readonly padded: number;
  private readonly augAddress = 0;
  private readonly partialAddress: number;
  private readonly totalAddress: number;
  private readonly inputAddress: number;
  private readonly staged: Float64Array;
  private readonly stagedStarts: Int32Array;
  private stagedCount = 0;
  /** Rows in the module's partial block sum, not yet in its total. */
  private filled = 0;

  private constructor(
    private readonly wasm: GramExports,
    private readonly features: number,
  ) {
    this.padded = (features + 2 + 1) & ~1;
    const matrixBytes = this.padded * this.padded * 8;
    this.partialAddress = alignUp(this.padded * 8, 16);
    this.totalAddress = alignUp(this.partialAddress + matrixBytes, 16);
    this.inputAddress = alignUp(this.totalAddress + matrixBytes, 16);
    const buffer = ensureMemory(wasm.memory, this.inputAddress);
    new Float64Array(buffer, this.augAddress, this.padded)[features + 1] = 1;
    this.staged = new Float64Array(STAGED_ROWS * (features + 1));
    this.stagedStarts = Int32Array.from({ length: STAGED_ROWS }, (_, k) => k * (features + 1));
  }

  static create(features: number): WasmRowSums | undefined {
    const exports = instantiate<GramExports>(GRAM_WASM);
    return exports ? new WasmRowSums(exports, features) : undefined;
  }

  add(row: ArrayLike<number>, offset: number, y: number): void {
    const width = this.features + 1;
    const at = this.stagedCount * width;
    for (let a = 0; a < this.features; a++) this.staged[at + a] = row[offset + a];
    this.staged[at + this.features] = y;
    if (++this.stagedCount === STAGED_ROWS) this.flushStaged();
  }

  addRows(values: Float64Array, rowStarts: Int32Array, count: number): void {
    this.flushStaged();
    if (count === 0) return;
    let end = 0;
    for (let k = 0; k < count; k++) end = Math.max(end, rowStarts[k]);
    this.accumulate(values.subarray(0, end + this.features + 1), rowStarts.subarray(0, count));
  }

  totals(): GramTotals {
    this.flushStaged();
    const { features, padded } = this;
    const buffer = this.wasm.memory.buffer;
    const total = new Float64Array(buffer, this.totalAddress, padded * padded);
    const partial = new Float64Array(buffer, this.partialAddress, padded * padded);
    // The block being filled counts too (it is added to the total only once whole).
    const at = (a: number, b: number) =>
      total[a * padded + b] + (this.filled > 0 ? partial[a * padded + b] : 0);
    const gram = new Float64Array(features * features);
    const xty = new Float64Array(features);
    const columnSums = new Float64Array(features);
    for (let a = 0; a < features; a++) {
      for (let b = a; b < features; b++) gram[a * features + b] = at(a, b);
      xty[a] = at(a, features);
      columnSums[a] = at(a, features + 1);
    }
    return {
      gram,
      xty,
      columnSums,
      yty: at(features, features),
      sumY: at(features, features + 1),
      rows: at(features + 1, features + 1),
    };
  }

  private flushStaged(): void {
    const count = this.stagedCount;
    if (count === 0) return;
    this.stagedCount = 0;
    this.accumulate(
      this.staged.subarray(0, count * (this.features + 1)),
      this.stagedStarts.subarray(0, count),
    );
  }

  /** Copies the rows and their starts into the module's memory and adds them. */
  private accumulate(values: Float64Array, starts: Int32Array): void {
    const startsAddress = this.inputAddress;
    const valuesAddress = alignUp(startsAddress + starts.length * 4, 16);
    const buffer = ensureMemory(this.wasm.memory, valuesAddress + values.length * 8);
    new Int32Array(buffer, startsAddress, starts.length).set(starts);
    new Float64Array(buffer, valuesAddress, values.length).set(values);
    this.filled = this.wasm.accumulate(
      valuesAddress,
      startsAddress,
      starts.length,
      this.features,
      this.augAddress,
      this.partialAddress,
      this.totalAddress,
      this.padded,
      this.filled,
    );
  }
}
