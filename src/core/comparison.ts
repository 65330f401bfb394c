// The comparison report (`<time>-compare.json`, schemaVersion 1): several runs on the same data, each
// linked by the relative path of its run report. Its JSON Schema and TypeScript type come from one
// source, the schema below (same builders as the run report); esbuild writes the schema to
// dist/comparison.schema.json. Also the pure helpers both the CLI and the extension use to compare
// runs: time to come within 1% of the optimum, and the configuration rows that differ.
import {
  finite,
  integer,
  list,
  literal,
  nothing,
  either,
  object,
  text,
  validateAgainst,
  type Infer,
} from './jsonSchema';
import {
  backendSchema,
  metricsSchema,
  optimumSchema,
  runModeSchema,
  runStatusSchema,
  type RunReport,
} from './report';

// ---- The schema ----

const comparisonRunSchema = object(
  {
    mode: runModeSchema,
    report: text({ description: "The run report, relative to the comparison report's folder." }),
    status: runStatusSchema,
    samplesPerSecond: finite({ minimum: 0 }),
    durationMs: finite({ minimum: 0 }),
    metrics: object({ train: metricsSchema }),
    timeToOptimumMs: either(
      finite({
        minimum: 0,
        description: 'Training time of the first loss point within 1% of the closed-form loss.',
      }),
      nothing(),
    ),
    backend: backendSchema,
  },
  {
    peakRssBytes: integer({
      minimum: 0,
      description: "The CLI process's resident set size while the run trained: the highest value seen.",
    }),
    peakHeapBytes: integer({
      minimum: 0,
      description:
        "The training webview's JavaScript heap (performance.memory.usedJSHeapSize, Chromium only) while the run trained: the highest value seen.",
    }),
    peakTensorBytes: integer({
      minimum: 0,
      description: 'tfjs tensor memory (tf.memory().numBytes) while the run trained: the highest value seen.',
    }),
    memoryNote: text({ description: 'What the memory figures measure, or why none is given.' }),
  },
);

const comparisonReportSchema = object(
  {
    schemaVersion: literal(1),
    kind: literal('comparison'),
    createdAt: text({ format: 'date-time', minLength: 1 }),
    dataset: object({
      path: text({ description: 'Workspace-relative path of the CSV.' }),
      sha256: text({ pattern: '^[0-9a-f]{64}$' }),
      rows: integer({ minimum: 0 }),
    }),
    runs: list(comparisonRunSchema, 100),
  },
  { optimum: optimumSchema },
);

export type ComparisonReport = Infer<typeof comparisonReportSchema>;
export type ComparisonRun = ComparisonReport['runs'][number];

export const comparisonJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://csv-trainer.invalid/comparison.schema.json',
  title: 'CSV Trainer comparison report',
  ...comparisonReportSchema,
};

/** Errors of `value` against the comparison report schema (empty when valid). Strict: no unknown keys. */
export function validateComparison(value: unknown): string[] {
  return validateAgainst(comparisonReportSchema, value);
}

// ---- Building ----

/** "Within 1% of the optimum": the loss a curve must reach, relative to the closed-form loss. */
export const OPTIMUM_TOLERANCE = 0.01;

/** Training time of the first history point whose loss is within 1% of the closed-form loss. */
export function timeToOptimumMs(
  history: readonly Pick<RunReport['history'][number], 'loss' | 'elapsedMs'>[],
  optimum: RunReport['optimum'],
): number | null {
  if (!optimum) return null;
  const reached = history.find((point) => point.loss <= optimum.loss * (1 + OPTIMUM_TOLERANCE));
  return reached ? reached.elapsedMs : null;
}

/** What was measured of a run's memory; which fields depends on where it ran. */
export type RunMemory = Pick<
  ComparisonRun,
  'peakRssBytes' | 'peakHeapBytes' | 'peakTensorBytes' | 'memoryNote'
>;

export function comparisonRun(report: RunReport, reportPath: string, memory: RunMemory): ComparisonRun {
  return {
    mode: report.mode,
    report: reportPath,
    status: report.status,
    samplesPerSecond: report.timing.samplesPerSecond,
    durationMs: report.timing.durationMs,
    ...memory,
    metrics: { train: report.metrics.train },
    timeToOptimumMs: timeToOptimumMs(report.history, report.optimum),
    backend: report.backend,
  };
}

/**
 * The comparison of runs on one file. The optimum is the online run's where there is one: it solves
 * the normal equations over every row, batch only over its training split.
 */
export function buildComparison(
  runs: { report: RunReport; reportPath: string; memory: RunMemory }[],
  createdAt = new Date(),
): ComparisonReport {
  const [first] = runs;
  if (!first) throw new Error('a comparison needs at least one run');
  const optimum =
    runs.find((r) => r.report.mode === 'online' && r.report.optimum)?.report.optimum ??
    runs.find((r) => r.report.optimum)?.report.optimum;
  return {
    schemaVersion: 1,
    kind: 'comparison',
    createdAt: createdAt.toISOString(),
    dataset: {
      path: first.report.dataset.path,
      sha256: first.report.dataset.sha256,
      rows: first.report.dataset.rows,
    },
    runs: runs.map((r) => comparisonRun(r.report, r.reportPath, r.memory)),
    ...(optimum ? { optimum } : {}),
  };
}

// ---- Configuration differences ----

export interface ConfigRow {
  key: string;
  label: string;
  /** One cell per report, as text ('—' where a report has no such setting). */
  values: string[];
  /** Not every report has the same value. */
  differs: boolean;
}

const ABSENT = '—';

