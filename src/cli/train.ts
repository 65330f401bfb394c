// `csv-trainer train FILE --target COL --mode batch|online …`: the same engine and report as the
// extension. Exit codes: 0 done, 2 bad input or arguments (one line on stderr, nothing written),
// 3 diverged (report written with status "diverged").
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import packageJson from '../../package.json';
import { loadColumns, profileCsv, readRowChunks } from '../core/csv/index';
import { CsvError, type ColumnKind, type ColumnProfile, type ColumnRequest } from '../core/csv/types';
import { EQUATION_TERMS, linearEquation } from '../core/equation';
import { buildReport, validateReport, type RunReport } from '../core/report';
import {
  DEFAULT_CONFIG,
  TrainingInputError,
  resolveTask,
  selectBackend,
  trainBatch,
  trainOnline,
  type BackendPreference,
  type LossPoint,
  type TrainConfig,
  type TrainResult,
} from '../core/training/index';
import { fileChunksSync, fileSize } from '../node/fileSource';
import { ReportFolderError, writeReportAtomically } from '../node/reportWriter';
import { prestartRowWorker, rowWorkerScript, workerRowChunks } from '../node/rowWorker';
import { EXIT_DIVERGED, EXIT_OK, UsageError, type CliIo } from './io';

export const TRAIN_USAGE = `usage: csv-trainer train FILE --target COL [--features A,B,…] --mode batch|online
                  [--model linear|logistic|softmax|mlp] [--hidden 64,64]
                  [--lr 0.01] [--batch-size 32] [--epochs 10] [--seed 42]
                  [--shuffle true|false] [--normalize standard|none] [--bias true|false]
                  [--validation-split 0.2] [--backend auto|cpu|wasm]
                  [--out REPORT.json] [--quiet]
(online: --epochs is the number of passes over the file, 1 by default: the file is read once)`;

/**
 * Column types are inferred from the file's first bytes (a full profile would read it twice):
 * 256 KB is some 1,500 rows of 16 numbers, 5,000 of 4. It is on every run's critical path, cold
 * code at that: 1 MB took ~0.1 s of a 0.7 s run on 1M rows.
 */
const TYPE_SAMPLE_BYTES = 256 * 1024;
const ONLINE_CHUNK_ROWS = 16384;
/** Smaller files are parsed on the main thread: a worker costs more to start than it saves. */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;
const DEFAULT_REPORTS_FOLDER = path.join('.csv-trainer', 'runs');

interface TrainArguments {
  file: string;
  target: string;
  features?: string[];
  config: TrainConfig;
  backend: BackendPreference;
  out?: string;
  quiet: boolean;
}

export async function runTrain(args: string[], io: CliIo): Promise<number> {
  const started = performance.now();
  const parsed = parseArguments(args);
  const { file } = parsed;
  const absolute = path.isAbsolute(file) ? file : path.resolve(io.cwd, file);
  checkReportPath(io.cwd, parsed.out);
  try {
    prestartOnlineReader(absolute, parsed.config);
    const columns = await resolveColumns(file, absolute, parsed.target, parsed.features, parsed.config);
    const progress = io.stderrIsTTY && !parsed.quiet ? progressPrinter(io) : undefined;
    const { report, result } = await trainAndReport({
      absolute,
      cwd: io.cwd,
      columns,
      config: parsed.config,
      backend: parsed.backend,
      started,
      onProgress: progress,
    });
    const outPath = parsed.out ? path.resolve(io.cwd, parsed.out) : undefined;
    const { shown } = await writeRunReport(io.cwd, report, outPath);
    if (!parsed.quiet) io.stdout(summary(report, shown, columns.notes));
    if (result.status === 'diverged') {
      io.stderr(`csv-trainer: ${file}: ${result.message ?? 'training diverged'}\n`);
      return EXIT_DIVERGED;
    }
    return EXIT_OK;
  } catch (error) {
    throw asCliError(error, file, absolute);
  }
}

// ---- Building blocks shared with `csv-trainer compare` ----

/**
 * Online parsing runs on a second thread while this one trains, for files big enough to repay the
 * worker's start (tens of milliseconds); see src/node/rowWorker.ts.
 */
function onlineReaderScript(totalBytes: number): string | undefined {
  return totalBytes >= WORKER_MIN_BYTES ? rowWorkerScript() : undefined;
}

