// Online training: exactly one update per sample, in stream order, the stream read once per pass
// with bounded memory. The main metric is progressive validation (each row is predicted and scored
// before it is learnt), plus a rolling window of the latest rows.
//
// Three update paths, all through tfjs, all giving the one-update-per-sample result:
// - `fused-kernel` (default for linear/logistic/softmax): a kernel registered with tfjs runs a whole
//   chunk per call (onlineKernel.ts);
// - `affine-scan` (squared loss, plain SGD): batched matrix products compose the updates of a block
//   (affineScan.ts), work a GPU does well;
// - `tfjs-ops` (MLP, or on request): one generic tfjs step per sample, dispatch-bound.
import * as tf from '@tensorflow/tfjs-core';
import { NormalEquations } from './closedForm';
import { exportLinearModel, exportMlpLayers } from './exportModel';
import {
  divergedAdvice,
  grewAdvice,
  learningRateAdvice,
  LoopControl,
  now,
  overflowAdvice,
} from './loopControl';
import {
  ClassificationTally,
  PROBABILITY_EPSILON,
  RegressionTally,
  RollingWindow,
  classificationMetrics,
  metricsAreFinite,
  regressionMetrics,
} from './metrics';
import { GradientOptimizer, ModelParameters, trainStep } from './models';
import { affineScanBlock } from './affineScan';
import {
  createOnlineGlmState,
  registerOnlineKernels,
  runOnlineGlmChunk,
  type OnlineGlmState,
} from './onlineKernel';
import { MAX_ONLINE_CLASSES, StreamEncoder } from './streamEncoder';
import { resolveTask, type Task } from './task';
import {
  TrainingInputError,
  type ChunkSource,
  type EngineOptions,
  type LossPoint,
  type Metrics,
  type OnlineLayout,
  type RunStatus,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
  type TrainedModel,
} from './types';
import type { RowChunk } from '../csv/types';

const SCAN_BLOCK_ROWS = 256;
const OPS_BLOCK_ROWS = 256;

/** One update path: trains on encoded rows in order and can predict with the current weights. */
interface OnlineUpdater {
  /** Learns `count` encoded rows; returns false when the run diverged (last finite weights kept). */
  learn(rows: Float32Array, count: number, scoring: boolean): boolean;
  samplesSeen(): number;
  /** Σ loss over the rows learnt in the current pass (pre-update losses). */
  passLoss(): number;
  resetPass(): void;
  progressive(): Metrics;
  rolling(): Metrics;
  /** Sees the first chunk's encoded rows once, before learning any (see OpsUpdater). */
  firstRows?(rows: Float32Array, count: number): void;
  /** Weights as [features+1 × outputs] (bias row last) for linear models. */
  linearWeights?(): { weights: Float64Array; bias: Float64Array; outputs: number };
  export(
    preprocessingColumns: number[],
    preprocessing: ReturnType<StreamEncoder['preprocessing']>,
  ): TrainedModel;
  dispose(): void;
}

/** Loss points per chunk of rows, and the fewest rows a point stands for (see trainOnline). */
const STEPS_PER_CHUNK = 16;
const MIN_STEP_ROWS = 64;

