// The fused online kernel: one tfjs kernel call per chunk runs, for every row in stream order,
// predict → score (progressive validation) → one gradient update. Registered with tfjs for the
// cpu, wasm and webgl backend names and invoked through `tf.engine().runKernel`, so the training
// math stays inside tfjs's kernel registry while avoiding per-sample op dispatch (which caps
// generic tfjs ops at tens of thousands of samples/s). No allocation per step; the loss is
// checked for finiteness every DIVERGENCE_CHECK_ROWS rows.
import * as tf from '@tensorflow/tfjs-core';
import { readInPlace } from './batchKernel';
import { dot } from './dot';
import { PROBABILITY_EPSILON, RollingWindow } from './metrics';
import { WasmSquaredSgd } from './onlineSgdWasm';
import type { LossKind } from './task';
import type { OptimizerName } from './types';

export const ONLINE_GLM_KERNEL = 'CsvTrainerOnlineGlmChunk';
/** Rows between checks for divergence (onlineSgd.wat has the same number). */
const DIVERGENCE_CHECK_ROWS = 256;
const BACKENDS = ['cpu', 'wasm', 'webgl'] as const;

/** Everything an online GLM carries from one chunk to the next; float64 throughout. */
export interface OnlineGlmState {
  loss: LossKind;
  /** Encoded (standardised) inputs per row. */
  features: number;
  /** Weight columns: 1 for squared/logistic, the class capacity for softmax. */
  outputs: number;
  bias: boolean;
  /** Row-major (features + 1) × outputs; the last row is the bias (left at 0 when off). */
  weights: Float64Array;
  lastFinite: Float64Array;
  optimizer: OptimizerName;
  first: Float64Array;
  second: Float64Array;
  steps: number;
  learningRate: number;
  /** Softmax: classes seen so far (grows as labels appear). */
  activeOutputs: number;
  /** Progressive validation is scored on the first pass only. */
  scoring: boolean;
  sumLoss: number;
  sumSquaredError: number;
  sumY: number;
  sumYY: number;
  correct: number;
  scored: number;
  rolling: RollingWindow;
  diverged: boolean;
  samplesSeen: number;
  scratch: Float64Array;
  /** Squared loss with plain SGD in WebAssembly where it compiles (onlineSgd.wat), or in JavaScript. */
  engine: 'wasm' | 'js';
}

export function createOnlineGlmState(options: {
  loss: LossKind;
  features: number;
  outputs: number;
  bias: boolean;
  optimizer: OptimizerName;
  learningRate: number;
  rollingWindow: number;
  engine?: 'wasm' | 'js';
}): OnlineGlmState {
  const size = (options.features + 1) * options.outputs;
  return {
    ...options,
    engine: options.engine ?? 'wasm',
    weights: new Float64Array(size),
    lastFinite: new Float64Array(size),
    first: new Float64Array(options.optimizer === 'sgd' ? 0 : size),
    second: new Float64Array(options.optimizer === 'adam' ? size : 0),
    steps: 0,
    activeOutputs: options.loss === 'softmax' ? 0 : 1,
    scoring: true,
    sumLoss: 0,
    sumSquaredError: 0,
    sumY: 0,
    sumYY: 0,
    correct: 0,
    scored: 0,
    rolling: new RollingWindow(options.rollingWindow),
    diverged: false,
    samplesSeen: 0,
    scratch: new Float64Array(options.outputs),
  };
}

let registered = false;

/** Idempotent; called by selectBackend and by the online trainer. */
export function registerOnlineKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    if (tf.getKernel(ONLINE_GLM_KERNEL, backendName)) continue;
    tf.registerKernel({
      kernelName: ONLINE_GLM_KERNEL,
      backendName,
      kernelFunc: onlineGlmKernelFunc as unknown as tf.KernelFunc,
    });
  }
}

/**
 * Runs one chunk: `rows` is [n, features + 1] float32, encoded features then the target (a value,
 * a 0/1 label, or a class index). Returns the weights after the chunk as a [features + 1, outputs]
 * tensor.
 */