/** Starts an online run's reader thread early, so that it is up by the time the file is read. */
export function prestartOnlineReader(absolute: string, config: TrainConfig): void {
  if (config.mode !== 'online') return;
  let size: number;
  try {
    size = statSync(absolute).size;
  } catch {
    return; // the run says what is wrong with the file
  }
  const script = onlineReaderScript(size);
  if (script !== undefined) prestartRowWorker(script);
}

/** The columns of one run: what to read from the file, and as what. */
export interface RunColumns {
  target: string;
  featureNames: string[];
  featureRequests: ColumnRequest[];
  targetKind: ColumnKind;
  /** What the user should know about the columns (a renamed header), for the summary. */
  notes?: string[];
}

/** Checks the file, the target and the features against a sample of the file; bad input is a UsageError. */
export async function resolveColumns(
  file: string,
  absolute: string,
  target: string,
  features: string[] | undefined,
  config: TrainConfig,
): Promise<RunColumns> {
  const fail = (message: string): never => {
    throw new UsageError(`${file}: ${message}`);
  };
  await fileSize(absolute); // a missing file, a folder or a pipe: one line from the file source
  const { columns, wholeFile, headerNotes } = await sampleColumnTypes(absolute);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const targetProfile =
    byName.get(target) ?? fail(`unknown target column "${target}" (columns: ${columnList(columns)})`);
  const targetKind = targetKindFor(config, targetProfile, fail);
  const task = resolveTask(config, targetKind);
  // On a sample that is the whole file this is exact; otherwise the engine checks at the end.
  if (task.kind === 'classification' && wholeFile && targetProfile.distinct < 2)
    fail(
      `target "${target}" has ${targetProfile.distinct === 0 ? 'no values' : 'one class'}; classification needs at least two`,
    );
  const featureNames =
    features ??
    columns
      .filter((c) => c.name !== target && (c.type === 'number' || c.type === 'integer'))
      .map((c) => c.name);
  if (featureNames.length === 0) fail('no numeric feature columns (name them with --features)');
  const featureRequests: ColumnRequest[] = featureNames.map((name) => {
    const profile =
      byName.get(name) ?? fail(`unknown feature column "${name}" (columns: ${columnList(columns)})`);
    if (name === target) fail(`column "${name}" is both the target and a feature`);
    return { name, kind: featureKindFor(profile, fail) };
  });
  return { target, featureNames, featureRequests, targetKind, notes: headerNotes };
}

export interface RunRequest {
  absolute: string;
  /** Report paths are relative to it. */
  cwd: string;
  columns: RunColumns;
  config: TrainConfig;
  backend: BackendPreference;
  /** performance.now() when the run began: the report's durationMs counts from here. */
  started: number;
  /** Called with the loss history as it grows, and once with done = true after training. */
  onProgress?: (points: LossPoint[], done?: boolean) => void;
}

/** Reads the file (hashing it on the way), trains in config.mode and builds the validated report. */
export async function trainAndReport(
  request: RunRequest,
): Promise<{ report: RunReport; result: TrainResult }> {
  const { absolute, columns, config } = request;
  const { featureNames, featureRequests, targetKind } = columns;
  const requests = [...featureRequests, { name: columns.target, kind: targetKind }];
  const backend = await selectBackend(request.backend, {
    browser: false,
    wasmPath: wasmDirectory(),
    workload:
      config.mode === 'batch' && (config.model === 'mlp' || config.model === 'softmax')
        ? 'batch'
        : 'per-sample',
  });
  const progress = request.onProgress;
  const hash = new FileHash(absolute);
  const totalBytes = await fileSize(absolute);
  let rows = 0;
  let result: TrainResult;
  if (config.mode === 'batch') {
    const loaded = await loadColumns(hash.hashing(fileChunksSync(absolute)), requests, { totalBytes });
    rows = loaded.rows + loaded.skippedRows;
    const [target, ...reversedFeatures] = [...loaded.columns].reverse();
    result = await trainBatch({ features: reversedFeatures.reverse(), target }, config, {
      onProgress: progress,
    });
    result.rowsSkipped += loaded.skippedRows;
  } else {
    let pass = 0;
    const script = onlineReaderScript(totalBytes);
    const open = () => {
      pass++;
      if (script !== undefined)
        return workerRowChunks(script, absolute, requests, {
          chunkRows: ONLINE_CHUNK_ROWS,
          totalBytes,
          // The reader thread hashes the file as it reads it (the first pass).
          onSha256: pass === 1 ? (hex) => hash.adopt(hex) : undefined,
        });
      const bytes = fileChunksSync(absolute);
      return readRowChunks(pass === 1 ? hash.hashing(bytes) : bytes, requests, {
        chunkRows: ONLINE_CHUNK_ROWS,
        totalBytes,
      });
    };
    const layout = {
      features: featureNames,
      target: columns.target,
      featureKinds: featureRequests.map((r) => r.kind),
      targetKind,
    };
    result = await trainOnline(open, layout, config, { onProgress: progress });
    rows = result.rowsUsed + result.rowsSkipped;
  }
  progress?.([], true);
  const sha256 = hash.digest();

  const report = buildReport({
    tool: { name: 'csv-trainer', version: packageJson.version },
    mode: config.mode,
    config,
    result,
    dataset: {
      path: path.relative(request.cwd, absolute).split(path.sep).join('/'),
      sha256,
      rows,
      target: columns.target,
      features: featureNames,
    },
    backend,
    durationMs: performance.now() - request.started,
  });
  const problems = validateReport(report);
  if (problems.length > 0)
    throw new Error(`the run report does not match its schema: ${problems.slice(0, 3).join('; ')}`);
  return { report, result };
}

