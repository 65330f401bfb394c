// `csv-trainer predict REPORT.json FILE [--out PRED.csv] [--quiet]`: a saved run's model applied to a
// CSV with the same feature columns, streamed chunk by chunk (bounded memory whatever the file size)
// into a predictions CSV written atomically beside it. Exit 2 on bad input, nothing written.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readRowChunks } from '../core/csv/index';
import { validateReport, type RunReport } from '../core/report';
import {
  predictionLines,
  predictionsFileName,
  Predictor,
  ReportModelError,
  type PredictionSummary,
} from '../core/training/predict';
import { fileChunksSync, fileSize } from '../node/fileSource';
import { OutputExistsError, writeNewFileAtomically } from '../node/newFileWriter';
import { EXIT_OK, UsageError, type CliIo } from './io';
import { asCliError, displayPath } from './train';

export const PREDICT_USAGE = `usage: csv-trainer predict REPORT.json FILE [--out PREDICTIONS.csv] [--quiet]
(default output: FILE's name with .predictions.csv, beside it; an existing file is never replaced)`;

const PREDICT_CHUNK_ROWS = 16384;

export async function runPredict(args: string[], io: CliIo): Promise<number> {
  const { reportFile, file, out, quiet } = parseArguments(args);
  const report = readReport(reportFile, path.resolve(io.cwd, reportFile));
  let predictor: Predictor;
  try {
    predictor = Predictor.fromReport(report);
  } catch (error) {
    if (error instanceof ReportModelError) throw new UsageError(`${reportFile}: ${error.message}`);
    throw error;
  }
  const absolute = path.resolve(io.cwd, file);
  const target = out ? path.resolve(io.cwd, out) : defaultPredictionsPath(absolute);
  if (out && existsSync(target))
    throw new UsageError(`${out}: already exists; it is never overwritten (remove it or pass another --out)`);
  const summary: PredictionSummary = { rows: 0, missing: 0 };
  let written: string;
  try {
    const totalBytes = await fileSize(absolute);
    const chunks = readRowChunks(fileChunksSync(absolute), predictor.requests, {
      chunkRows: PREDICT_CHUNK_ROWS,
      totalBytes,
      rejectNonNumbers: true,
    });
    written = await writeNewFileAtomically(
      target,
      predictionLines(predictor, chunks, summary),
      out ? 'fail' : 'next-free',
    );
  } catch (error) {
    if (error instanceof OutputExistsError)
      throw new UsageError(
        `${displayPath(io.cwd, error.file)}: already exists; it is never overwritten (remove it or pass another --out)`,
      );
    throw asCliError(error, file, absolute);
  }
  if (!quiet)
    io.stdout(
      `predicted ${summary.rows - summary.missing} of ${summary.rows} rows with ${report.config.model} ${report.mode} run of ${report.createdAt}` +
        (summary.missing > 0
          ? ` (${summary.missing} left empty: a feature is missing and the run drops such rows)`
          : '') +
        `\n  predictions: ${displayPath(io.cwd, written)}\n`,
    );
  return EXIT_OK;
}

/** `data.csv` → `data.predictions.csv`, in the same folder. */
export function defaultPredictionsPath(csv: string): string {
  return path.join(path.dirname(csv), predictionsFileName(path.basename(csv)));
}

/** A run report from disk, validated against the schema; anything else is a UsageError naming the file. */
export function readReport(shown: string, absolute: string): RunReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : `not readable JSON (${error instanceof Error ? error.message : String(error)})`;
    throw new UsageError(`${shown}: ${reason}`);
  }
  const problems = validateReport(parsed);
  if (problems.length > 0)
    throw new UsageError(`${shown}: not a CSV Trainer run report (${problems.slice(0, 2).join('; ')})`);
  return parsed as RunReport;
}

function parseArguments(args: string[]): { reportFile: string; file: string; out?: string; quiet: boolean } {
  const positional: string[] = [];
  let out: string | undefined;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--quiet') quiet = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      out = arg === '--out' ? args[++i] : arg.slice('--out='.length);
      if (!out) throw new UsageError('--out needs a value');
    } else if (arg.startsWith('--'))
      throw new UsageError(`unknown option "${arg.split('=')[0]}"\n${PREDICT_USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 2)
    throw new UsageError(
      positional.length < 2
        ? `predict needs REPORT.json and FILE\n${PREDICT_USAGE}`
        : `predict takes REPORT.json and one FILE (got ${positional.join(', ')})`,
    );
  return { reportFile: positional[0], file: positional[1], out, quiet };
}