export function runOnlineGlmChunk(rows: tf.Tensor2D, state: OnlineGlmState): tf.Tensor2D {
  return tf
    .engine()
    .runKernel(ONLINE_GLM_KERNEL, { rows }, { state } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

function onlineGlmKernelFunc(args: {
  inputs: { rows: tf.TensorInfo };
  backend: tf.KernelBackend;
  attrs: { state: OnlineGlmState };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  // The backend's own array on cpu, a heap view on wasm, and on webgl the not yet uploaded values
  // (a fresh tensor from JS data lives on the CPU side until a GPU op uses it).
  const data = readInPlace(backend, inputs.rows) as Float32Array;
  const [count, width] = inputs.rows.shape;
  const state = attrs.state;
  if (width !== state.features + 1)
    throw new Error(`online kernel: chunk has ${width} columns, expected ${state.features + 1}`);
  processRows(state, data, count);
  const shape = [state.features + 1, state.outputs];
  const dataId = backend.write(Float32Array.from(state.weights), shape, 'float32');
  return { dataId, shape, dtype: 'float32' };
}

function processRows(state: OnlineGlmState, data: Float32Array, count: number): void {
  if (state.diverged) return;
  if (state.optimizer === 'sgd' && state.loss !== 'softmax') {
    sgdRows(state, data, count);
    return;
  }
  const p = state.features;
  const stride = p + 1;
  let blockLoss = 0;
  for (let r = 0; r < count; r++) {
    const offset = r * stride;
    const y = data[offset + p];
    const sampleLoss =
      state.loss === 'softmax'
        ? softmaxRow(state, data, offset, y)
        : binaryOrSquaredRow(state, data, offset, y);
    blockLoss += sampleLoss;
    state.samplesSeen++;
    if (state.samplesSeen % DIVERGENCE_CHECK_ROWS === 0 || r === count - 1) {
      if (!Number.isFinite(blockLoss) || !allFinite(state.weights)) {
        state.weights.set(state.lastFinite);
        state.diverged = true;
        return;
      }
      state.lastFinite.set(state.weights);
      blockLoss = 0;
    }
  }
}

/** Per-row scores of a chunk, for the rolling window (pushed once per chunk). */
const scored = { loss: new Float64Array(0), y: new Float64Array(0), correct: new Uint8Array(0) };

/**
 * `processRows` for squared or logistic loss with plain SGD, the common case, as one loop: the
 * operations of `binaryOrSquaredRow` + `applyUpdate` (the prediction summed in another order),
 * without a call per row. A call per row that takes or returns a float boxes it: 1M rows were
 * ~70 MB of garbage and their collections. Squared loss runs the same loop in WebAssembly where it
 * compiles (`squaredRows`, about 3× this one); this one is what a test holds it to.
 */
function sgdRows(state: OnlineGlmState, data: Float32Array, count: number): void {
  if (state.loss === 'squared' && state.engine === 'wasm') {
    const engine = squaredSgd();
    if (engine) {
      squaredRows(engine, state, data, count);
      return;
    }
  }
  const p = state.features;
  const stride = p + 1;
  const w = state.weights;
  const learningRate = state.learningRate;
  const squared = state.loss === 'squared';
  const bias = state.bias;
  const scoring = state.scoring;
  if (scoring && scored.loss.length < count) {
    scored.loss = new Float64Array(count);
    scored.y = new Float64Array(count);
    scored.correct = new Uint8Array(count);
  }
  const { loss: rowLoss, y: rowY, correct: rowCorrect } = scored;
  let sumLoss = state.sumLoss;
  let sumSquaredError = state.sumSquaredError;
  let sumY = state.sumY;
  let sumYY = state.sumYY;
  let correctCount = state.correct;
  let scoredCount = 0;
  let samplesSeen = state.samplesSeen;
  let blockLoss = 0;
  let r = 0;
  for (; r < count; r++) {
    const offset = r * stride;
    const y = data[offset + p];
    // Each row's prediction waits on the previous row's update: this chain is the loop's pace.
    const z = (bias ? w[p] : 0) + dot(w, data, offset, p);
    let residual: number;
    let sampleLoss: number;
    if (squared) {
      residual = z - y;
      sampleLoss = 0.5 * residual * residual;
      if (scoring) {
        const squaredError = residual * residual;
        sumSquaredError += squaredError;
        sumY += y;
        sumYY += y * y;
        sumLoss += sampleLoss;
        rowLoss[scoredCount] = squaredError;
        rowY[scoredCount] = y;
        rowCorrect[scoredCount++] = 0;
      }
    } else {
      const probability = 1 / (1 + Math.exp(-z));
      residual = probability - y;
      const clamped = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, probability));
      sampleLoss = -(y * Math.log(clamped) + (1 - y) * Math.log(1 - clamped));
      if (scoring) {
        const correct = (probability >= 0.5 ? 1 : 0) === y;
        sumLoss += sampleLoss;
        if (correct) correctCount++;
        rowLoss[scoredCount] = sampleLoss;
        rowY[scoredCount] = y;
        rowCorrect[scoredCount++] = correct ? 1 : 0;
      }
      if (!Number.isFinite(z)) sampleLoss = Infinity;
    }
    const step = learningRate * residual;
    for (let j = 0; j < p; j++) w[j] -= step * data[offset + j];
    if (bias) w[p] -= step;
    blockLoss += sampleLoss;
    samplesSeen++;
    if (samplesSeen % DIVERGENCE_CHECK_ROWS === 0 || r === count - 1) {
      if (!Number.isFinite(blockLoss) || !allFinite(w)) {
        w.set(state.lastFinite);
        state.diverged = true;
        break;
      }
      state.lastFinite.set(w);
      blockLoss = 0;
    }
  }
  state.sumLoss = sumLoss;
  state.sumSquaredError = sumSquaredError;
  state.sumY = sumY;
  state.sumYY = sumYY;
  state.correct = correctCount;
  state.scored += scoredCount;
  state.samplesSeen = samplesSeen;
  if (scoring) state.rolling.pushAll(rowLoss, rowY, rowCorrect, scoredCount);
}

/** This thread's WebAssembly squared-loss SGD: made at the first use; null where it cannot compile. */
let squaredEngine: WasmSquaredSgd | null | undefined;
const squaredSums = new Float64Array(4);
/** All zero: squared-loss rows are never "correct" (the rolling window's classification count). */
let noneCorrect = new Uint8Array(0);

function squaredSgd(): WasmSquaredSgd | undefined {
  if (squaredEngine === undefined) squaredEngine = WasmSquaredSgd.create() ?? null;
  return squaredEngine ?? undefined;
}

/** `sgdRows` for squared loss in WebAssembly: the same operations in the same order. */
function squaredRows(engine: WasmSquaredSgd, state: OnlineGlmState, data: Float32Array, count: number): void {
  const sums = squaredSums;
  sums[0] = state.sumLoss;
  sums[1] = state.sumSquaredError;
  sums[2] = state.sumY;
  sums[3] = state.sumYY;
  const result = engine.run(
    state.weights,
    state.lastFinite,
    sums,
    data,
    count,
    state.bias,
    state.learningRate,
    state.scoring,
    state.samplesSeen % DIVERGENCE_CHECK_ROWS,
  );
  state.sumLoss = sums[0];
  state.sumSquaredError = sums[1];
  state.sumY = sums[2];
  state.sumYY = sums[3];
  state.samplesSeen += result.rows;
  if (result.diverged) state.diverged = true;
  if (state.scoring) {
    state.scored += result.rows;
    if (noneCorrect.length < result.rows) noneCorrect = new Uint8Array(result.rows);
    state.rolling.pushAll(result.rowLoss, result.rowY, noneCorrect, result.rows);
  }
}

/** Squared or logistic loss, one output. Returns the sample's loss before the update. */
function binaryOrSquaredRow(state: OnlineGlmState, data: Float32Array, offset: number, y: number): number {
  const p = state.features;
  const w = state.weights;
  let z = state.bias ? w[p] : 0;
  for (let j = 0; j < p; j++) z += w[j] * data[offset + j];
  let residual: number;
  let sampleLoss: number;
  if (state.loss === 'squared') {
    residual = z - y;
    sampleLoss = 0.5 * residual * residual;
    if (state.scoring) {
      const squared = residual * residual;
      state.sumSquaredError += squared;
      state.sumY += y;
      state.sumYY += y * y;
      state.sumLoss += sampleLoss;
      state.scored++;
      state.rolling.push(squared, y, false);
    }
  } else {
    const probability = 1 / (1 + Math.exp(-z));
    residual = probability - y;
    const clamped = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, probability));
    sampleLoss = -(y * Math.log(clamped) + (1 - y) * Math.log(1 - clamped));
    if (state.scoring) {
      const correct = (probability >= 0.5 ? 1 : 0) === y;
      state.sumLoss += sampleLoss;
      if (correct) state.correct++;
      state.scored++;
      state.rolling.push(sampleLoss, y, correct);
    }
  }
  applyUpdate(state, data, offset, residual, 0, 1);
  return state.loss === 'squared' ? sampleLoss : Number.isFinite(z) ? sampleLoss : Infinity;
}