/** Writes the report to outPath, or to the default reports folder, never replacing a file. */
export async function writeRunReport(
  cwd: string,
  report: RunReport,
  outPath?: string,
): Promise<{ written: string; shown: string }> {
  const target = outPath ?? path.join(cwd, DEFAULT_REPORTS_FOLDER, `${timestamp()}-${report.mode}.json`);
  try {
    const written = await writeReportAtomically(path.dirname(target), path.basename(target), report, {
      workspaceRoot: cwd,
    });
    return { written, shown: displayPath(cwd, written) };
  } catch (error) {
    throw asWriteError(error, displayPath(cwd, target));
  }
}

/**
 * Refuses, before any training, an --out that cannot name a new report: not a .json name, an
 * existing folder, or a path through something that is not a folder. (An existing report is
 * not replaced: the new one takes the next free name, NAME-2.json, and the summary says which.)
 */
export function checkReportPath(cwd: string, out: string | undefined): void {
  if (out === undefined) return;
  const absolute = path.resolve(cwd, out);
  if (/[\\/]$/.test(out) || isFolder(absolute))
    throw new UsageError(
      `--out ${out} is a folder; name the report file, such as ${path.join(out, 'report.json')}`,
    );
  if (!/\.json$/i.test(out)) throw new UsageError(`--out must name a .json file (got "${out}")`);
  checkFolderPath(path.dirname(absolute), `--out ${out}`);
}

/** Column names for a message, quoted where spaces at their ends would not show. */
function columnList(columns: { name: string }[]): string {
  return columns
    .map(({ name }) => (name.trim() === name && name !== '' ? name : JSON.stringify(name)))
    .join(', ');
}

/** Refuses a folder path that runs through a file (the folders missing at its end are made). */
export function checkFolderPath(folder: string, what: string): void {
  for (let at = folder; ; at = path.dirname(at)) {
    let stat;
    try {
      stat = statSync(at);
    } catch {
      if (path.dirname(at) === at) return;
      continue; // missing: made when the report is written
    }
    if (!stat.isDirectory()) throw new UsageError(`${what}: ${at} is not a folder`);
    return;
  }
}

function isFolder(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}

/** A file-system error while writing a report, as one line naming the path and the reason. */
export function asWriteError(error: unknown, shown: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || error instanceof ReportFolderError) return error;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    ENOENT: 'it cannot be created there',
  };
  return new UsageError(`cannot write ${shown}: ${reasons[code] ?? code}`);
}

