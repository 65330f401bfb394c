// The run report (schemaVersion 1): its JSON Schema and its TypeScript type come from ONE source,
// the schema below, written with a few builders whose phantom type parameter carries the TS type.
// `reportJsonSchema` is written to dist/report.schema.json by esbuild.mjs; `validateReport` checks
// untrusted reports (the webview's) against the same schema: types, enums, ranges, finite numbers,
// no unknown properties.
import { lossName, type LossKind } from './training/task';
import type { BackendSelection, LossPoint, TrainConfig, TrainResult } from './training/types';
import {
  boolean,
  either,
  finite,
  integer,
  list,
  literal,
  object,
  oneOf,
  record,
  text,
  validateAgainst,
  type Infer,
} from './jsonSchema';

// ---- The report ----

export const MAX_HISTORY_POINTS = 1000;

const regressionMetrics = object(
  { mse: finite({ minimum: 0 }), rmse: finite({ minimum: 0 }), r2: finite() },
  {},
  "Regression, in the target's units.",
);
const classificationMetrics = object(
  { logLoss: finite({ minimum: 0 }), accuracy: finite({ minimum: 0, maximum: 1 }) },
  {},
  'Classification.',
);
/** Shared with the comparison report, which quotes each run's metrics and backend. */
export const metricsSchema = either(regressionMetrics, classificationMetrics);
const metrics = metricsSchema;
export const runStatusSchema = oneOf(['completed', 'stopped', 'diverged', 'failed'] as const);
export const runModeSchema = oneOf(['batch', 'online'] as const);
export const backendSchema = object(
  { name: oneOf(['webgl', 'wasm', 'cpu'] as const), reason: text() },
  { renderer: text() },
);
export const optimumSchema = object(
  { mse: finite({ minimum: 0 }), loss: finite({ minimum: 0 }) },
  {},
  'Closed-form least squares on the same data (linear models).',
);

const runReportSchema = object(
  {
    schemaVersion: literal(1),
    tool: object({ name: text(), version: text() }),
    status: runStatusSchema,
    mode: runModeSchema,
    createdAt: text({ format: 'date-time', minLength: 1 }),
    dataset: object({
      path: text({ description: 'Workspace-relative path of the CSV.' }),
      sha256: text({ pattern: '^[0-9a-f]{64}$' }),
      rows: integer({ minimum: 0 }),
      rowsUsed: integer({ minimum: 0 }),
      rowsSkipped: integer({ minimum: 0 }),
      target: text(),
      features: list(text()),
    }),
    config: object(
      {
        model: oneOf(['linear', 'logistic', 'softmax', 'mlp'] as const),
        hidden: list(integer({ minimum: 1 })),
        activation: oneOf(['relu', 'tanh'] as const),
        learningRate: finite({ exclusiveMinimum: 0 }),
        batchSize: integer({ minimum: 1 }),
        epochs: integer({ minimum: 1 }),
        seed: integer({ minimum: 0, maximum: 4294967295 }),
        shuffle: boolean(),
        normalize: oneOf(['standard', 'none'] as const),
        bias: boolean(),
        validationSplit: finite({ minimum: 0, maximum: 0.99 }),
        optimizer: oneOf(['sgd', 'momentum', 'adam'] as const),
        loss: oneOf(
          ['mse', 'log-loss', 'categorical-log-loss'] as const,
          'mse is J = 1/(2m) Σ(ŷ−y)² (the 1/2 of the textbook); metrics report plain MSE.',
        ),
        missing: oneOf(['drop', 'mean'] as const),
        rollingWindow: integer({ minimum: 1 }),
      },
      {
        task: oneOf(['regression', 'classification'] as const),
        earlyStoppingPatience: integer({ minimum: 1 }),
        lrSchedule: oneOf(['constant', 'step', 'exponential'] as const),
      },
    ),
    backend: backendSchema,
    model: object(
      {
        type: oneOf(['linear', 'logistic', 'softmax', 'mlp'] as const),
        weights: record(finite()),
        bias: finite(),
      },
      {
        classWeights: record(record(finite())),
        classBias: record(finite()),
        layers: list(object({ weights: list(list(finite())), bias: list(finite()), activation: text() })),
      },
      'Linear and logistic weights in the original units of the data: y = bias + Σ weight·feature.',
    ),
    metrics: object({ train: metrics }, { validation: metrics, progressive: metrics, rolling: metrics }),
    history: list(
      object(
        {
          samplesSeen: integer({ minimum: 0 }),
          elapsedMs: finite({ minimum: 0 }),
          epoch: integer({ minimum: 0 }),
          loss: finite(),
          kind: oneOf(['step', 'epoch'] as const),
        },
        { validationLoss: finite() },
      ),
      MAX_HISTORY_POINTS,
    ),
    timing: object({
      durationMs: finite({ minimum: 0, description: 'The whole run, reading included.' }),
      trainingMs: finite({ minimum: 0 }),
      samplesPerSecond: finite({
        minimum: 0,
        description: 'Samples per second of training time (reading and parsing excluded).',
      }),
      samplesSeen: integer({ minimum: 0 }),
    }),
    preprocessing: object(
      {
        features: list(text()),
        means: list(finite()),
        scales: list(finite()),
        categoryMaps: record(list(text())),
        missing: oneOf(['drop', 'mean'] as const),
      },
      { targetClasses: list(text()), imputed: record(finite()) },
    ),
  },
  {
    message: text(),
    optimum: optimumSchema,
  },
);