export async function trainOnline(
  chunks: ChunkSource,
  layout: OnlineLayout,
  config: TrainConfig,
  hooks?: TrainHooks,
  options: EngineOptions = {},
): Promise<TrainResult> {
  const task = resolveTask(config, layout.targetKind);
  const passes = Math.max(1, Math.floor(config.epochs));
  if (passes > 1 && typeof chunks !== 'function')
    throw new TrainingInputError(
      'more than one online pass needs a re-openable source (pass a factory () => chunks)',
    );
  const open = (): AsyncIterable<RowChunk> => (typeof chunks === 'function' ? chunks() : chunks);
  const encoder = new StreamEncoder(layout, config, task, options.categoryCap);
  const updater = createUpdater(task, encoder.columns, config, options);
  const control = new LoopControl(hooks);
  const started = now();
  const history: LossPoint[] = [];
  let buffer: Float32Array = new Float32Array(0);
  let trainingMs = 0;
  let status: RunStatus = 'completed';
  let message: string | undefined;
  let progressive: Metrics | undefined;
  let rolling: Metrics | undefined;
  let nothingScored = false;

  const stride = encoder.columns + 1;
  try {
    passes: for (let pass = 0; pass < passes; pass++) {
      if (pass === 1) encoder.freeze();
      updater.resetPass();
      const scoring = pass === 0;
      let passRows = 0;
      for await (const chunk of open()) {
        const encodeStart = now();
        const encoded = encoder.encode(chunk, buffer);
        buffer = encoded.rows;
        trainingMs += now() - encodeStart;
        passRows += encoded.count;
        if (pass === 0 && updater.samplesSeen() === 0 && encoded.count > 0)
          updater.firstRows?.(encoded.rows, encoded.count);
        // A chunk is learned in steps, one loss point each, so that a small file (one chunk) still
        // draws a curve: about STEPS_PER_CHUNK per chunk, of at least MIN_STEP_ROWS rows.
        const stepRows = Math.max(MIN_STEP_ROWS, Math.ceil(encoded.count / STEPS_PER_CHUNK));
        for (let first = 0; first < encoded.count; first += stepRows) {
          const count = Math.min(stepRows, encoded.count - first);
          const stepStart = now();
          const before = updater.passLoss();
          // The metrics before this step: a step that diverges leaves its rows' non-finite (or
          // absurd) scores in the sums, so a diverged run reports the steps before it.
          const lastFinite = scoring
            ? { progressive: updater.progressive(), rolling: updater.rolling(), seen: updater.samplesSeen() }
            : undefined;
          const healthy = updater.learn(encoded.rows.subarray(first * stride), count, scoring);
          trainingMs += now() - stepStart;
          const point: LossPoint = {
            samplesSeen: updater.samplesSeen(),
            elapsedMs: now() - started,
            epoch: pass,
            loss: (updater.passLoss() - before) / count,
            kind: 'step',
          };
          if (scoring) point.validationLoss = progressiveLoss(updater.progressive());
          history.push(point);
          hooks?.onProgress?.([point]);
          if (!healthy) {
            if (lastFinite) {
              nothingScored = lastFinite.seen === 0;
              progressive = lastFinite.progressive;
              rolling = lastFinite.rolling;
            }
            status = 'diverged';
            message = `diverged after ${updater.samplesSeen()} samples: ${divergedAdvice(config, encoder.usedColumns().length, encoder.overflowedColumn())}`;
            break passes;
          }
          if (control.stopped) {
            status = 'stopped';
            break passes;
          }
          await control.breathe();
        }
      }
      if (pass === 0) progressive = updater.progressive();
      rolling = updater.rolling();
      const point: LossPoint = {
        samplesSeen: updater.samplesSeen(),
        elapsedMs: now() - started,
        epoch: pass,
        loss: updater.passLoss() / Math.max(1, passRows),
        kind: 'epoch',
      };
      if (progressive) point.validationLoss = progressiveLoss(progressive);
      history.push(point);
      hooks?.onProgress?.([point]);
    }
    if (encoder.rowsUsed === 0)
      throw new TrainingInputError('no usable rows (every row misses the target or a feature)');
    if (task.kind === 'classification' && encoder.distinctLabels < 2)
      throw new TrainingInputError(
        `target "${layout.target}" has ${encoder.distinctLabels === 0 ? 'no values' : 'one class'}; classification needs at least two`,
      );
    progressive ??= updater.progressive();
    rolling ??= updater.rolling();
    // Diverged in the first chunk: nothing was scored before it.
    const scored = !nothingScored && metricsAreFinite(progressive) ? progressive : undefined;

    const used = encoder.usedColumns();
    const preprocessing = encoder.preprocessing();
    const model = updater.export(used, preprocessing);
    let train: Metrics | undefined = scored;
    let optimum: TrainResult['optimum'];
    const equations = encoder.normalEquations;
    if (equations && updater.linearWeights) {
      // Exact MSE of the final weights over every row of the stream, from the normal equations.
      train = streamMetrics(equations, originalUnitWeights(model, encoder, used, config.bias));
      const solved = equations.solve();
      optimum = { mse: solved.mse, loss: solved.loss };
    } else if (typeof chunks === 'function') {
      train = await evaluatePass(open, encoder, updater, task);
    } else if (!message) {
      message = 'train metrics are the progressive ones (a single-use stream cannot be read again)';
    }
    // Weights still finite but so large that their loss over the data is not (it overflows): the
    // run diverged, and its progressive metrics, when finite, are what it can report.
    const overflowed = train !== undefined && !metricsAreFinite(train);
    if (overflowed && scored) {
      train = scored;
      if (status === 'diverged') message += ' (the train metrics are the progressive ones)';
    }
    // Values whose squares overflow, not the learning rate, are then what to name.
    const overflowedColumn = encoder.overflowedColumn();
    if (!train || !metricsAreFinite(train))
      throw new TrainingInputError(
        `training diverged with no finite loss to report (${updater.samplesSeen()} samples): ${divergedAdvice(config, used.length, overflowedColumn)}`,
      );
    const grew =
      status === 'completed' && 'mse' in train
        ? overflowed
          ? `the loss grew until it overflowed (the metrics are the progressive ones). ${overflowedColumn !== undefined ? overflowAdvice(overflowedColumn) : learningRateAdvice(config, used.length)}`
          : grewAdvice(train.mse, encoder.targetMeanSquare, config, used.length)
        : undefined;
    if (grew) {
      status = 'diverged';
      message = `diverged after ${updater.samplesSeen()} samples: ${grew}`;
    }
    return {
      status,
      ...(message ? { message } : {}),
      model,
      preprocessing,
      metrics: {
        train,
        ...(scored ? { progressive: scored } : {}),
        ...(!nothingScored && metricsAreFinite(rolling) ? { rolling } : {}),
      },
      history,
      rowsUsed: encoder.rowsUsed,
      rowsSkipped: encoder.rowsSkipped,
      samplesSeen: updater.samplesSeen(),
      trainingMs,
      ...(optimum ? { optimum } : {}),
      method: ONLINE_METHOD_LABELS[onlineMethodFor(task, config, options)],
    };
  } finally {
    updater.dispose();
  }
}

