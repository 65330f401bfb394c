// Mini-batch training: a custom loop (not model.fit), batch tensors made from Float32Array views,
// the loss accumulated on the backend and read once per epoch (no per-step synchronisation).
import * as tf from '@tensorflow/tfjs-core';
import { closedFormLeastSquares } from './closedForm';
import { evaluateSplit } from './evaluate';
import { exportLinearModel, exportMlpLayers } from './exportModel';
import { divergedAdvice, grewAdvice, learningRateAdvice, LoopControl, now } from './loopControl';
import { metricsAreFinite } from './metrics';
import { createMinibatchGlmState, readInPlace, runMinibatchGlm, type MinibatchGlmState } from './batchKernel';
import { GradientOptimizer, ModelParameters, trainStep } from './models';
import { prepareBatch, type PreparedBatch } from './preprocessing';
import { SeededRandom, shuffleRows, shuffleRowsInPlaceToOrder } from './rng';
import { learningRateAt } from './schedule';
import { resolveTask, type Task } from './task';
import {
  TrainingInputError,
  type BatchData,
  type EngineOptions,
  type LossPoint,
  type RunStatus,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './types';

/** Live "step" points per epoch when someone listens (each costs one read of the loss). */
const STEP_POINTS_PER_EPOCH = 10;

export async function trainBatch(
  data: BatchData,
  config: TrainConfig,
  hooks?: TrainHooks,
  options: EngineOptions = {},
): Promise<TrainResult> {
  const started = now();
  const task = resolveTask(config, data.target.kind);
  const prepared = prepareBatch(data, config, task, options.categoryCap);
  const { columns, targetWidth, trainRows } = prepared;
  // The floor the run should approach, known before the first step so a chart can show it throughout.
  const optimum =
    config.model === 'linear'
      ? closedFormLeastSquares(prepared.trainX, prepared.trainY, trainRows, columns, { bias: config.bias })
      : undefined;
  if (optimum) hooks?.onReference?.({ mse: optimum.mse, loss: optimum.loss });
  // An MLP regressor trains on a standardised target (see targetScaling); losses are reported, and
  // the exported model predicts, in the target's own units.
  const target = targetScaling(config, task, prepared);
  const trainY = target ? target.standardised(prepared.trainY) : prepared.trainY;
  const validY = target ? target.standardised(prepared.validY) : prepared.validY;
  const lossUnit = target ? target.scale * target.scale : 1;
  const batchSize = Math.max(1, Math.min(config.batchSize, trainRows));
  const model = new ModelParameters(config.model, columns, targetWidth, config);
  const optimizer = new GradientOptimizer(config.optimizer, model.variables);
  const rng = new SeededRandom(config.seed + 1);
  const control = new LoopControl(hooks);
  const history: LossPoint[] = [];

  const lossSum = tf.tidy(() => tf.variable(tf.scalar(0), false));
  let lastFinite = model.snapshot();
  /** The weights before the last epoch's: kept in case the last ones overflow (see the end). */
  let previousFinite = lastFinite;
  let status: RunStatus = 'completed';
  let message: string | undefined;
  let samplesSeen = 0;
  let bestValidation = Infinity;
  let bestWeights: Float32Array[] | undefined;
  let epochsWithoutImprovement = 0;
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);
  const stepPointEvery = hooks?.onProgress
    ? Math.max(1, Math.floor(stepsPerEpoch / STEP_POINTS_PER_EPOCH))
    : Infinity;
  // Linear and logistic models run whole runs of batches in one fused kernel call.
  // On WebGL, `auto` keeps to tfjs ops (matrix products on the GPU): the fused kernel is a CPU loop.
  const batchMethod =
    options.batchMethod === undefined || options.batchMethod === 'auto'
      ? tf.getBackend() === 'webgl'
        ? 'tfjs-ops'
        : 'fused-kernel'
      : options.batchMethod;
  const fused: MinibatchGlmState | undefined =
    (config.model === 'linear' || config.model === 'logistic') && batchMethod !== 'tfjs-ops'
      ? createMinibatchGlmState(
          task.loss === 'logistic' ? 'logistic' : 'squared',
          columns,
          config.bias,
          config.optimizer,
        )
      : undefined;
  // The fused kernel follows an order: its shuffle moves the training rows in place, each row once
  // per epoch, and orders them within buckets (see shuffleRowsInPlaceToOrder). The training rows and
  // targets are then the report's too (its metrics are over them all, in any order): in place only
  // where the targets trained on are those (no MLP target scaling).
  const inPlace = fused !== undefined && config.shuffle && trainY === prepared.trainY;
  const epochOrder = inPlace ? new Int32Array(trainRows) : undefined;
  const bucketOf = inPlace ? new Uint32Array(trainRows) : undefined;
  // Otherwise each epoch's shuffle is written into one reusable pair of buffers (see shuffleRows).
  const shuffledX = config.shuffle && !inPlace ? new Float32Array(prepared.trainX.length) : prepared.trainX;
  const shuffledY = config.shuffle && !inPlace ? new Float32Array(trainY.length) : trainY;
  // The fused kernel's rows, targets and order are tensors made once for the run: each epoch's
  // shuffle moves the rows inside them, in the backend's own memory (the cpu backend keeps the
  // arrays given; wasm copies them into its heap once, where each epoch's new tensors copied 72 MB).
  // Without a shuffle, the kernel follows the rows as they are.
  const fusedRows = fused
    ? {
        x: tf.tensor2d(prepared.trainX, [trainRows, columns]),
        y: tf.tensor1d(trainY),
        order: tf.tensor1d(epochOrder ?? identityRows(trainRows), 'int32'),
      }
    : undefined;

  training: for (let epoch = 0; epoch < config.epochs; epoch++) {
    const learningRate = learningRateAt(config, epoch);
    if (fusedRows && epochOrder) {
      // Views of the tensors' memory, taken again each epoch (a wasm heap that grew moved them).
      const backend = tf.backend();
      shuffleRowsInPlaceToOrder(
        readInPlace(backend, fusedRows.x) as Float32Array,
        readInPlace(backend, fusedRows.y) as Float32Array,
        trainRows,
        columns,
        targetWidth,
        readInPlace(backend, fusedRows.order) as Int32Array,
        bucketOf!,
        rng,
      );
    } else if (config.shuffle)
      shuffleRows(prepared.trainX, trainY, trainRows, columns, targetWidth, shuffledX, shuffledY, rng);
    let trainLoss: number;
    if (fusedRows) {
      const segments = Math.min(stepsPerEpoch, STEP_POINTS_PER_EPOCH);
      let epochLoss = 0;
      for (let segment = 0; segment < segments; segment++) {
        const start = Math.floor((segment * stepsPerEpoch) / segments) * batchSize;
        const end = Math.min(trainRows, Math.floor(((segment + 1) * stepsPerEpoch) / segments) * batchSize);
        const rows = end - start;
        const loss = runMinibatchGlm(
          fusedRows.x,
          fusedRows.y,
          fusedRows.order,
          start,
          rows,
          fused!,
          learningRate,
          batchSize,
        );
        const segmentLoss = loss.dataSync()[0];
        loss.dispose();
        epochLoss += segmentLoss;
        samplesSeen += rows;
        if (hooks?.onProgress) {
          const point: LossPoint = {
            samplesSeen,
            elapsedMs: now() - started,
            epoch,
            loss: (segmentLoss / rows) * lossUnit,
            kind: 'step',
          };
          history.push(point);
          hooks.onProgress([point]);
        }
        if (control.stopped) break;
        await control.breathe();
      }
      syncVariables(model, fused!);
      if (control.stopped) {
        status = 'stopped';
        break training;
      }
      trainLoss = epochLoss / trainRows;
    } else {
      tf.tidy(() => lossSum.assign(tf.zerosLike(lossSum)));
      let stepPointSum = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const start = step * batchSize;
        const rows = Math.min(batchSize, trainRows - start);
        tf.tidy(() => {
          const x = tf.tensor2d(shuffledX.subarray(start * columns, (start + rows) * columns), [
            rows,
            columns,
          ]);
          const y = tf.tensor2d(shuffledY.subarray(start * targetWidth, (start + rows) * targetWidth), [
            rows,
            targetWidth,
          ]);
          const loss = trainStep(model, optimizer, task.loss, x, y, learningRate);
          lossSum.assign(tf.add(lossSum, tf.mul(loss, rows)));
        });
        samplesSeen += rows;
        if ((step + 1) % stepPointEvery === 0) {
          const sum = lossSum.dataSync()[0];
          const point: LossPoint = {
            samplesSeen,
            elapsedMs: now() - started,
            epoch,
            loss: ((sum - stepPointSum) / (stepPointEvery * batchSize)) * lossUnit,
            kind: 'step',
          };
          stepPointSum = sum;
          history.push(point);
          hooks?.onProgress?.([point]);
        }
        if (control.stopped) {
          status = 'stopped';
          break training;
        }
        await control.breathe();
      }
      trainLoss = lossSum.dataSync()[0] / trainRows;
    }
    if (!Number.isFinite(trainLoss) || !weightsFinite(model)) {
      model.restore(lastFinite);
      status = 'diverged';
      message = `diverged in epoch ${epoch + 1}: ${divergedAdvice(config, columns)}`;
      break;
    }
    previousFinite = lastFinite;
    lastFinite = model.snapshot();
    const point: LossPoint = {
      samplesSeen,
      elapsedMs: now() - started,
      epoch,
      loss: trainLoss * lossUnit,
      kind: 'epoch',
    };
    if (prepared.validRows > 0) {
      point.validationLoss =
        evaluateSplit(model, task.loss, prepared.validX, validY, prepared.validRows, columns, targetWidth)
          .loss * lossUnit;
    }
    history.push(point);
    hooks?.onProgress?.([point]);
    if (config.earlyStoppingPatience && point.validationLoss !== undefined) {
      if (point.validationLoss < bestValidation - 1e-12) {
        bestValidation = point.validationLoss;
        bestWeights = lastFinite;
        epochsWithoutImprovement = 0;
      } else if (++epochsWithoutImprovement >= config.earlyStoppingPatience) {
        if (bestWeights) model.restore(bestWeights);
        message = `early stopping after epoch ${epoch + 1}: no validation improvement in ${config.earlyStoppingPatience} epochs; best weights kept`;
        break;
      }
    }
  }
  if (target) target.foldInto(model);
  const trainingMs = now() - started;
  tf.dispose([lossSum, ...(fusedRows ? [fusedRows.x, fusedRows.y, fusedRows.order] : [])]);

  const method = fused ? 'mini-batch updates: fused kernel' : 'mini-batch updates: tfjs ops';
  const run = { status, message, history, samplesSeen, trainingMs, method, optimum };
  let result = summarise(model, task, prepared, config, run);
  // Weights still finite but so large that their loss over the data is not (each epoch's loss is
  // summed before its batches' updates, so the last update can overflow it unseen): the run
  // diverged, and the weights of the epoch before are what it can report.
  if (!resultIsFinite(result)) {
    model.restore(previousFinite);
    if (target) target.foldInto(model);
    result = summarise(model, task, prepared, config, {
      ...run,
      status: 'diverged',
      message: `diverged: the loss over the data overflowed with the last weights (the weights before the last epoch are kept). ${learningRateAdvice(config, columns)}`,
    });
  }
  optimizer.dispose();
  model.dispose();
  if (!resultIsFinite(result))
    throw new TrainingInputError(
      `training diverged with no finite loss to report: ${divergedAdvice(config, columns)}`,
    );
  return result;
}

