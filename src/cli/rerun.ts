// `csv-trainer rerun REPORT.json [--out NEW.json] [--backend auto|cpu|wasm] [--quiet]`: trains again
// with a saved run's mode, columns, configuration and seed, on the same data: the dataset's sha256 is
// checked first, and a changed or missing file stops the re-run (exit 2) instead of being used.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { modelDifference, rerunPlan } from '../core/rerun';
import type { BackendPreference } from '../core/training/index';
import { fileChunksSync } from '../node/fileSource';
import { EXIT_DIVERGED, EXIT_OK, UsageError, type CliIo } from './io';
import { readReport } from './predict';
import {
  checkReportPath,
  asCliError,
  displayPath,
  formatNumber,
  progressPrinter,
  splitArguments,
  optionReader,
  summary,
  prestartOnlineReader,
  trainAndReport,
  writeRunReport,
} from './train';

export const RERUN_USAGE = `usage: csv-trainer rerun REPORT.json [--out NEW-REPORT.json] [--backend auto|cpu|wasm] [--quiet]
(the dataset is the report's dataset.path, relative to the working directory or to the folder that
holds .csv-trainer/runs; it must still have the sha256 the report recorded)`;

export async function runRerun(args: string[], io: CliIo): Promise<number> {
  const started = performance.now();
  const {
    file: reportFile,
    values,
    switches,
  } = splitArguments(args, ['out', 'backend'], ['quiet'], RERUN_USAGE);
  checkReportPath(io.cwd, values.get('out'));
  const quiet = switches.has('quiet');
  const reportPath = path.resolve(io.cwd, reportFile);
  const report = readReport(reportFile, reportPath);
  const plan = rerunPlan(report);
  const absolute = locateDataset(report.dataset.path, io.cwd, reportPath);
  const shown = displayPath(io.cwd, absolute);
  if (!existsSync(absolute))
    throw new UsageError(
      `${shown}: the run's dataset is missing (${reportFile} names "${report.dataset.path}"); not re-running`,
    );
  prestartOnlineReader(absolute, plan.config);
  const actual = sha256Of(absolute, shown);
  if (actual !== plan.sha256)
    throw new UsageError(
      `${shown}: changed since the run (sha256 ${actual.slice(0, 12)}…, ${reportFile} has ${plan.sha256.slice(0, 12)}…); not re-running`,
    );
  const saved = report.backend.name === 'webgl' ? 'auto' : report.backend.name;
  const backend = optionReader(reportFile, values).choice<BackendPreference>(
    'backend',
    ['auto', 'cpu', 'wasm'],
    saved,
  );
  try {
    const { report: again, result } = await trainAndReport({
      absolute,
      cwd: io.cwd,
      columns: {
        target: plan.target,
        targetKind: plan.targetKind,
        featureNames: plan.features,
        featureRequests: plan.features.map((name, i) => ({ name, kind: plan.featureKinds[i] })),
      },
      config: plan.config,
      backend,
      started,
      onProgress: io.stderrIsTTY && !quiet ? progressPrinter(io) : undefined,
    });
    const out = values.get('out');
    const { shown: written } = await writeRunReport(
      io.cwd,
      again,
      out ? path.resolve(io.cwd, out) : undefined,
    );
    if (!quiet) {
      const difference = modelDifference(report.model, again.model);
      io.stdout(
        summary(again, written) +
          (difference === 0
            ? `  weights: identical to ${reportFile}\n`
            : `  weights: differ from ${reportFile} by up to ${formatNumber(difference)} (backend ${again.backend.name}, the report ran on ${report.backend.name})\n`),
      );
    }
    if (result.status === 'diverged') {
      io.stderr(`csv-trainer: ${shown}: ${result.message ?? 'training diverged'}\n`);
      return EXIT_DIVERGED;
    }
    return EXIT_OK;
  } catch (error) {
    throw asCliError(error, shown, absolute);
  }
}

/** The dataset path as `train` wrote it (relative to its working directory), else relative to the workspace of a report kept in `<root>/.csv-trainer/runs`. */
function locateDataset(datasetPath: string, cwd: string, reportPath: string): string {
  const fromCwd = path.resolve(cwd, datasetPath);
  if (existsSync(fromCwd)) return fromCwd;
  const runs = path.dirname(reportPath);
  if (path.basename(runs) === 'runs' && path.basename(path.dirname(runs)) === '.csv-trainer') {
    const fromWorkspace = path.resolve(path.dirname(path.dirname(runs)), datasetPath);
    if (existsSync(fromWorkspace)) return fromWorkspace;
  }
  return fromCwd;
}

function sha256Of(file: string, shown: string): string {
  const hash = createHash('sha256');
  try {
    for (const chunk of fileChunksSync(file)) hash.update(chunk);
  } catch (error) {
    throw asCliError(error, shown, file);
  }
  return hash.digest('hex');
}