function progressiveLoss(metrics: Metrics): number {
  return 'mse' in metrics ? metrics.mse / 2 : metrics.logLoss;
}

/** Weights over all encoded columns in original units, bias last, for the normal-equation MSE. */
function originalUnitWeights(
  model: TrainedModel,
  encoder: StreamEncoder,
  used: number[],
  bias: boolean,
): Float64Array {
  const names = encoder.preprocessing().features;
  const full = new Float64Array(encoder.columns + (bias ? 1 : 0));
  used.forEach((column, i) => (full[column] = model.weights[names[i]] ?? 0));
  if (bias) full[encoder.columns] = model.bias;
  return full;
}

function streamMetrics(equations: NormalEquations, weights: Float64Array): Metrics {
  const mse = equations.meanSquaredError(weights);
  const { rows, sumY, yty } = equations.sums();
  const n = Math.max(1, rows);
  return regressionMetrics(mse * n, sumY, yty, n);
}

/** A second read with the final weights and frozen statistics (not counted as training time). */
async function evaluatePass(
  open: () => AsyncIterable<RowChunk>,
  encoder: StreamEncoder,
  updater: OnlineUpdater,
  task: Task,
): Promise<Metrics> {
  encoder.freeze();
  const regression = new RegressionTally();
  const classification = new ClassificationTally();
  let buffer: Float32Array = new Float32Array(0);
  const probe = updater as OnlineUpdater & { predict?(rows: Float32Array, count: number): Float32Array };
  const stride = encoder.columns + 1;
  for await (const chunk of open()) {
    const encoded = encoder.encode(chunk, buffer);
    buffer = encoded.rows;
    if (encoded.count === 0 || !probe.predict) continue;
    const outputs = probe.predict(encoded.rows, encoded.count);
    const width = outputs.length / encoded.count;
    for (let r = 0; r < encoded.count; r++) {
      const y = encoded.rows[r * stride + encoder.columns];
      if (task.loss === 'squared') regression.add(outputs[r], y);
      else if (task.loss === 'logistic') {
        const p = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, outputs[r]));
        classification.add(-(y * Math.log(p) + (1 - y) * Math.log(1 - p)), (p >= 0.5 ? 1 : 0) === y);
      } else {
        let best = 0;
        for (let k = 1; k < width; k++) if (outputs[r * width + k] > outputs[r * width + best]) best = k;
        classification.add(-Math.log(Math.max(PROBABILITY_EPSILON, outputs[r * width + y])), best === y);
      }
    }
  }
  return task.loss === 'squared' ? regression.metrics() : classification.metrics();
}