/**
 * An MLP regressor's target, standardised with the training split's mean and standard deviation
 * when the features are: a price in the hundreds otherwise gives the last layer gradients that
 * make the default learning rate diverge. Undone at the end by folding the scale into the last
 * layer (w ← s·w, b ← s·b + m), so metrics, the report and predictions are in the target's units.
 */
function targetScaling(config: TrainConfig, task: Task, prepared: PreparedBatch) {
  if (config.model !== 'mlp' || task.kind !== 'regression' || config.normalize !== 'standard')
    return undefined;
  const y = prepared.trainY;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  // Without a bias the model cannot add the mean back: then the target is only scaled.
  const mean = config.bias ? sum / Math.max(1, y.length) : 0;
  let squares = 0;
  for (let i = 0; i < y.length; i++) squares += (y[i] - mean) ** 2;
  const std = Math.sqrt(squares / Math.max(1, y.length));
  const scale = std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
  return {
    scale,
    standardised: (values: Float32Array) => values.map((v) => (v - mean) / scale),
    foldInto(model: ModelParameters): void {
      const last = model.layers[model.layers.length - 1];
      tf.tidy(() => {
        last.weights.assign(tf.mul(last.weights, scale));
        last.bias?.assign(tf.add(tf.mul(last.bias, scale), mean));
      });
    },
  };
}

