// `csv-trainer compare FILE --target COL …`: trains batch and online on the same file, seed and
// config, writes both run reports and a comparison report that links them, and prints the two side
// by side. Exit codes as `train`: 0 done, 2 bad input (one line, nothing written), 3 a run diverged
// (every report still written).
import * as path from 'node:path';
import { buildComparison, type ComparisonReport, type RunMemory } from '../core/comparison';
import type { RunReport } from '../core/report';
import type { LossPoint, TrainConfig } from '../core/training/index';
import { writeReportAtomically } from '../node/reportWriter';
import { EXIT_DIVERGED, EXIT_OK, type CliIo } from './io';
import {
  asWriteError,
  checkFolderPath,
  TRAINING_OPTIONS,
  asCliError,
  displayPath,
  formatNumber,
  optionReader,
  progressPrinter,
  requireTarget,
  resolveColumns,
  splitArguments,
  timestamp,
  trainAndReport,
  trainingOptions,
  writeRunReport,
} from './train';

export const COMPARE_USAGE = `usage: csv-trainer compare FILE --target COL [--features A,B,…]
                  [--model linear|logistic|softmax|mlp] [--hidden 64,64]
                  [--lr 0.01] [--batch-size 32] [--epochs 10] [--online-passes 1] [--seed 42]
                  [--shuffle true|false] [--normalize standard|none] [--bias true|false]
                  [--validation-split 0] [--backend auto|cpu|wasm]
                  [--out-dir DIR] [--json] [--quiet]
(--epochs and --batch-size drive the batch run; the online run reads the file --online-passes times)`;

const DEFAULT_OUT_DIR = path.join('.csv-trainer', 'runs');
const RSS_SAMPLE_MS = 50;

export async function runCompare(args: string[], io: CliIo): Promise<number> {
  const { file, values, switches } = splitArguments(
    args,
    [...TRAINING_OPTIONS, 'online-passes', 'out-dir'],
    ['json', 'quiet'],
    COMPARE_USAGE,
  );
  const quiet = switches.has('quiet');
  const configs = compareConfigs(file, values);
  const absolute = path.isAbsolute(file) ? file : path.resolve(io.cwd, file);
  const outDir = path.resolve(io.cwd, values.get('out-dir') ?? DEFAULT_OUT_DIR);
  checkFolderPath(outDir, `--out-dir ${values.get('out-dir') ?? DEFAULT_OUT_DIR}`);
  try {
    // Both runs use the same model, so one check of the columns holds for both.
    const columns = await resolveColumns(file, absolute, configs.target, configs.features, configs.batch);
    // Train both before writing anything: bad input found by the second run must leave no files.
    const runs = [];
    for (const config of [configs.batch, configs.online]) {
      const rss = rssSampler();
      const printer = io.stderrIsTTY && !quiet ? progressPrinter(io) : undefined;
      const onProgress = (points: LossPoint[], done?: boolean) => {
        rss.sample();
        printer?.(points, done);
      };
      const started = performance.now();
      const { report } = await trainAndReport({
        absolute,
        cwd: io.cwd,
        columns,
        config,
        backend: configs.backend,
        started,
        onProgress,
      });
      runs.push({ report, peakRssBytes: rss.stop() });
    }

    const comparisonName = `${timestamp()}-compare.json`;
    const linked: { report: RunReport; reportPath: string; memory: RunMemory }[] = [];
    const shownPaths: string[] = [];
    for (const { report, peakRssBytes } of runs) {
      const { written, shown } = await writeRunReport(
        io.cwd,
        report,
        path.join(outDir, `${timestamp()}-${report.mode}.json`),
      );
      shownPaths.push(shown);
      const reportPath = path.relative(outDir, written).split(path.sep).join('/');
      linked.push({ report, reportPath, memory: { peakRssBytes } });
    }
    const comparison: ComparisonReport = buildComparison(linked);
    const comparisonPath = await writeReportAtomically(outDir, comparisonName, comparison, {
      workspaceRoot: io.cwd,
    }).catch((error: unknown) => {
      throw asWriteError(error, displayPath(io.cwd, path.join(outDir, comparisonName)));
    });

    if (switches.has('json')) io.stdout(JSON.stringify(comparison, null, 2) + '\n');
    else if (!quiet) io.stdout(comparisonTable(comparison, shownPaths, displayPath(io.cwd, comparisonPath)));
    const diverged = runs.filter((r) => r.report.status === 'diverged');
    for (const { report } of diverged)
      io.stderr(`csv-trainer: ${file}: ${report.mode}: ${report.message ?? 'training diverged'}\n`);
    return diverged.length > 0 ? EXIT_DIVERGED : EXIT_OK;
  } catch (error) {
    throw asCliError(error, file, absolute);
  }
}