/**
 * On WebGL, `auto` takes the methods that do their work on the GPU: the affine-map scan (batched
 * matrix products) for squared loss with plain SGD, tfjs ops otherwise. The fused kernels are
 * loops on the CPU: the right tool on cpu and wasm, but on WebGL they would only move data back
 * and forth while claiming the GPU.
 */
export function onlineMethodFor(
  task: Task,
  config: TrainConfig,
  options: EngineOptions,
): 'fused-kernel' | 'affine-scan' | 'tfjs-ops' {
  const method = options.onlineMethod ?? 'auto';
  if (config.model === 'mlp') return 'tfjs-ops';
  if (method !== 'auto') return method;
  if (tf.getBackend() !== 'webgl') return 'fused-kernel';
  return task.loss === 'squared' && config.optimizer === 'sgd' ? 'affine-scan' : 'tfjs-ops';
}

const ONLINE_METHOD_LABELS = {
  'fused-kernel': 'online updates: fused per-chunk kernel',
  'affine-scan': 'online updates: affine-map scan (batched matrix products)',
  'tfjs-ops': 'online updates: tfjs ops, one step per sample',
} as const;

function createUpdater(
  task: Task,
  columns: number,
  config: TrainConfig,
  options: EngineOptions,
): OnlineUpdater {
  const method = onlineMethodFor(task, config, options);
  if (method === 'tfjs-ops') return new OpsUpdater(task, columns, config);
  if (method === 'affine-scan') {
    if (task.loss !== 'squared' || config.optimizer !== 'sgd')
      throw new TrainingInputError('the affine-scan path applies to squared loss with plain SGD only');
    return new ScanUpdater(columns, config);
  }
  return new KernelUpdater(task, columns, config);
}

/** Encoded rows without their target column (tf.slice of a strided matrix is slow on cpu). */
function featuresOnly(rows: Float32Array, count: number, columns: number): Float32Array {
  const x = new Float32Array(count * columns);
  for (let r = 0; r < count; r++)
    x.set(rows.subarray(r * (columns + 1), r * (columns + 1) + columns), r * columns);
  return x;
}

/** Outputs with the current weights, [count × outputs] probabilities (or values for regression). */
function predictLinear(
  rows: Float32Array,
  count: number,
  columns: number,
  weights: Float64Array,
  outputs: number,
  loss: Task['loss'],
): Float32Array {
  return tidyValues(() => {
    const x = tf.tensor2d(featuresOnly(rows, count, columns), [count, columns]);
    const w = tf.tensor2d(Float32Array.from(weights.subarray(0, columns * outputs)), [columns, outputs]);
    const b = tf.tensor1d(Float32Array.from(weights.subarray(columns * outputs)));
    const z = tf.add(tf.matMul(x, w), b);
    return loss === 'squared' ? z : loss === 'logistic' ? tf.sigmoid(z) : tf.softmax(z);
  });
}

/**
 * The values of a tensor made inside `tf.tidy`, read outside it: tidy walks whatever its function
 * returns, a typed array element by element (a second per million rows in a profile).
 */