/** Relative to the working directory when the file is inside it, absolute otherwise. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Turns engine and file errors into the CLI's one-line errors, naming the file as the user typed it. */
export function asCliError(error: unknown, file: string, absolute: string): unknown {
  if (error instanceof TrainingInputError) return new UsageError(`${file}: ${error.message}`);
  if (error instanceof ReportFolderError) return new UsageError(error.message);
  if (error instanceof CsvError) {
    const where =
      error.line !== undefined ? `:${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : '';
    // The location leads (file:line:column); the core's own "line N" opening would say it twice.
    const text =
      error.line !== undefined
        ? error.message.replace(new RegExp(`^line ${error.line}(: |, )`), '')
        : error.message;
    const message = error.code === 'io' ? error.message.replace(absolute, file) : `${file}${where}: ${text}`;
    return new CsvError(error.code, message, error.line, error.column);
  }
  return error;
}

// ---- Arguments ----

function parseArguments(args: string[]): TrainArguments {
  const { file, values, switches } = splitArguments(
    args,
    [...TRAINING_OPTIONS, 'mode', 'out'],
    ['quiet'],
    TRAIN_USAGE,
  );
  requireTarget(file, values, TRAIN_USAGE);
  if (!values.has('mode')) throw new UsageError(`${file}: --mode batch|online is required`);
  const mode = optionReader(file, values).choice('mode', ['batch', 'online'] as const, 'batch');
  return {
    file,
    ...trainingOptions(file, values, mode),
    out: values.get('out'),
    quiet: switches.has('quiet'),
  };
}

/** The options that configure training, shared by `train` and `compare`. */
export const TRAINING_OPTIONS = [
  'target',
  'features',
  'model',
  'hidden',
  'lr',
  'batch-size',
  'epochs',
  'seed',
  'shuffle',
  'normalize',
  'bias',
  'validation-split',
  'backend',
] as const;

/**
 * `--name value` and `--name=value` options (given twice, the last one counts, as with most
 * tools), bare switches and exactly one FILE; anything else is a UsageError.
 */
export function splitArguments(
  args: string[],
  valueOptions: readonly string[],
  switchOptions: readonly string[],
  usage: string,
): { file: string; values: Map<string, string>; switches: Set<string> } {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const files: string[] = [];
  const known = new Set(valueOptions);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--') && switchOptions.includes(arg.slice(2))) {
      switches.add(arg.slice(2));
      continue;
    }
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (!known.has(name)) throw new UsageError(`unknown option "--${name}"; ${helpHint(usage)}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value.trim() === '') throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  if (files.length !== 1)
    throw new UsageError(
      files.length === 0 ? `missing FILE; ${helpHint(usage)}` : `one FILE only (got ${files.join(', ')})`,
    );
  return { file: files[0], values, switches };
}

export function requireTarget(file: string, values: Map<string, string>, usage: string): string {
  const target = values.get('target');
  if (!target) throw new UsageError(`${file}: --target is required; ${helpHint(usage)}`);
  return target;
}

/** The pointer to the usage that ends a usage error's one line: the command's own first line. */
export function helpHint(usage: string): string {
  const command = /csv-trainer \w+/.exec(usage)?.[0];
  return command ? `usage: ${command} --help` : 'usage: csv-trainer --help';
}

/** A plain decimal number, as typed: digits, an optional point and exponent (not "0x10", "1_000"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Typed readers of option values; a bad value is a UsageError naming the file and the flag. */
export function optionReader(file: string, values: Map<string, string>) {
  const bad = (flag: string, expected: string): never => {
    throw new UsageError(`${file}: --${flag} must be ${expected} (got "${values.get(flag)}")`);
  };
  const choice = <T extends string>(flag: string, options: readonly T[], fallback: T): T => {
    const value = values.get(flag);
    if (value === undefined) return fallback;
    return (options as readonly string[]).includes(value) ? (value as T) : bad(flag, options.join(' or '));
  };
  const number = (
    flag: string,
    fallback: number,
    valid: (n: number) => boolean,
    expected: string,
    integer = false,
  ): number => {
    const value = values.get(flag);
    if (value === undefined) return fallback;
    const n = DECIMAL.test(value.trim()) ? Number(value) : NaN;
    return Number.isFinite(n) && (!integer || Number.isInteger(n)) && valid(n) ? n : bad(flag, expected);
  };
  const flag = (name: string, fallback: boolean): boolean =>
    choice(name, ['true', 'false'] as const, fallback ? 'true' : 'false') === 'true';
  return { bad, choice, number, flag };
}

