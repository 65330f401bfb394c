// Training benchmark (not a test): our engine against scikit-learn on the same data, side by side
// in one run, ratios printed.
//
//   npm run bench:train              everything, including the 10M-row memory check
//   npm run bench:train -- --no-big  skip the 10M-row file
//   npm run bench:train -- --runs 5  repetitions (default 3), ours and scikit-learn interleaved;
//                                    the best time of each side is kept (a shared machine only
//                                    ever makes a run slower), the highest peak RSS
//
// Each measured thing runs in its own child process (its own peak RSS). Our side runs as an
// esbuild bundle under plain node, as the shipped CLI does. Python runs /usr/bin/python3 (Debian
// python3-sklearn) with the OpenBLAS overrides of this machine removed from its env only.
//
// scikit-learn's partial_fit, called once per sample, is too slow to run on 1M rows in a benchmark:
// it is measured on the first PARTIAL_FIT_ROWS rows and its samples/s extrapolated (it is flat in n).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// runTrain, not runCli: main.ts runs itself when it is the bundle's main module.
import { runTrain } from '../src/cli/train';
import { loadColumns, readRowChunks } from '../src/core/csv/index';
import type { ColumnRequest } from '../src/core/csv/types';
import type { RunReport } from '../src/core/report';
import { DEFAULT_CONFIG, SeededRandom, selectBackend, trainBatch } from '../src/core/training/index';
import { fileChunksSync } from '../src/node/fileSource';
import { bundleForChildren, measureInChild } from './childRuns';
import { generateRegressionCsv } from './generate';

const DATA_DIR = resolve(__dirname, 'data');
const FEATURES = 16;
const SMALL_ROWS = 1_000_000;
const BIG_ROWS = 10_000_000;
const PARTIAL_FIT_ROWS = 20_000;
const ONLINE_LR = 0.01;
const BATCH = { batchSize: 1024, epochs: 5, learningRate: 0.01 };
const MB = 1e6;

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  peakMB: number;
  rows: number;
  samplesPerSecond?: number;
  mse?: number;
  optimumMse?: number;
  accuracy?: number;
  backend?: string;
}

const featureNames = Array.from({ length: FEATURES }, (_, i) => `x${i + 1}`);

// ---- Children (our side) ----

async function runChild(task: string, args: string[]): Promise<Measurement> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const finish = (extra: Partial<Measurement> & { rows: number }): Measurement => {
    const cpu = process.cpuUsage(cpuStarted);
    return {
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakMB: (process.resourceUsage().maxRSS * 1024) / MB,
      ...extra,
    };
  };
  switch (task) {
    case 'ingest-online': {
      const requests: ColumnRequest[] = [...featureNames, args[1]].map((name) => ({ name, kind: 'numeric' }));
      let rows = 0;
      for await (const chunk of readRowChunks(fileChunksSync(args[0]), requests, { chunkRows: 16384 }))
        rows += chunk.rows;
      return finish({ rows });
    }
    case 'cli-online': {
      const [path, model, target, features] = args;
      const out = join(mkdtempSync(join(tmpdir(), 'bench-train-')), 'report.json');
      const io = {
        stdout: () => {},
        stderr: (t: string) => process.stderr.write(t),
        stderrIsTTY: false,
        cwd: process.cwd(),
      };
      const code = await runTrain(
        [
          path,
          '--target',
          target,
          '--mode',
          'online',
          '--model',
          model,
          '--lr',
          String(ONLINE_LR),
          '--backend',
          'cpu',
          '--out',
          out,
          '--quiet',
          ...(features ? ['--features', features] : []),
        ],
        io,
      );
      if (code !== 0) throw new Error(`cli exit ${code}`);
      const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
      rmSync(join(out, '..'), { recursive: true, force: true });
      const train = report.metrics.train;
      return finish({
        rows: report.dataset.rowsUsed,
        samplesPerSecond: report.timing.samplesPerSecond,
        ...('mse' in train ? { mse: train.mse } : { accuracy: train.accuracy }),
        ...(report.optimum ? { optimumMse: report.optimum.mse } : {}),
        backend: report.backend.name,
      });
    }
    case 'batch': {
      const [path, backendName] = args;
      const requests: ColumnRequest[] = [...featureNames, 'y'].map((name) => ({ name, kind: 'numeric' }));
      const loaded = await loadColumns(fileChunksSync(path), requests, { totalBytes: statSync(path).size });
      const wasmPath =
        join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'dist') + '/';
      const backend = await selectBackend(backendName as 'cpu' | 'wasm', { browser: false, wasmPath });
      const columns = loaded.columns;
      const result = await trainBatch(
        { features: columns.slice(0, FEATURES), target: columns[FEATURES] },
        { ...DEFAULT_CONFIG, mode: 'batch', ...BATCH, validationSplit: 0, seed: 42 },
      );
      const train = result.metrics.train;
      return finish({
        rows: result.rowsUsed,
        samplesPerSecond: (result.samplesSeen * 1000) / result.trainingMs,
        mse: 'mse' in train ? train.mse : undefined,
        optimumMse: result.optimum?.mse,
        backend: backend.name,
      });
    }
    default:
      throw new Error(`unknown child task ${task}`);
  }
}