function tidyValues(make: () => tf.Tensor): Float32Array {
  const tensor = tf.tidy(make);
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

class KernelUpdater implements OnlineUpdater {
  private readonly state: OnlineGlmState;

  constructor(
    private readonly task: Task,
    private readonly columns: number,
    private readonly config: TrainConfig,
  ) {
    registerOnlineKernels();
    this.state = createOnlineGlmState({
      loss: task.loss,
      features: columns,
      outputs: task.loss === 'softmax' ? MAX_ONLINE_CLASSES : 1,
      bias: config.bias,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      rollingWindow: config.rollingWindow,
    });
  }

  learn(rows: Float32Array, count: number, scoring: boolean): boolean {
    this.state.scoring = scoring;
    const stride = this.columns + 1;
    const input = tf.tensor2d(rows.subarray(0, count * stride), [count, stride]);
    const weights = runOnlineGlmChunk(input, this.state);
    input.dispose();
    weights.dispose();
    return !this.state.diverged;
  }

  samplesSeen(): number {
    return this.state.samplesSeen;
  }

  private passLossSum = 0;
  private passLossBase = 0;
  passLoss(): number {
    return this.state.sumLoss + this.passLossSum - this.passLossBase;
  }

  resetPass(): void {
    // The kernel's sums stop on later passes (scoring off); keep a pass total from its own loss.
    this.passLossBase = this.state.sumLoss + this.passLossSum;
  }

  progressive(): Metrics {
    const s = this.state;
    return this.task.loss === 'squared'
      ? regressionMetrics(s.sumSquaredError, s.sumY, s.sumYY, s.scored)
      : classificationMetrics(s.sumLoss, s.correct, s.scored);
  }

  rolling(): Metrics {
    return this.task.loss === 'squared'
      ? this.state.rolling.regression()
      : this.state.rolling.classification();
  }

  private outputs(): number {
    return this.task.loss === 'softmax' ? Math.max(1, this.state.activeOutputs) : 1;
  }

  /** Compact weights for the classes seen: [columns+1 × active]. */
  linearWeights(): { weights: Float64Array; bias: Float64Array; outputs: number } {
    const K = this.state.outputs;
    const active = this.outputs();
    const weights = new Float64Array((this.columns + 1) * active);
    for (let j = 0; j <= this.columns; j++)
      for (let k = 0; k < active; k++) weights[j * active + k] = this.state.weights[j * K + k];
    return { weights, bias: weights.subarray(this.columns * active), outputs: active };
  }

  predict(rows: Float32Array, count: number): Float32Array {
    const { weights, outputs } = this.linearWeights();
    return predictLinear(rows, count, this.columns, weights, outputs, this.task.loss);
  }

  export(used: number[], preprocessing: ReturnType<StreamEncoder['preprocessing']>): TrainedModel {
    const { weights, bias, outputs } = this.linearWeights();
    const compact = new Float64Array(used.length * outputs);
    used.forEach((column, i) => {
      for (let k = 0; k < outputs; k++) compact[i * outputs + k] = weights[column * outputs + k];
    });
    return exportLinearModel(this.config.model, compact, bias, outputs, preprocessing);
  }

  dispose(): void {}
}

/** Squared loss + SGD through the affine-map scan, in blocks of SCAN_BLOCK_ROWS. */
/** Samples and loss sums kept by the updaters that see each block's loss on the host side. */
abstract class LossCountingUpdater implements Pick<OnlineUpdater, 'samplesSeen' | 'passLoss' | 'resetPass'> {
  protected seen = 0;
  protected lossSum = 0;
  private lossBase = 0;

  samplesSeen(): number {
    return this.seen;
  }

  passLoss(): number {
    return this.lossSum - this.lossBase;
  }

  resetPass(): void {
    this.lossBase = this.lossSum;
  }
}

class ScanUpdater extends LossCountingUpdater {
  private weights: tf.Tensor1D;
  private readonly q: number;
  private readonly regression = new RegressionTally();
  private readonly window: RollingWindow;
  private lastFinite: Float32Array;

  constructor(
    private readonly columns: number,
    private readonly config: TrainConfig,
  ) {
    super();
    this.q = columns + (config.bias ? 1 : 0);
    this.weights = tf.zeros([this.q]);
    this.lastFinite = new Float32Array(this.q);
    this.window = new RollingWindow(config.rollingWindow);
  }

  learn(rows: Float32Array, count: number, scoring: boolean): boolean {
    const stride = this.columns + 1;
    for (let start = 0; start < count; start += SCAN_BLOCK_ROWS) {
      const n = Math.min(SCAN_BLOCK_ROWS, count - start);
      const inputs = new Float32Array(n * this.q);
      const targets = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        const from = (start + r) * stride;
        inputs.set(rows.subarray(from, from + this.columns), r * this.q);
        if (this.config.bias) inputs[r * this.q + this.columns] = 1;
        targets[r] = rows[from + this.columns];
      }
      const x = tf.tensor2d(inputs, [n, this.q]);
      const y = tf.tensor1d(targets);
      const { predictions, weights } = affineScanBlock(x, y, this.weights, this.config.learningRate);
      x.dispose();
      y.dispose();
      const predicted = predictions.dataSync();
      predictions.dispose();
      let blockLoss = 0;
      for (let r = 0; r < n; r++) {
        const residual = predicted[r] - targets[r];
        blockLoss += 0.5 * residual * residual;
        if (scoring) {
          this.regression.add(predicted[r], targets[r]);
          this.window.push(residual * residual, targets[r], false);
        }
      }
      const next = weights.dataSync() as Float32Array;
      if (!Number.isFinite(blockLoss) || !next.every(Number.isFinite)) {
        weights.dispose();
        this.weights.dispose();
        this.weights = tf.tensor1d(this.lastFinite);
        return false;
      }
      this.lastFinite = next.slice();
      this.weights.dispose();
      this.weights = weights;
      this.seen += n;
      this.lossSum += blockLoss;
    }
    return true;
  }

  progressive(): Metrics {
    return this.regression.metrics();
  }

  rolling(): Metrics {
    return this.window.regression();
  }

  linearWeights(): { weights: Float64Array; bias: Float64Array; outputs: number } {
    const all = new Float64Array(this.columns + 1);
    all.set(this.lastFinite.subarray(0, this.q));
    if (!this.config.bias) all[this.columns] = 0;
    return { weights: all, bias: all.subarray(this.columns), outputs: 1 };
  }

  predict(rows: Float32Array, count: number): Float32Array {
    return predictLinear(rows, count, this.columns, this.linearWeights().weights, 1, 'squared');
  }

  export(used: number[], preprocessing: ReturnType<StreamEncoder['preprocessing']>): TrainedModel {
    const { weights, bias } = this.linearWeights();
    return exportLinearModel(
      this.config.model,
      used.map((c) => weights[c]),
      bias,
      1,
      preprocessing,
    );
  }

  dispose(): void {
    this.weights.dispose();
  }
}