/**
 * The batch config from the training flags, and the online config from the same flags with
 * --online-passes as its number of passes. The validation split defaults to 0 here so that both
 * runs learn from the same rows and their train metrics and optimum are comparable.
 */
function compareConfigs(
  file: string,
  values: Map<string, string>,
): {
  target: string;
  features?: string[];
  backend: ReturnType<typeof trainingOptions>['backend'];
  batch: TrainConfig;
  online: TrainConfig;
} {
  requireTarget(file, values, COMPARE_USAGE);
  const batchValues = new Map(values);
  if (!batchValues.has('validation-split')) batchValues.set('validation-split', '0');
  const batch = trainingOptions(file, batchValues, 'batch', COMPARE_USAGE);
  const passes = optionReader(file, values).number(
    'online-passes',
    1,
    (n) => n >= 1 && n <= 100000,
    'an integer from 1 to 100000',
    true,
  );
  const onlineValues = new Map(values);
  onlineValues.set('epochs', String(passes));
  const online = trainingOptions(file, onlineValues, 'online', COMPARE_USAGE);
  return {
    target: batch.target,
    features: batch.features,
    backend: batch.backend,
    batch: batch.config,
    online: online.config,
  };
}

/**
 * Peak resident memory while a run trains. Training yields to the event loop between chunks and
 * reports progress, so a timer plus a sample at each progress call sees the peaks; RSS is the
 * whole process's, so the second run's figure includes what the first left for the GC.
 */
function rssSampler(): { sample(): void; stop(): number } {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  timer.unref();
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

// ---- The table ----

function comparisonTable(
  comparison: ComparisonReport,
  reportPaths: string[],
  comparisonPath: string,
): string {
  const regression = comparison.runs.every((run) => 'mse' in run.metrics.train);
  const metricHeads = regression ? ['train MSE', 'RMSE', 'R²'] : ['log-loss', 'accuracy'];
  const header = [
    'mode',
    'status',
    ...metricHeads,
    'samples/s',
    'peak RSS',
    'to 1% of opt.',
    'backend',
    'report',
  ];
  const rows = comparison.runs.map((run, index) => {
    const train = run.metrics.train;
    const metricCells =
      'mse' in train
        ? [formatNumber(train.mse), formatNumber(train.rmse), formatNumber(train.r2)]
        : [formatNumber(train.logLoss), `${(train.accuracy * 100).toFixed(2)}%`];
    return [
      run.mode,
      run.status,
      ...metricCells,
      Math.round(run.samplesPerSecond).toLocaleString('en-US'),
      run.peakRssBytes === undefined ? '—' : `${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      run.timeToOptimumMs === null ? '—' : `${(run.timeToOptimumMs / 1000).toFixed(3)} s`,
      run.backend.name,
      reportPaths[index],
    ];
  });
  const widths = header.map((head, column) =>
    Math.max(head.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const lines = [
    `${comparison.dataset.path}: ${comparison.dataset.rows} rows`,
    line(header),
    ...rows.map(line),
  ];
  if (comparison.optimum) lines.push(`least-squares optimum: MSE ${formatNumber(comparison.optimum.mse)}`);
  lines.push(`comparison: ${comparisonPath}`);
  return lines.join('\n') + '\n';
}