function softmaxRow(state: OnlineGlmState, data: Float32Array, offset: number, label: number): number {
  const p = state.features;
  const K = state.outputs;
  const w = state.weights;
  const logits = state.scratch;
  if (label + 1 > state.activeOutputs) state.activeOutputs = Math.min(K, label + 1);
  const active = state.activeOutputs;
  let largest = -Infinity;
  for (let k = 0; k < active; k++) {
    let z = state.bias ? w[p * K + k] : 0;
    for (let j = 0; j < p; j++) z += w[j * K + k] * data[offset + j];
    logits[k] = z;
    if (z > largest) largest = z;
  }
  let total = 0;
  let best = 0;
  for (let k = 0; k < active; k++) {
    logits[k] = Math.exp(logits[k] - largest);
    total += logits[k];
    if (logits[k] > logits[best]) best = k;
  }
  for (let k = 0; k < active; k++) logits[k] /= total;
  const sampleLoss = -Math.log(Math.max(PROBABILITY_EPSILON, logits[label]));
  if (state.scoring) {
    state.sumLoss += sampleLoss;
    if (best === label) state.correct++;
    state.scored++;
    state.rolling.push(sampleLoss, label, best === label);
  }
  for (let k = 0; k < active; k++) applyUpdate(state, data, offset, logits[k] - (k === label ? 1 : 0), k, K);
  return Number.isFinite(largest) ? sampleLoss : Infinity;
}