/**
 * Generic path: one tfjs training step per sample (MLP; dispatch-bound, correct everywhere).
 *
 * An MLP regressor learns a standardised target when the features are standardised, as in batch
 * mode (a price in the hundreds otherwise makes the default learning rate diverge). A stream has
 * no training split to take the statistics from: they come from the first chunk's targets (the
 * file's first 1,024 rows: a reader's first chunk is short), fixed for the run. Losses, metrics,
 * predictions and the exported model are in the target's own units (the scale is folded into the
 * last layer).
 */
class OpsUpdater extends LossCountingUpdater {
  private targetMean = 0;
  private targetScale = 1;
  private readonly model: ModelParameters;
  private readonly optimizer: GradientOptimizer;
  private readonly outputs: number;
  private readonly regression = new RegressionTally();
  private readonly classification = new ClassificationTally();
  private readonly window: RollingWindow;
  private lastFinite: Float32Array[];

  constructor(
    private readonly task: Task,
    private readonly columns: number,
    private readonly config: TrainConfig,
  ) {
    super();
    this.outputs = task.loss === 'softmax' ? MAX_ONLINE_CLASSES : 1;
    this.model = new ModelParameters(config.model, columns, this.outputs, config);
    this.optimizer = new GradientOptimizer(config.optimizer, this.model.variables);
    this.window = new RollingWindow(config.rollingWindow);
    this.lastFinite = this.model.snapshot();
  }

  firstRows(rows: Float32Array, count: number): void {
    const { model, normalize, bias } = this.config;
    if (model !== 'mlp' || this.task.loss !== 'squared' || normalize !== 'standard') return;
    const stride = this.columns + 1;
    let sum = 0;
    for (let r = 0; r < count; r++) sum += rows[r * stride + this.columns];
    // Without a bias the model cannot add the mean back: then the target is only scaled.
    const mean = bias ? sum / count : 0;
    let squares = 0;
    for (let r = 0; r < count; r++) squares += (rows[r * stride + this.columns] - mean) ** 2;
    const std = Math.sqrt(squares / count);
    this.targetMean = mean;
    this.targetScale = std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
  }

