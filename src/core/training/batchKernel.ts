// The fused mini-batch kernel for one-output GLMs (linear, logistic): one tfjs kernel call runs a
// run of consecutive mini-batches — per batch the mean gradient ∇W = Xᵀ(h − y)/m, ∇b = mean(h − y),
// then one optimizer step — with float64 accumulators and no allocation per batch. Registered with
// tfjs for cpu, wasm and webgl and invoked through `tf.engine().runKernel`. Same update rule as the
// generic op-by-op step (models.ts trainStep); a 1024-row batch of generic ops is dispatch-bound
// on these backends (≈ 10 kernel launches and intermediate tensors per step).
import * as tf from '@tensorflow/tfjs-core';
import { dot } from './dot';
import type { LossKind } from './task';
import type { OptimizerName } from './types';

export const MINIBATCH_GLM_KERNEL = 'CsvTrainerMinibatchGlm';
const BACKENDS = ['cpu', 'wasm', 'webgl'] as const;

export interface MinibatchGlmState {
  loss: Extract<LossKind, 'squared' | 'logistic'>;
  features: number;
  bias: boolean;
  /** features weights, then the bias (left at 0 when off). */
  weights: Float64Array;
  optimizer: OptimizerName;
  first: Float64Array;
  second: Float64Array;
  steps: number;
  gradient: Float64Array;
  /** Scratch: one value per row of the largest batch seen. */
  residuals: Float64Array;
  /** What touchRows read (kept so that its reads stay), and the row it has read up to. */
  touched: number;
  touchedEnd: number;
}

export function createMinibatchGlmState(
  loss: MinibatchGlmState['loss'],
  features: number,
  bias: boolean,
  optimizer: OptimizerName,
): MinibatchGlmState {
  const size = features + 1;
  return {
    loss,
    features,
    bias,
    weights: new Float64Array(size),
    optimizer,
    first: new Float64Array(optimizer === 'sgd' ? 0 : size),
    second: new Float64Array(optimizer === 'adam' ? size : 0),
    steps: 0,
    gradient: new Float64Array(size),
    residuals: new Float64Array(0),
    touched: 0,
    touchedEnd: 0,
  };
}

export function registerMinibatchKernels(): void {
  for (const backendName of BACKENDS) {
    if (tf.getKernel(MINIBATCH_GLM_KERNEL, backendName)) continue;
    tf.registerKernel({
      kernelName: MINIBATCH_GLM_KERNEL,
      backendName,
      kernelFunc: minibatchKernelFunc as unknown as tf.KernelFunc,
    });
  }
}

/**
 * Trains on the rows `order[first … first + count)` (int32 row indexes into `x` [n, features] and
 * `y` [n]) in batches of `batchSize`, in that order: the epoch's shuffle is applied by indexing,
 * not by copying the data. Returns Σ over rows of each row's loss before its batch's update (a
 * [1] tensor).
 */