/** 0, 1, … rows − 1. */
function identityRows(rows: number): Int32Array {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  return order;
}

/** The fused kernel's float64 weights → the model's variables (for evaluation and export). */
function syncVariables(model: ModelParameters, state: MinibatchGlmState): void {
  const layer = model.layers[0];
  const p = state.features;
  tf.tidy(() => {
    layer.weights.assign(tf.tensor2d(Float32Array.from(state.weights.subarray(0, p)), [p, 1]));
    layer.bias?.assign(tf.tensor1d([state.weights[p]]));
  });
}

function weightsFinite(model: ModelParameters): boolean {
  return tf.tidy(() => model.variables.every((v) => tf.all(tf.isFinite(v)).dataSync()[0] === 1));
}

function resultIsFinite(result: TrainResult): boolean {
  const { train, validation } = result.metrics;
  return metricsAreFinite(train) && (validation === undefined || metricsAreFinite(validation));
}

function summarise(
  model: ModelParameters,
  task: Task,
  prepared: PreparedBatch,
  config: TrainConfig,
  run: {
    status: RunStatus;
    message?: string;
    history: LossPoint[];
    samplesSeen: number;
    trainingMs: number;
    method: string;
    optimum?: { mse: number; loss: number };
  },
): TrainResult {
  const { columns, targetWidth } = prepared;
  const train = evaluateSplit(
    model,
    task.loss,
    prepared.trainX,
    prepared.trainY,
    prepared.trainRows,
    columns,
    targetWidth,
  );
  const validation =
    prepared.validRows > 0
      ? evaluateSplit(
          model,
          task.loss,
          prepared.validX,
          prepared.validY,
          prepared.validRows,
          columns,
          targetWidth,
        )
      : undefined;
  const trained =
    model.type === 'mlp'
      ? exportMlpLayers(
          model.layers.map((layer) => ({
            weights: layer.weights.dataSync() as Float32Array,
            shape: layer.weights.shape as [number, number],
            bias: layer.bias?.dataSync(),
            activation: layer.activation,
          })),
        )
      : exportLinearModel(
          model.type,
          model.layers[0].weights.dataSync(),
          model.layers[0].bias?.dataSync() ?? new Float32Array(targetWidth),
          targetWidth,
          prepared.preprocessing,
        );
  const { optimum } = run;
  let { status, message } = run;
  if (status === 'completed' && 'mse' in train.metrics && targetWidth === 1) {
    const y = prepared.trainY;
    let squares = 0;
    for (let i = 0; i < prepared.trainRows; i++) squares += y[i] * y[i];
    const grew = grewAdvice(train.metrics.mse, squares / Math.max(1, prepared.trainRows), config, columns);
    if (grew) {
      status = 'diverged';
      message = `diverged: ${grew}`;
    }
  }
  return {
    status,
    ...(message ? { message } : {}),
    method: run.method,
    model: trained,
    preprocessing: prepared.preprocessing,
    metrics: { train: train.metrics, ...(validation ? { validation: validation.metrics } : {}) },
    history: run.history,
    rowsUsed: prepared.rowsUsed,
    rowsSkipped: prepared.rowsSkipped,
    samplesSeen: run.samplesSeen,
    trainingMs: run.trainingMs,
    ...(optimum ? { optimum: { mse: optimum.mse, loss: optimum.loss } } : {}),
  };
}