/** The training configuration for `mode` from the TRAINING_OPTIONS in `values`. */
export function trainingOptions(
  file: string,
  values: Map<string, string>,
  mode: TrainConfig['mode'],
  usage = TRAIN_USAGE,
): Pick<TrainArguments, 'target' | 'features' | 'config' | 'backend'> {
  const target = requireTarget(file, values, usage);
  const { bad, choice, number, flag } = optionReader(file, values);
  const features = values.has('features')
    ? values
        .get('features')!
        .split(',')
        .map((f) => f.trim())
    : undefined;
  if (features && (features.length === 0 || features.some((f) => f === '')))
    bad('features', 'a comma-separated list of column names');
  const hiddenText = values.get('hidden');
  const hidden =
    hiddenText === undefined ? DEFAULT_CONFIG.hidden : hiddenText.split(',').map((h) => Number(h.trim()));
  if (hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 4096)) bad('hidden', 'layer sizes like 64,64');
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    mode,
    model: choice('model', ['linear', 'logistic', 'softmax', 'mlp'] as const, 'linear'),
    hidden,
    learningRate: number('lr', DEFAULT_CONFIG.learningRate, (n) => n > 0 && n <= 10, 'a number in (0, 10]'),
    batchSize: number(
      'batch-size',
      DEFAULT_CONFIG.batchSize,
      (n) => n >= 1 && n <= 1048576,
      'an integer from 1 to 1048576',
      true,
    ),
    epochs: number(
      'epochs',
      mode === 'online' ? 1 : DEFAULT_CONFIG.epochs,
      (n) => n >= 1 && n <= 100000,
      'an integer from 1 to 100000',
      true,
    ),
    seed: number(
      'seed',
      DEFAULT_CONFIG.seed,
      (n) => n >= 0 && n <= 4294967295,
      'an integer from 0 to 4294967295',
      true,
    ),
    // Online training keeps the stream's order by definition.
    shuffle: mode === 'online' ? false : flag('shuffle', true),
    normalize: choice('normalize', ['standard', 'none'] as const, 'standard'),
    bias: flag('bias', true),
    validationSplit:
      mode === 'online'
        ? 0
        : number(
            'validation-split',
            DEFAULT_CONFIG.validationSplit,
            (n) => n >= 0 && n <= 0.9,
            'a number from 0 to 0.9',
          ),
  };
  return { target, features, config, backend: choice('backend', ['auto', 'cpu', 'wasm'] as const, 'auto') };
}

// ---- Columns ----

/** Profiles the first TYPE_SAMPLE_BYTES of the file, cut at a line end. */
async function sampleColumnTypes(
  file: string,
): Promise<{ columns: ColumnProfile[]; wholeFile: boolean; headerNotes: string[] }> {
  const descriptor = openSync(file, 'r');
  let sample: Uint8Array;
  let wholeFile = true;
  try {
    const buffer = new Uint8Array(TYPE_SAMPLE_BYTES);
    const length = readSync(descriptor, buffer, 0, TYPE_SAMPLE_BYTES, 0);
    sample = buffer.subarray(0, length);
    if (length === TYPE_SAMPLE_BYTES) {
      wholeFile = false;
      const lastNewline = sample.lastIndexOf(10);
      if (lastNewline > 0) sample = sample.subarray(0, lastNewline + 1);
    }
  } finally {
    closeSync(descriptor);
  }
  const profile = await profileCsv([sample], { skipMalformedRows: true, typesOnly: true });
  // Header fixes (a duplicate or empty name renamed) are on line 1: the names to use are the new ones.
  const headerNotes = profile.problems.filter((p) => p.line === 1).map((p) => `line 1: ${p.message}`);
  return { columns: profile.columns, wholeFile, headerNotes };
}

function targetKindFor(config: TrainConfig, profile: ColumnProfile, fail: (m: string) => never): ColumnKind {
  const numeric = profile.type === 'number' || profile.type === 'integer';
  if (profile.type === 'empty') fail(`target "${profile.name}" is empty`);
  if (config.model === 'linear' || (config.model === 'mlp' && numeric)) {
    if (!numeric)
      fail(
        `target "${profile.name}" is ${profile.type}, not numeric; regression needs a numeric target (try --model logistic or softmax)`,
      );
    return 'numeric';
  }
  // 0/1 labels are read as numbers: the same classes ("0" negative, "1" positive) and the same
  // model as reading them as categories, but all-numeric rows take the CSV reader's fused fast path
  // (about 3× faster online). A later non-numeric label then counts as a missing target.
  if (config.model === 'logistic' && profile.type === 'integer' && profile.min === 0 && profile.max === 1)
    return 'numeric';
  return 'category';
}