const CONFIG_ROWS: readonly { key: string; label: string; value: (r: RunReport) => unknown }[] = [
  { key: 'mode', label: 'mode', value: (r) => r.mode },
  { key: 'status', label: 'status', value: (r) => r.status },
  { key: 'dataset.path', label: 'dataset', value: (r) => r.dataset.path },
  { key: 'dataset.sha256', label: 'dataset sha256', value: (r) => r.dataset.sha256.slice(0, 12) },
  { key: 'dataset.rowsUsed', label: 'rows used', value: (r) => r.dataset.rowsUsed },
  { key: 'dataset.target', label: 'target', value: (r) => r.dataset.target },
  { key: 'dataset.features', label: 'features', value: (r) => r.dataset.features.join(', ') },
  { key: 'config.model', label: 'model', value: (r) => r.config.model },
  {
    key: 'config.hidden',
    label: 'hidden layers',
    value: (r) => (r.config.model === 'mlp' ? r.config.hidden.join(', ') : undefined),
  },
  { key: 'config.learningRate', label: 'learning rate', value: (r) => r.config.learningRate },
  { key: 'config.lrSchedule', label: 'lr schedule', value: (r) => r.config.lrSchedule },
  {
    key: 'config.batchSize',
    label: 'batch size',
    value: (r) => (r.mode === 'batch' ? r.config.batchSize : 1),
  },
  { key: 'config.epochs', label: 'epochs / passes', value: (r) => r.config.epochs },
  { key: 'config.seed', label: 'seed', value: (r) => r.config.seed },
  { key: 'config.shuffle', label: 'shuffle', value: (r) => r.config.shuffle },
  { key: 'config.normalize', label: 'normalize', value: (r) => r.config.normalize },
  { key: 'config.bias', label: 'bias', value: (r) => r.config.bias },
  { key: 'config.validationSplit', label: 'validation split', value: (r) => r.config.validationSplit },
  { key: 'config.optimizer', label: 'optimizer', value: (r) => r.config.optimizer },
  { key: 'config.loss', label: 'loss', value: (r) => r.config.loss },
  { key: 'config.missing', label: 'missing values', value: (r) => r.config.missing },
  {
    key: 'config.earlyStoppingPatience',
    label: 'early stopping',
    value: (r) => r.config.earlyStoppingPatience,
  },
  { key: 'backend.name', label: 'backend', value: (r) => r.backend.name },
  { key: 'backend.renderer', label: 'renderer', value: (r) => r.backend.renderer },
  { key: 'tool.version', label: 'tool version', value: (r) => r.tool.version },
];

/**
 * The configuration of N reports side by side, one row per setting; rows no report has are left
 * out. `differs` marks the rows where not all reports agree (the "differences only" view).
 */
export function configRows(reports: readonly RunReport[]): ConfigRow[] {
  const rows: ConfigRow[] = [];
  for (const { key, label, value } of CONFIG_ROWS) {
    const raw = reports.map(value);
    if (raw.every((v) => v === undefined)) continue;
    const values = raw.map((v) => (v === undefined ? ABSENT : String(v)));
    rows.push({ key, label, values, differs: new Set(values).size > 1 });
  }
  return rows;
}

/** Only the rows where the reports disagree. */
export function configDifferences(reports: readonly RunReport[]): ConfigRow[] {
  return configRows(reports).filter((row) => row.differs);
}

/**
 * Short labels for the legend and the tables: `<time>-<mode>.json` (the names the extension and the
 * CLI give) becomes "online 23:25:35.481", with the date where the runs are not all of one day.
 * Other names are kept, less `.json`.
 */
export function runLabels(fileNames: string[]): string[] {
  const parsed = fileNames.map((name) =>
    /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})-(.+)\.json$/i.exec(name),
  );
  const days = new Set(parsed.flatMap((m) => (m ? [m[1]] : [])));
  const labels = fileNames.map((name, i) => {
    const m = parsed[i];
    if (!m) return name.replace(/\.json$/i, '');
    const time = `${m[2]}:${m[3]}:${m[4]}.${m[5]}`;
    return `${m[6]} ${days.size > 1 ? `${m[1]} ` : ''}${time}`;
  });
  // two files can only shorten to the same label in odd cases: then the names say it best
  return new Set(labels).size === labels.length ? labels : fileNames.map((n) => n.replace(/\.json$/i, ''));
}

/**
 * A link a comparison report may hold (and a comparison view may ask to restore): plain names joined
 * by `/` — not absolute, no `.` or `..` segment, no backslash or drive — so it stays below its folder.
 */
export function isPlainRelativePath(path: string): boolean {
  return (
    path.length > 0 &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !path.includes(':') &&
    path.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

/**
 * The workspace folder (an index into `folderNames`) and the path inside it that a saved
 * `workspace.asRelativePath(uri, true)` names: in a workspace of several folders that path starts
 * with the folder's name, in a workspace of one it does not. A path that names no folder (one saved
 * before the folder was part of it) is read as inside the first. Undefined without folders, or for
 * a path that is not plain (see isPlainRelativePath).
 */
export function workspacePathOf(
  saved: string,
  folderNames: readonly string[],
): { folder: number; path: string } | undefined {
  if (folderNames.length === 0 || !isPlainRelativePath(saved)) return undefined;
  if (folderNames.length > 1) {
    // The longest name that prefixes the path: a folder name may itself hold a slash.
    let best: { folder: number; path: string } | undefined;
    folderNames.forEach((name, folder) => {
      const rest = saved.startsWith(`${name}/`) ? saved.slice(name.length + 1) : undefined;
      if (rest && isPlainRelativePath(rest) && (!best || best.path.length > rest.length))
        best = { folder, path: rest };
    });
    if (best) return best;
  }
  return { folder: 0, path: saved };
}