  learn(rows: Float32Array, count: number, scoring: boolean): boolean {
    const stride = this.columns + 1;
    const { targetMean, targetScale } = this;
    const lossUnit = targetScale * targetScale;
    for (let start = 0; start < count; start += OPS_BLOCK_ROWS) {
      const n = Math.min(OPS_BLOCK_ROWS, count - start);
      const outputs: tf.Tensor[] = [];
      const losses: tf.Tensor[] = [];
      for (let r = 0; r < n; r++) {
        const from = (start + r) * stride;
        const label = rows[from + this.columns];
        tf.tidy(() => {
          const x = tf.tensor2d(rows.subarray(from, from + this.columns), [1, this.columns]);
          const y =
            this.task.loss === 'softmax'
              ? (tf.cast(tf.oneHot(tf.tensor1d([label], 'int32'), this.outputs), 'float32') as tf.Tensor2D)
              : tf.tensor2d([(label - targetMean) / targetScale], [1, 1]);
          outputs.push(tf.keep(this.model.forward(x)));
          losses.push(
            tf.keep(trainStep(this.model, this.optimizer, this.task.loss, x, y, this.config.learningRate)),
          );
        });
      }
      const predicted = tidyValues(() => tf.concat(outputs.map((o) => tf.reshape(o, [-1]))));
      const stepLosses = tidyValues(() => tf.stack(losses));
      tf.dispose([...outputs, ...losses]);
      let blockLoss = 0;
      for (let r = 0; r < n; r++) {
        blockLoss += stepLosses[r] * lossUnit;
        if (!scoring) continue;
        const y = rows[(start + r) * stride + this.columns];
        if (this.task.loss === 'squared') {
          const prediction = predicted[r] * targetScale + targetMean;
          this.regression.add(prediction, y);
          this.window.push((prediction - y) ** 2, y, false);
        } else if (this.task.loss === 'logistic') {
          const correct = (predicted[r] >= 0 ? 1 : 0) === y;
          this.classification.add(stepLosses[r], correct);
          this.window.push(stepLosses[r], y, correct);
        } else {
          let best = 0;
          for (let k = 1; k < this.outputs; k++)
            if (predicted[r * this.outputs + k] > predicted[r * this.outputs + best]) best = k;
          this.classification.add(stepLosses[r], best === y);
          this.window.push(stepLosses[r], y, best === y);
        }
      }
      if (!Number.isFinite(blockLoss)) {
        this.model.restore(this.lastFinite);
        // The block's updates happened (then were undone): "diverged after n samples" counts them.
        this.seen += n;
        return false;
      }
      this.lastFinite = this.model.snapshot();
      this.seen += n;
      this.lossSum += blockLoss;
    }
    return true;
  }

  progressive(): Metrics {
    return this.task.loss === 'squared' ? this.regression.metrics() : this.classification.metrics();
  }

  rolling(): Metrics {
    return this.task.loss === 'squared' ? this.window.regression() : this.window.classification();
  }

  predict(rows: Float32Array, count: number): Float32Array {
    return tidyValues(() => {
      const x = tf.tensor2d(featuresOnly(rows, count, this.columns), [count, this.columns]);
      const z = this.model.forward(x);
      if (this.task.loss === 'squared') return tf.add(tf.mul(z, this.targetScale), this.targetMean);
      return this.task.loss === 'logistic' ? tf.sigmoid(z) : tf.softmax(z);
    });
  }

  export(used: number[], preprocessing: ReturnType<StreamEncoder['preprocessing']>): TrainedModel {
    if (this.model.type !== 'mlp') {
      const layer = this.model.layers[0];
      const all = layer.weights.dataSync();
      const outputs = this.outputs;
      const compact = new Float64Array(used.length * outputs);
      used.forEach((c, i) => {
        for (let k = 0; k < outputs; k++) compact[i * outputs + k] = all[c * outputs + k];
      });
      return exportLinearModel(
        this.model.type,
        compact,
        layer.bias?.dataSync() ?? new Float32Array(outputs),
        outputs,
        preprocessing,
      );
    }
    const last = this.model.layers.length - 1;
    const { targetMean, targetScale } = this;
    return exportMlpLayers(
      this.model.layers.map((layer, i) => {
        const weights = layer.weights.dataSync() as Float32Array;
        const bias = layer.bias?.dataSync() as Float32Array | undefined;
        return {
          // The target's scaling folded into the last layer: w ← s·w, b ← s·b + m.
          weights: i === last ? weights.map((w) => w * targetScale) : weights,
          shape: layer.weights.shape as [number, number],
          bias: i === last ? bias?.map((b) => b * targetScale + targetMean) : bias,
          activation: layer.activation,
        };
      }),
    );
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