export type RunReport = Infer<typeof runReportSchema>;

export const reportJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://csv-trainer.invalid/report.schema.json',
  title: 'CSV Trainer run report',
  ...runReportSchema,
};

// ---- Validation ----

/** Errors of `value` against the report schema (empty when valid). Strict: no unknown keys. */
export function validateReport(value: unknown): string[] {
  return validateAgainst(runReportSchema, value);
}

// ---- Building ----

export interface ReportInput {
  tool: { name: string; version: string };
  mode: TrainConfig['mode'];
  config: TrainConfig;
  result: TrainResult;
  dataset: { path: string; sha256: string; rows: number; target: string; features: string[] };
  backend: BackendSelection;
  /** The whole run, reading and parsing included. */
  durationMs: number;
  createdAt?: Date;
}

/** Keeps at most `limit` points, evenly spread, always the first and the last. */
export function downsampleHistory(points: LossPoint[], limit = MAX_HISTORY_POINTS): LossPoint[] {
  const finitePoints = points.filter((p) => Number.isFinite(p.loss));
  if (finitePoints.length <= limit) return finitePoints;
  const kept: LossPoint[] = [];
  for (let i = 0; i < limit; i++)
    kept.push(finitePoints[Math.round((i * (finitePoints.length - 1)) / (limit - 1))]);
  return kept;
}

export function buildReport(input: ReportInput): RunReport {
  const { result, config } = input;
  const classification = result.preprocessing.targetClasses !== undefined;
  const loss: LossKind = !classification ? 'squared' : config.model === 'logistic' ? 'logistic' : 'softmax';
  const history = downsampleHistory(result.history).map((p) => {
    const point: RunReport['history'][number] = {
      samplesSeen: p.samplesSeen,
      elapsedMs: Math.max(0, p.elapsedMs),
      epoch: p.epoch,
      loss: p.loss,
      kind: p.kind,
    };
    if (p.validationLoss !== undefined && Number.isFinite(p.validationLoss))
      point.validationLoss = p.validationLoss;
    return point;
  });
  const trainingMs = Math.max(0, result.trainingMs);
  return {
    schemaVersion: 1,
    tool: input.tool,
    status: result.status,
    ...(result.message ? { message: result.message } : {}),
    mode: input.mode,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    dataset: { ...input.dataset, rowsUsed: result.rowsUsed, rowsSkipped: result.rowsSkipped },
    config: {
      model: config.model,
      hidden: config.hidden,
      activation: config.activation,
      ...(config.task ? { task: config.task } : {}),
      learningRate: config.learningRate,
      batchSize: config.batchSize,
      epochs: config.epochs,
      seed: config.seed,
      shuffle: config.shuffle,
      normalize: config.normalize,
      bias: config.bias,
      validationSplit: config.validationSplit,
      optimizer: config.optimizer,
      loss: lossName(loss),
      missing: config.missing,
      rollingWindow: config.rollingWindow,
      ...(config.earlyStoppingPatience ? { earlyStoppingPatience: config.earlyStoppingPatience } : {}),
      ...(config.lrSchedule ? { lrSchedule: config.lrSchedule } : {}),
    },
    // which backend ran, why, and how the updates were computed on it
    backend: {
      name: input.backend.name,
      reason: result.method ? `${input.backend.reason}; ${result.method}` : input.backend.reason,
      ...(input.backend.renderer ? { renderer: input.backend.renderer } : {}),
    },
    model: result.model,
    metrics: result.metrics,
    history,
    timing: {
      durationMs: Math.max(0, input.durationMs),
      trainingMs,
      samplesPerSecond: trainingMs > 0 ? (result.samplesSeen * 1000) / trainingMs : 0,
      samplesSeen: result.samplesSeen,
    },
    preprocessing: result.preprocessing,
    ...(result.optimum ? { optimum: result.optimum } : {}),
  };
}
