// Contract of the training engine, shared by the webview (tfjs on WebGL), the CLI (cpu/wasm) and
// the report. Platform-free.
import type { ColumnKind, LoadedColumn, RowChunk } from '../csv/types';

export type TrainingMode = 'batch' | 'online';
export type ModelType = 'linear' | 'logistic' | 'softmax' | 'mlp';
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type Normalization = 'standard' | 'none';
export type MissingPolicy = 'drop' | 'mean';
export type Activation = 'relu' | 'tanh';
export type BackendName = 'webgl' | 'wasm' | 'cpu';
export type RunStatus = 'completed' | 'stopped' | 'diverged' | 'failed';

export interface TrainConfig {
  mode: TrainingMode;
  model: ModelType;
  /** MLP only. */
  hidden: number[];
  activation: Activation;
  /** MLP only: regression or classification is decided by the target. */
  task?: 'regression' | 'classification';
  learningRate: number;
  batchSize: number; // batch mode
  epochs: number; // batch: epochs; online: passes over the stream (1 = the pure online case)
  seed: number;
  shuffle: boolean; // batch mode; online keeps stream order
  normalize: Normalization;
  bias: boolean;
  validationSplit: number; // batch mode
  optimizer: OptimizerName;
  missing: MissingPolicy;
  earlyStoppingPatience?: number; // epochs without validation improvement (batch)
  lrSchedule?: 'constant' | 'step' | 'exponential';
  /** Online: size of the rolling window for the rolling metric. */
  rollingWindow: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  mode: 'batch',
  model: 'linear',
  hidden: [64, 64],
  activation: 'relu',
  learningRate: 0.01,
  batchSize: 32,
  epochs: 10,
  seed: 42,
  shuffle: true,
  normalize: 'standard',
  bias: true,
  validationSplit: 0.2,
  optimizer: 'sgd',
  missing: 'drop',
  lrSchedule: 'constant',
  rollingWindow: 1000,
};

/** One point of the loss curve. `loss` in the loss's own convention (MSE/2 or log-loss). */
export interface LossPoint {
  samplesSeen: number;
  elapsedMs: number;
  epoch: number;
  loss: number;
  /** Validation loss (batch, at epoch ends) or progressive loss (online). */
  validationLoss?: number;
  kind: 'step' | 'epoch';
}

export interface RegressionMetrics {
  mse: number;
  rmse: number;
  r2: number;
}
export interface ClassificationMetrics {
  logLoss: number;
  accuracy: number;
}
export type Metrics = RegressionMetrics | ClassificationMetrics;

export interface Preprocessing {
  features: string[]; // after one-hot expansion: "color=red", …
  means: number[];
  scales: number[];
  categoryMaps: Record<string, string[]>; // column → categories (one-hot order; "__other__" last when capped)
  targetClasses?: string[]; // classification
  missing: MissingPolicy;
  imputed?: Record<string, number>;
}

export interface TrainedModel {
  type: ModelType;
  /** Linear / logistic: weights in the original units of the data, keyed by feature. */
  weights: Record<string, number>;
  bias: number;
  /** Softmax: per class; MLP: layer tensors. */
  classWeights?: Record<string, Record<string, number>>;
  classBias?: Record<string, number>;
  layers?: { weights: number[][]; bias: number[]; activation: string }[];
}

export interface TrainResult {
  status: RunStatus;
  message?: string; // for diverged / failed: what happened and what to try
  model: TrainedModel;
  preprocessing: Preprocessing;
  metrics: { train: Metrics; validation?: Metrics; progressive?: Metrics; rolling?: Metrics };
  history: LossPoint[];
  rowsUsed: number;
  rowsSkipped: number;
  samplesSeen: number;
  trainingMs: number; // time spent training (parsing excluded)
  optimum?: { mse: number; loss: number }; // closed-form least squares (linear models)
  /** How the updates were computed (fused kernel, affine-map scan, tfjs ops), for the report. */
  method?: string;
}

/** Hooks a caller (webview, CLI) gives a run: progress, stop and pause. */
export interface TrainHooks {
  onProgress?(points: LossPoint[]): void;
  /** Checked between steps; a stop keeps the current weights and status `stopped`. */
  signal?: AbortSignal;
  /** Resolves when the run may go on; awaited between chunks/batches when paused. */
  waitIfPaused?(): Promise<void>;
  /** The closed-form least-squares optimum, as soon as it is known (batch linear: before training). */
  onReference?(optimum: { mse: number; loss: number }): void;
}

// ---- Added with the engine (issue 4). Existing names above are unchanged. ----

/** Batch input: decoded columns, all of the same length. */
export interface BatchData {
  features: LoadedColumn[];
  target: LoadedColumn;
}

/** What each column of an online stream's chunks is: chunk columns are `features…, target`. */
export interface OnlineLayout {
  features: string[];
  target: string;
  featureKinds: ColumnKind[];
  targetKind: ColumnKind;
}

/** A stream of row chunks, or a factory that re-opens it (needed for `epochs > 1`). */
export type ChunkSource = AsyncIterable<RowChunk> | (() => AsyncIterable<RowChunk>);

/** The backend a run actually uses, and why (tfjs falls back silently, so this is checked). */
export interface BackendSelection {
  name: BackendName;
  renderer?: string;
  reason: string;
}

/** Input the engine cannot train on: the caller shows the message (the CLI exits 2). */
export class TrainingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingInputError';
  }
}

/** Categorical features: at most this many one-hot columns per feature; the rest go to "__other__". */
export const DEFAULT_CATEGORY_CAP = 20;
export const OTHER_CATEGORY = '__other__';

/** Engine tuning that is not part of the user's config (and not in the report's config). */
export interface EngineOptions {
  /** Online update path: the fused per-chunk kernel, or the affine-map scan (squared loss, sgd). */
  onlineMethod?: 'auto' | 'fused-kernel' | 'affine-scan' | 'tfjs-ops';
  /** Batch update path for linear/logistic: the fused mini-batch kernel, or generic tfjs ops per step. */
  batchMethod?: 'auto' | 'fused-kernel' | 'tfjs-ops';
  /** One-hot cap per categorical feature. */
  categoryCap?: number;
}