export function runMinibatchGlm(
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  order: tf.Tensor1D,
  first: number,
  count: number,
  state: MinibatchGlmState,
  learningRate: number,
  batchSize: number,
): tf.Tensor1D {
  registerMinibatchKernels();
  return tf.engine().runKernel(MINIBATCH_GLM_KERNEL, { x, y, order }, {
    first,
    count,
    state,
    learningRate,
    batchSize,
  } as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}

function minibatchKernelFunc(args: {
  inputs: { x: tf.TensorInfo; y: tf.TensorInfo; order: tf.TensorInfo };
  backend: tf.KernelBackend;
  attrs: { first: number; count: number; state: MinibatchGlmState; learningRate: number; batchSize: number };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = readInPlace(backend, inputs.x) as Float32Array;
  const y = readInPlace(backend, inputs.y) as Float32Array;
  const order = readInPlace(backend, inputs.order) as Int32Array;
  const { first, count, state, learningRate, batchSize } = attrs;
  if (inputs.x.shape[1] !== state.features)
    throw new Error(`minibatch kernel: ${inputs.x.shape[1]} columns, expected ${state.features}`);
  if (first < 0 || first + count > order.length)
    throw new Error(`minibatch kernel: rows ${first} to ${first + count} of ${order.length}`);
  let lossSum = 0;
  if (state.residuals.length < batchSize) state.residuals = new Float64Array(batchSize);
  state.touchedEnd = 0;
  const end = first + count;
  for (let start = first; start < end; start += batchSize) {
    lossSum += batchStep(state, x, y, order, start, Math.min(end, start + batchSize), learningRate);
  }
  const dataId = backend.write(new Float32Array([lossSum]), [1], 'float32');
  return { dataId, shape: [1], dtype: 'float32' };
}

/**
 * The tensor's values without a copy where the backend allows it: wasm's readSync copies out of the
 * heap (64 MB per call for a 1M×16 split), `typedArrayFromHeap` is a view; cpu hands back its array.
 */
export function readInPlace(backend: tf.KernelBackend, info: tf.TensorInfo): ArrayLike<number> {
  const heap = backend as unknown as { typedArrayFromHeap?: (info: tf.TensorInfo) => ArrayLike<number> };
  if (typeof heap.typedArrayFromHeap === 'function') return heap.typedArrayFromHeap(info);
  return backend.readSync(info.dataId) as ArrayLike<number>;
}

function batchStep(
  state: MinibatchGlmState,
  x: Float32Array,
  y: Float32Array,
  order: Int32Array,
  start: number,
  end: number,
  learningRate: number,
): number {
  const p = state.features;
  const w = state.weights;
  const g = state.gradient;
  g.fill(0);
  const b = state.bias ? w[p] : 0;
  const logistic = state.loss === 'logistic';
  const residuals = state.residuals;
  // Three passes: the dot products of a batch are independent, so the (random, shuffled) row reads
  // overlap in memory; the gradient pass then finds the batch's rows in cache. The gradient takes
  // four rows at a time (a quarter of the reads and writes of g); with the four-sum dot product,
  // the kernel runs in 0.42 s instead of 0.58 for 1M × 16 and 5 epochs here.
  touchRows(state, x, order, start, end);
  for (let i = start; i < end; i++) residuals[i - start] = b + dot(w, x, order[i] * p, p);
  let loss = 0;
  for (let i = start; i < end; i++) {
    const z = residuals[i - start];
    const target = y[order[i]];
    if (logistic) {
      residuals[i - start] = 1 / (1 + Math.exp(-z)) - target;
      loss += Math.max(z, 0) - z * target + Math.log1p(Math.exp(-Math.abs(z)));
    } else {
      const residual = z - target;
      residuals[i - start] = residual;
      loss += 0.5 * residual * residual;
    }
  }
  let i = start;
  for (; i + 3 < end; i += 4) {
    const ra = residuals[i - start];
    const rb = residuals[i + 1 - start];
    const rc = residuals[i + 2 - start];
    const rd = residuals[i + 3 - start];
    const a = order[i] * p;
    const bb = order[i + 1] * p;
    const c = order[i + 2] * p;
    const d = order[i + 3] * p;
    for (let j = 0; j < p; j++) g[j] += ra * x[a + j] + rb * x[bb + j] + (rc * x[c + j] + rd * x[d + j]);
    g[p] += ra + rb + (rc + rd);
  }
  for (; i < end; i++) {
    const residual = residuals[i - start];
    const offset = order[i] * p;
    for (let j = 0; j < p; j++) g[j] += residual * x[offset + j];
    g[p] += residual;
  }
  const m = end - start;
  const last = state.bias ? p : p - 1;
  for (let j = 0; j <= last; j++) g[j] /= m;
  if (state.optimizer === 'sgd') {
    for (let j = 0; j <= last; j++) w[j] -= learningRate * g[j];
  } else if (state.optimizer === 'momentum') {
    const v = state.first;
    for (let j = 0; j <= last; j++) {
      v[j] = 0.9 * v[j] + g[j];
      w[j] -= learningRate * v[j];
    }
  } else {
    state.steps++;
    const m1 = state.first;
    const m2 = state.second;
    const stepSize = (learningRate * Math.sqrt(1 - 0.999 ** state.steps)) / (1 - 0.9 ** state.steps);
    for (let j = 0; j <= last; j++) {
      m1[j] = 0.9 * m1[j] + 0.1 * g[j];
      m2[j] = 0.999 * m2[j] + 0.001 * g[j] * g[j];
      w[j] -= (stepSize * m1[j]) / (Math.sqrt(m2[j]) + 1e-8);
    }
  }
  return loss;
}

/** The most bytes touchRows reads ahead for one batch (a bucket of the shuffle is 256 KB). */
const TOUCH_BYTES = 1 << 20;

/**
 * Reads the batch's rows into cache in address order before they are read in the batch's order.
 * After the in-place shuffle, consecutive batches take their rows from one bucket of consecutive
 * rows after another (see shuffleRowsInPlaceToOrder); a sequential read of a bucket streams it in,
 * where reading its rows in a random order waited on memory row by row. Each call reads only
 * the rows past those read already (`state.touchedEnd`, reset for each kernel call), one value per
 * 64 bytes, summed into `state.touched` so that the reads stay. Rows spread wider than
 * TOUCH_BYTES (an order that is not by buckets) are left alone. 1M × 16, batch 1024, 5 epochs:
 * the kernel's epoch took 49-51 ms instead of 75-77 here.
 */
function touchRows(
  state: MinibatchGlmState,
  x: Float32Array,
  order: Int32Array,
  start: number,
  end: number,
): void {
  let lo = 0x7fffffff;
  let hi = -1;
  for (let i = start; i < end; i++) {
    const row = order[i];
    if (row < lo) lo = row;
    if (row > hi) hi = row;
  }
  const p = state.features;
  const from = Math.max(lo, state.touchedEnd);
  if ((hi + 1 - from) * p * 4 > TOUCH_BYTES) return;
  let sum = 0;
  for (let at = from * p, last = (hi + 1) * p; at < last; at += 16) sum += x[at];
  state.touched += sum;
  state.touchedEnd = Math.max(state.touchedEnd, hi + 1);
}