// ---- scikit-learn side ----

const PYTHON = String.raw`
import json, resource, sys, time
import numpy as np, pandas as pd
from sklearn.linear_model import SGDRegressor, SGDClassifier
task, path, target = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
if task in ("partial_fit_regressor", "partial_fit_classifier"):
    n = int(sys.argv[4])
    frame = pd.read_csv(path, nrows=n)
    X = frame.drop(columns=[target]).to_numpy(); y = frame[target].to_numpy()
    if task == "partial_fit_regressor":
        model = SGDRegressor(learning_rate="constant", eta0=${ONLINE_LR}, penalty=None)
        fit = lambda i: model.partial_fit(X[i:i+1], y[i:i+1])
    else:
        model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=${ONLINE_LR}, penalty=None)
        classes = np.array([0, 1])
        fit = lambda i: model.partial_fit(X[i:i+1], y[i:i+1], classes=classes)
    started = time.perf_counter()
    for i in range(len(y)):
        fit(i)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "rows": len(y), "samplesPerSecond": len(y) / seconds}
elif task == "fit_regressor":
    frame = pd.read_csv(path)
    X = frame.drop(columns=[target]).to_numpy(); y = frame[target].to_numpy()
    model = SGDRegressor(max_iter=${BATCH.epochs}, tol=None, learning_rate="constant", eta0=0.001, penalty=None, random_state=42)
    started = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - started
    mse = float(np.mean((model.predict(X) - y) ** 2))
    A = np.hstack([X, np.ones((len(y), 1))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    out = {"seconds": seconds, "rows": len(y), "samplesPerSecond": ${BATCH.epochs} * len(y) / seconds, "mse": mse, "optimumMse": float(np.mean((A @ coef - y) ** 2))}
out["peakMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
out["cpuSeconds"] = time.process_time()
print(json.dumps(out))
`;