function featureKindFor(profile: ColumnProfile, fail: (m: string) => never): ColumnKind {
  switch (profile.type) {
    case 'number':
    case 'integer':
      return 'numeric';
    case 'boolean':
    case 'category':
    case 'text':
      return 'category';
    default:
      return fail(
        `feature "${profile.name}" is ${profile.type}; only numeric and categorical features are supported`,
      );
  }
}

// ---- Helpers ----

/**
 * The file's sha256: from the bytes as this thread reads them (`hashing`: no second read of the
 * file), or as the reader thread computed it (`adopt`). `digest` reads whatever is left (a run
 * stopped early), so it is always of the whole file.
 */
class FileHash {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private adopted: string | undefined;

  constructor(private readonly file: string) {}

  *hashing(chunks: Iterable<Uint8Array>): Iterable<Uint8Array> {
    for (const chunk of chunks) {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      yield chunk;
    }
  }

  /** The whole file's digest, computed elsewhere (the reader thread read every byte). */
  adopt(hex: string): void {
    this.adopted = hex;
  }

  digest(): string {
    if (this.adopted !== undefined) return this.adopted;
    const descriptor = openSync(this.file, 'r');
    try {
      const block = new Uint8Array(1 << 20);
      for (;;) {
        const length = readSync(descriptor, block, 0, block.length, this.bytes);
        if (length === 0) break;
        this.hash.update(block.subarray(0, length));
        this.bytes += length;
      }
    } finally {
      closeSync(descriptor);
    }
    return this.hash.digest('hex');
  }
}

/** The built CLI has dist/wasm beside it; from sources, the package's own dist folder. */
function wasmDirectory(): string | undefined {
  const bundled = path.join(__dirname, 'wasm');
  if (existsSync(path.join(bundled, 'tfjs-backend-wasm.wasm'))) return bundled + path.sep;
  try {
    return (
      path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') +
      path.sep
    );
  } catch {
    return undefined;
  }
}

export function timestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

export function progressPrinter(io: CliIo): (points: LossPoint[], done?: boolean) => void {
  let last = 0;
  return (points, done = false) => {
    if (done) {
      io.stderr('\n');
      return;
    }
    const point = points[points.length - 1];
    const now = performance.now();
    if (!point || now - last < 200) return;
    last = now;
    io.stderr(
      `\r  epoch ${point.epoch + 1}  samples ${point.samplesSeen}  loss ${point.loss.toPrecision(5)}${point.validationLoss !== undefined ? `  val ${point.validationLoss.toPrecision(5)}` : ''}   `,
    );
  };
}

export function summary(
  report: ReturnType<typeof buildReport>,
  written: string,
  notes: string[] = [],
): string {
  const lines = [
    `${report.status}: ${report.config.model} ${report.mode}, ${report.dataset.rowsUsed} rows (${report.dataset.rowsSkipped} skipped), backend ${report.backend.name}`,
  ];
  if (report.model.type === 'linear' || report.model.type === 'logistic') {
    const equation = linearEquation(
      report.model.bias,
      Object.entries(report.model.weights),
      formatNumber,
      EQUATION_TERMS,
    );
    lines.push(`  ${report.model.type === 'linear' ? 'y' : 'logit'} = ${equation}`);
  }
  const metric = (name: string, m: (typeof report.metrics)['train'] | undefined) =>
    m
      ? `  ${name}: ${'mse' in m ? `MSE ${formatNumber(m.mse)}  RMSE ${formatNumber(m.rmse)}  R² ${formatNumber(m.r2)}` : `log-loss ${formatNumber(m.logLoss)}  accuracy ${(m.accuracy * 100).toFixed(2)}%`}`
      : undefined;
  for (const line of [
    metric('train', report.metrics.train),
    metric('validation', report.metrics.validation),
    metric('progressive', report.metrics.progressive),
  ])
    if (line) lines.push(line);
  if (report.optimum) lines.push(`  least-squares optimum: MSE ${formatNumber(report.optimum.mse)}`);
  lines.push(
    `  ${Math.round(report.timing.samplesPerSecond).toLocaleString('en-US')} samples/s of training, ${(report.timing.durationMs / 1000).toFixed(2)} s in all`,
  );
  lines.push(`  report: ${written}`);
  for (const note of notes) lines.push(`  note: ${note}`);
  return lines.join('\n') + '\n';
}

/** Six significant digits, trailing zeros dropped (from the mantissa only: 1.5e+10 stays e+10). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const [mantissa, exponent] = n.toPrecision(6).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}
