// Online SGD for squared loss in WebAssembly (onlineSgd.wat: why, and what it computes). This side
// places the weights and a step's rows in the module's memory, runs it, and copies the weights and
// sums back. Without WebAssembly, `create` returns undefined and `sgdRows` keeps its JavaScript loop.
import { alignUp, ensureMemory, instantiate, type WasmMemory } from '../wasm';
import { ONLINE_SGD_WASM } from './onlineSgd.generated';

interface OnlineSgdExports {
  memory: WasmMemory;
  squared(
    data: number,
    count: number,
    p: number,
    w: number,
    last: number,
    bias: number,
    learningRate: number,
    scoring: number,
    rowLoss: number,
    rowY: number,
    sums: number,
    phase: number,
  ): number;
  diverged: { value: number };
}

/** What one call did: the rows learnt, and each scored row's squared error and y (views, valid until the next call). */
export interface SquaredSgdResult {
  rows: number;
  diverged: boolean;
  rowLoss: Float64Array;
  rowY: Float64Array;
}

export class WasmSquaredSgd {
  private constructor(private readonly wasm: OnlineSgdExports) {}

  static create(): WasmSquaredSgd | undefined {
    const exports = instantiate<OnlineSgdExports>(ONLINE_SGD_WASM);
    return exports ? new WasmSquaredSgd(exports) : undefined;
  }

  /**
   * Learns `count` rows of `data` (p + 1 float32 each: features, then the target). `weights` and
   * `lastFinite` (p + 1 each) and `sums` ([Σ loss, Σ squared error, Σ y, Σ y²]) are updated in
   * place; `phase` is the rows seen before modulo 256 (when the run is checked).
   */
  run(
    weights: Float64Array,
    lastFinite: Float64Array,
    sums: Float64Array,
    data: Float32Array,
    count: number,
    bias: boolean,
    learningRate: number,
    scoring: boolean,
    phase: number,
  ): SquaredSgdResult {
    const size = weights.length;
    const p = size - 1;
    const w = 0;
    const last = alignUp(size * 8, 16);
    const sumsAt = last + alignUp(size * 8, 16);
    const rowLoss = sumsAt + 32;
    const rowY = rowLoss + count * 8;
    const rows = rowY + count * 8;
    const buffer = ensureMemory(this.wasm.memory, rows + count * size * 4);
    new Float64Array(buffer, w, size).set(weights);
    new Float64Array(buffer, last, size).set(lastFinite);
    new Float64Array(buffer, sumsAt, 4).set(sums);
    new Float32Array(buffer, rows, count * size).set(data.subarray(0, count * size));
    const learnt = this.wasm.squared(
      rows,
      count,
      p,
      w,
      last,
      bias ? 1 : 0,
      learningRate,
      scoring ? 1 : 0,
      rowLoss,
      rowY,
      sumsAt,
      phase,
    );
    weights.set(new Float64Array(buffer, w, size));
    lastFinite.set(new Float64Array(buffer, last, size));
    sums.set(new Float64Array(buffer, sumsAt, 4));
    return {
      rows: learnt,
      diverged: this.wasm.diverged.value === 1,
      rowLoss: new Float64Array(buffer, rowLoss, learnt),
      rowY: new Float64Array(buffer, rowY, learnt),
    };
  }
}