function python(task: string, path: string, target: string, ...extra: string[]): Measurement {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const child = spawnSync('/usr/bin/python3', ['-c', PYTHON, task, path, target, ...extra], {
    env,
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`python ${task} failed: ${child.stderr.trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as Measurement;
}

// ---- Data ----

function ensureRegression(rows: number): string {
  const path = join(DATA_DIR, `regression-${rows / 1e6}m.csv`);
  if (!existsSync(path)) {
    mkdirSync(DATA_DIR, { recursive: true });
    process.stderr.write(`generating ${path}…\n`);
    generateRegressionCsv(path, rows, FEATURES);
  }
  return path;
}

/** Binary labels from a logistic model of 16 N(0,1) features, seeded. */
function ensureClassification(rows: number): string {
  const path = join(DATA_DIR, `classification-${rows / 1e6}m.csv`);
  if (existsSync(path)) return path;
  process.stderr.write(`generating ${path}…\n`);
  mkdirSync(DATA_DIR, { recursive: true });
  const rng = new SeededRandom(2024);
  const weights = featureNames.map(() => rng.next() * 2 - 1);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, [...featureNames, 'label'].join(',') + '\n');
    let block = '';
    for (let r = 0; r < rows; r++) {
      let z = 0.3;
      for (let f = 0; f < FEATURES; f++) {
        const x = Number(rng.normal().toPrecision(6));
        z += weights[f] * x;
        block += x + ',';
      }
      block += (rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0) + '\n';
      if (block.length > 1 << 20) {
        writeSync(fd, block);
        block = '';
      }
    }
    writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * The regression file with a category column appended (`colour`, 7 values, no signal in it): the
 * online path for category features, one-hot encoded as the file is read.
 */
function ensureWithCategory(regression: string): string {
  const path = regression.replace(/\.csv$/, '-colour.csv');
  if (existsSync(path)) return path;
  process.stderr.write(`generating ${path}…\n`);
  const colours = ['red', 'green', 'blue', 'cyan', 'plum', 'teal', 'gold'];
  const out = openSync(path, 'w');
  try {
    let row = -1;
    let rest = '';
    for (const block of fileChunksSync(regression)) {
      const lines = (rest + Buffer.from(block).toString('latin1')).split('\n');
      rest = lines.pop()!;
      writeSync(
        out,
        lines.map((line) => `${line},${row++ < 0 ? 'colour' : colours[(row * 7919) % 7]}\n`).join(''),
      );
    }
    if (rest) writeSync(out, `${rest},${colours[0]}\n`);
  } finally {
    closeSync(out);
  }
  return path;
}

// ---- Report ----

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(await runChild(args[1], args.slice(2))) + '\n');
    return;
  }
  const big = !args.includes('--no-big');
  const regression = ensureRegression(SMALL_ROWS);
  const classification = ensureClassification(SMALL_ROWS);
  const bundle = bundleForChildren(__filename, DATA_DIR, 'train-bench');
  const say = (text: string) => process.stderr.write(`… ${text}\n`);

  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1]) || 1) : 3;
  /** Best (fastest) of `runs`, measured interleaved so that a busy neighbour hurts both sides alike. */
  const best = (...measures: (() => Measurement)[]): Measurement[] => {
    const all: Measurement[][] = measures.map(() => []);
    for (let run = 0; run < runs; run++) measures.forEach((measure, i) => all[i].push(measure()));
    return all.map((list) => {
      const fastest = list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const rate = Math.max(...list.map((m) => m.samplesPerSecond ?? 0));
      return {
        ...fastest,
        ...(rate > 0 ? { samplesPerSecond: rate } : {}),
        peakMB: Math.max(...list.map((m) => m.peakMB)),
      };
    });
  };

  say(
    `online linear, end to end (ours), ingest only, SGDRegressor.partial_fit per sample on ${PARTIAL_FIT_ROWS} rows; ${runs} runs`,
  );
  const [ingest, onlineLinear, partialRegressor] = best(
    () => measureInChild<Measurement>(bundle, 'ingest-online', regression, 'y'),
    () => measureInChild<Measurement>(bundle, 'cli-online', regression, 'linear', 'y'),
    () => python('partial_fit_regressor', regression, 'y', String(PARTIAL_FIT_ROWS)),
  );
  say('online logistic (ours) and SGDClassifier.partial_fit');
  const [onlineLogistic, partialClassifier] = best(
    () => measureInChild<Measurement>(bundle, 'cli-online', classification, 'logistic', 'label'),
    () => python('partial_fit_classifier', classification, 'label', String(PARTIAL_FIT_ROWS)),
  );
  say('online linear with a category column as a 17th feature');
  const [onlineCategory] = best(() =>
    measureInChild<Measurement>(
      bundle,
      'cli-online',
      ensureWithCategory(regression),
      'linear',
      'y',
      [...featureNames, 'colour'].join(','),
    ),
  );
  say('batch linear, 1M x 16, batch 1024, 5 epochs (cpu and wasm), and SGDRegressor.fit');
  const [batchCpu, batchWasm, sklearnFit] = best(
    () => measureInChild<Measurement>(bundle, 'batch', regression, 'cpu'),
    () => measureInChild<Measurement>(bundle, 'batch', regression, 'wasm'),
    () => python('fit_regressor', regression, 'y'),
  );
  let bigRun: Measurement | undefined;
  if (big) {
    say('online linear on 10M rows (peak memory), once');
    bigRun = measureInChild<Measurement>(bundle, 'cli-online', ensureRegression(BIG_ROWS), 'linear', 'y');
  }

  const fmt = (n: number | undefined, digits = 0) =>
    n === undefined
      ? ''
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const bestBatch = batchCpu.samplesPerSecond! >= batchWasm.samplesPerSecond! ? batchCpu : batchWasm;
  const onlineEndToEnd = onlineLinear.rows / onlineLinear.seconds;
  const rows: string[][] = [
    ['measure', 'ours', 'scikit-learn', 'ratio', 'target'],
    [
      'online linear 1M x 16, end to end (parse+train+report), samples/s',
      fmt(onlineEndToEnd),
      fmt(partialRegressor.samplesPerSecond),
      ratio(onlineEndToEnd, partialRegressor.samplesPerSecond!),
      '>= 100x',
    ],
    ['  training only (report timing.samplesPerSecond)', fmt(onlineLinear.samplesPerSecond), '', '', ''],
    [
      '  end-to-end time vs ingest-only time, s',
      `${onlineLinear.seconds.toFixed(2)} / ${ingest.seconds.toFixed(2)}`,
      '',
      ratio(onlineLinear.seconds, ingest.seconds),
      '<= 2x',
    ],
    [
      '  final-weights MSE vs least squares',
      `${fmt(onlineLinear.mse, 4)} / ${fmt(onlineLinear.optimumMse, 4)}`,
      '',
      '',
      '',
    ],
    [
      'online linear 1M x 16 + a category column (20 one-hot slots), end to end, samples/s',
      fmt(onlineCategory.rows / onlineCategory.seconds),
      '',
      `${(onlineCategory.seconds / onlineLinear.seconds).toFixed(2)}x numeric time`,
      '',
    ],
    [
      'online logistic 1M x 16, end to end, samples/s',
      fmt(onlineLogistic.rows / onlineLogistic.seconds),
      fmt(partialClassifier.samplesPerSecond),
      ratio(onlineLogistic.rows / onlineLogistic.seconds, partialClassifier.samplesPerSecond!),
      '>= 20x',
    ],
    [
      '  training only, samples/s; accuracy (final weights)',
      `${fmt(onlineLogistic.samplesPerSecond)}; ${fmt(onlineLogistic.accuracy! * 100, 2)}%`,
      '',
      '',
      '',
    ],
    [
      `batch linear 1M x 16, batch 1024, 5 epochs, samples/s (cpu)`,
      fmt(batchCpu.samplesPerSecond),
      fmt(sklearnFit.samplesPerSecond),
      ratio(batchCpu.samplesPerSecond!, sklearnFit.samplesPerSecond!),
      '>= 1.0x',
    ],
    [
      `batch linear, same, samples/s (wasm)`,
      fmt(batchWasm.samplesPerSecond),
      fmt(sklearnFit.samplesPerSecond),
      ratio(batchWasm.samplesPerSecond!, sklearnFit.samplesPerSecond!),
      '>= 1.0x',
    ],
    [
      `  final MSE vs least squares (best backend: ${bestBatch.backend})`,
      `${fmt(bestBatch.mse, 4)} / ${fmt(bestBatch.optimumMse, 4)}`,
      `${fmt(sklearnFit.mse, 4)} / ${fmt(sklearnFit.optimumMse, 4)}`,
      `+${(((bestBatch.mse! - bestBatch.optimumMse!) / bestBatch.optimumMse!) * 100).toFixed(3)}%`,
      '<= +0.5%',
    ],
    ['online peak RSS, MB: 1M rows', fmt(onlineLinear.peakMB), '', '', ''],
    ...(bigRun
      ? [
          [
            'online peak RSS, MB: 10M rows (ratio to 1M)',
            fmt(bigRun.peakMB),
            '',
            ratio(bigRun.peakMB, onlineLinear.peakMB),
            '<= 1.1x',
          ],
          ['  10M rows end to end, samples/s', fmt(bigRun.rows / bigRun.seconds), '', '', ''],
        ]
      : [['online peak RSS, MB: 10M rows', 'skipped (--no-big)', '', '', '']]),
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  const line = (row: string[]) =>
    row.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ');
  process.stdout.write(
    [
      `data: ${regression} (${(statSync(regression).size / MB).toFixed(0)} MB), ${classification}; backend cpu for online (fused tfjs kernel)`,
      `scikit-learn partial_fit measured on the first ${PARTIAL_FIT_ROWS.toLocaleString('en-US')} rows and extrapolated as samples/s; SGDRegressor.fit on all rows, data loaded beforehand on both sides`,
      `best of ${runs} interleaved runs per side; load average at the end ${loadAverage()}`,
      line(rows[0]),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.slice(1).map(line),
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:train: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
