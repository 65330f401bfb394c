// The run report (schemaVersion 1): its JSON Schema and its TypeScript type come from ONE source,
// the schema below, written with a few builders whose phantom type parameter carries the TS type.
// `reportJsonSchema` is written to dist/report.schema.json by esbuild.mjs; `validateReport` checks
// untrusted reports (the webview's) against the same schema: types, enums, ranges, finite numbers,
// no unknown properties.
import { lossName, type LossKind } from './training/task';
import type { BackendSelection, LossPoint, TrainConfig, TrainResult } from './training/types';

// ---- A tiny JSON-Schema builder that keeps the TypeScript type alongside ----

interface JsonSchemaNode {
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  readonly description?: string;
  readonly const?: string | number | boolean;
  readonly enum?: readonly (string | number)[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly anyOf?: readonly JsonSchemaNode[];
}

/** A schema node; `__type` is never set, it only carries the TS type of matching values. */
type Schema<T> = JsonSchemaNode & { readonly __type?: T };
type Infer<S> = S extends { readonly __type?: infer T } ? Exclude<T, undefined> : never;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type Shape = Record<string, Schema<unknown>>;

const finite = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<number> => ({ type: 'number', ...extra });
const integer = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<number> => ({ type: 'integer', ...extra });
const text = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<string> => ({ type: 'string', ...extra });
const boolean = (): Schema<boolean> => ({ type: 'boolean' });
const literal = <T extends string | number>(value: T): Schema<T> => ({ const: value });
const oneOf = <T extends string>(values: readonly T[], description?: string): Schema<T> => ({
  type: 'string',
  enum: values,
  ...(description ? { description } : {}),
});
const list = <S extends Schema<unknown>>(items: S, maxItems?: number): Schema<Infer<S>[]> => ({
  type: 'array',
  items,
  ...(maxItems ? { maxItems } : {}),
});
const record = <S extends Schema<unknown>>(values: S): Schema<Record<string, Infer<S>>> => ({
  type: 'object',
  additionalProperties: values,
});
const either = <A extends Schema<unknown>, B extends Schema<unknown>>(
  a: A,
  b: B,
): Schema<Infer<A> | Infer<B>> => ({ anyOf: [a, b] });
function object<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O,
  description?: string,
): Schema<Flatten<{ [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> }>> {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: { ...required, ...(optional ?? {}) },
    required: Object.keys(required),
    additionalProperties: false,
  };
}

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
const metrics = either(regressionMetrics, classificationMetrics);

const runReportSchema = object(
  {
    schemaVersion: literal(1),
    tool: object({ name: text(), version: text() }),
    status: oneOf(['completed', 'stopped', 'diverged', 'failed'] as const),
    mode: oneOf(['batch', 'online'] as const),
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
    backend: object({ name: oneOf(['webgl', 'wasm', 'cpu'] as const), reason: text() }, { renderer: text() }),
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
    optimum: object(
      { mse: finite({ minimum: 0 }), loss: finite({ minimum: 0 }) },
      {},
      'Closed-form least squares on the same data (linear models).',
    ),
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
  const errors: string[] = [];
  check(runReportSchema, value, '$', errors);
  return errors;
}

const MAX_ERRORS = 50;

function check(schema: JsonSchemaNode, value: unknown, path: string, errors: string[]): void {
  if (errors.length >= MAX_ERRORS) return;
  if (schema.anyOf) {
    const attempts = schema.anyOf.map((option) => {
      const found: string[] = [];
      check(option, value, path, found);
      return found;
    });
    if (attempts.some((found) => found.length === 0)) return;
    errors.push(...attempts.reduce((a, b) => (b.length < a.length ? b : a)));
    return;
  }
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: must be an object`);
        return;
      }
      const entries = value as Record<string, unknown>;
      for (const key of schema.required ?? [])
        if (!Object.prototype.hasOwnProperty.call(entries, key)) errors.push(`${path}: missing "${key}"`);
      for (const key of Object.keys(entries)) {
        const property =
          schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)
            ? schema.properties[key]
            : undefined;
        const child = `${path}.${key}`;
        if (property) check(property, entries[key], child, errors);
        else if (typeof schema.additionalProperties === 'object')
          check(schema.additionalProperties, entries[key], child, errors);
        else errors.push(`${path}: unknown property "${key}"`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        errors.push(`${path}: must be an array`);
        return;
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        errors.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((item, i) => check(schema.items!, item, `${path}[${i}]`, errors));
      return;
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: must be a string`);
      else {
        if (schema.enum && !schema.enum.includes(value))
          errors.push(`${path}: must be one of ${schema.enum.join(', ')}`);
        if (schema.minLength !== undefined && value.length < schema.minLength)
          errors.push(`${path}: too short`);
        if (schema.pattern && !new RegExp(schema.pattern).test(value))
          errors.push(`${path}: does not match ${schema.pattern}`);
        if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
          errors.push(`${path}: not a date-time`);
      }
      return;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        errors.push(`${path}: must be a finite number`);
        return;
      }
      if (schema.type === 'integer' && !Number.isInteger(value)) errors.push(`${path}: must be an integer`);
      if (schema.minimum !== undefined && value < schema.minimum)
        errors.push(`${path}: must be ≥ ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum)
        errors.push(`${path}: must be ≤ ${schema.maximum}`);
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
        errors.push(`${path}: must be > ${schema.exclusiveMinimum}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: must be a boolean`);
      return;
    default:
      return;
  }
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