/** w[:, k] −= step(g), with g = residual · x̃ (x̃ = features, then 1 for the bias). */
function applyUpdate(
  state: OnlineGlmState,
  data: Float32Array,
  offset: number,
  residual: number,
  k: number,
  K: number,
): void {
  const p = state.features;
  const w = state.weights;
  const lr = state.learningRate;
  if (state.optimizer === 'sgd') {
    const step = lr * residual;
    for (let j = 0; j < p; j++) w[j * K + k] -= step * data[offset + j];
    if (state.bias) w[p * K + k] -= step;
    return;
  }
  if (k === 0) state.steps++;
  const last = state.bias ? p : p - 1;
  if (state.optimizer === 'momentum') {
    const m = state.first;
    for (let j = 0; j <= last; j++) {
      const i = j * K + k;
      m[i] = 0.9 * m[i] + residual * (j < p ? data[offset + j] : 1);
      w[i] -= lr * m[i];
    }
    return;
  }
  const m = state.first;
  const v = state.second;
  const stepSize = (lr * Math.sqrt(1 - 0.999 ** state.steps)) / (1 - 0.9 ** state.steps);
  for (let j = 0; j <= last; j++) {
    const i = j * K + k;
    const g = residual * (j < p ? data[offset + j] : 1);
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.999 * v[i] + 0.001 * g * g;
    w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) + 1e-8);
  }
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
