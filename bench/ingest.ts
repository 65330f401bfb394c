// Ingest benchmark (not a test): our CSV layer against pandas.read_csv on the same file.
//
//   npm run bench:ingest                 1M rows x 16 features (+ y), ~157 MB, generated if missing
//   npm run bench:ingest -- --big        also the 10M-row file (~1.6 GB) for the streaming profile
//   npm run bench:ingest -- --runs 5     repetitions (best throughput, highest peak memory reported)
//   (CSV_BENCH_BIG=1 works like --big)
//
// Every measured thing runs in its own child process, so each peak RSS (maxRSS) is its own.
// Our side runs as an esbuild bundle under plain node, as the shipped CLI does (dist/cli.js):
// under tsx the loader alone adds ~50 MB of RSS that the product does not have.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadColumns, profileCsv } from '../src/core/csv/index';
import type { ColumnRequest } from '../src/core/csv/types';
import { fileChunks, fileChunksSync } from '../src/node/fileSource';
import { bundleForChildren, measureInChild } from './childRuns';
import { generateRegressionCsv } from './generate';

const DATA_DIR = resolve(__dirname, 'data');
const SMALL_ROWS = 1_000_000;
const BIG_ROWS = 10_000_000;
const FEATURES = 16;
const MB = 1e6;

interface Measurement {
  /** Wall-clock seconds of the measured work. */
  seconds: number;
  /** CPU seconds (user + system) of the measured work: stable when the machine is shared. */
  cpuSeconds: number;
  rows: number;
  peakMB: number;
}

type ChildTask = 'load-sync' | 'load-async' | 'profile' | 'idle';

async function runChildTask(task: ChildTask, path: string): Promise<Measurement> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let rows = 0;
  if (task === 'load-sync' || task === 'load-async') {
    const columns: ColumnRequest[] = [...Array.from({ length: FEATURES }, (_, i) => `x${i + 1}`), 'y'].map(
      (name) => ({ name, kind: 'numeric' }),
    );
    const source = task === 'load-sync' ? fileChunksSync(path) : fileChunks(path);
    const loaded = await loadColumns(source, columns, { totalBytes: statSync(path).size });
    rows = loaded.rows;
  } else if (task === 'profile') {
    rows = (await profileCsv(fileChunksSync(path))).rows;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rows,
    peakMB: (process.resourceUsage().maxRSS * 1024) / MB,
  };
}

const PANDAS_SCRIPT = `
import json, resource, sys, time
import pandas as pd
started = time.perf_counter()
cpu_started = time.process_time()
frame = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "rows": len(frame), "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6}))
`;

function measurePandas(path: string): Measurement {
  const env = { ...process.env };
  // These Debian OpenBLAS overrides (set for other tools on this machine) slow numpy's start or
  // break it on some CPUs: pandas gets a clean environment, only in its own child.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const child = spawnSync('/usr/bin/python3', ['-c', PANDAS_SCRIPT, path], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`pandas failed: ${child.stderr.trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as Measurement;
}

function ensureDataset(rows: number): string {
  const path = join(DATA_DIR, `regression-${rows / 1e6}m.csv`);
  if (!existsSync(path)) {
    mkdirSync(DATA_DIR, { recursive: true });
    process.stderr.write(`generating ${path} (${rows} rows)…\n`);
    generateRegressionCsv(path, rows, FEATURES);
  }
  return path;
}

/** Best throughput of the runs, highest peak memory of the runs (the honest pair). */
function summarize(runs: Measurement[]): Measurement {
  return {
    seconds: Math.min(...runs.map((r) => r.seconds)),
    cpuSeconds: Math.min(...runs.map((r) => r.cpuSeconds)),
    rows: runs[0].rows,
    peakMB: Math.max(...runs.map((r) => r.peakMB)),
  };
}

function repeat(times: number, measure: () => Measurement): Measurement {
  return summarize(Array.from({ length: times }, measure));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const measurement = await runChildTask(args[1] as ChildTask, args[2]);
    process.stdout.write(JSON.stringify(measurement) + '\n');
    return;
  }
  const big = args.includes('--big') || process.env.CSV_BENCH_BIG === '1';
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1])) : 3;

  const smallPath = ensureDataset(SMALL_ROWS);
  const bigPath = big ? ensureDataset(BIG_ROWS) : undefined;
  const smallMB = statSync(smallPath).size / MB;
  const bundle = bundleForChildren(__filename, DATA_DIR, 'ingest-bench');

  const idle = measureInChild<Measurement>(bundle, 'idle', smallPath);
  // Interleave ours and pandas so a busy neighbour on the machine hurts both alike.
  const loadRuns: Measurement[] = [];
  const pandasRuns: Measurement[] = [];
  for (let run = 0; run < runs; run++) {
    loadRuns.push(measureInChild<Measurement>(bundle, 'load-sync', smallPath));
    pandasRuns.push(measurePandas(smallPath));
  }
  const load = summarize(loadRuns);
  const pandas = summarize(pandasRuns);
  const loadAsync = repeat(runs, () => measureInChild<Measurement>(bundle, 'load-async', smallPath));
  const profile = repeat(Math.min(runs, 2), () => measureInChild<Measurement>(bundle, 'profile', smallPath));
  const profileBig = bigPath ? measureInChild<Measurement>(bundle, 'profile', bigPath) : undefined;
  const bigMB = bigPath ? statSync(bigPath).size / MB : 0;

  const wallRate = (m: Measurement, mb: number) => mb / m.seconds;
  const cpuRate = (m: Measurement, mb: number) => mb / m.cpuSeconds;
  const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}x`;
  type Row = [string, string, string, string, string];
  const throughputRow = (label: string, ours: number, theirs: number, target: string): Row => [
    label,
    ours.toFixed(1),
    theirs.toFixed(1),
    ratio(ours, theirs),
    target,
  ];
  const rows: Row[] = [
    ['measure', 'ours', 'pandas', 'ratio', 'target'],
    throughputRow(
      'ingest to Float32 columns, MB/s of CPU time (readSync)',
      cpuRate(load, smallMB),
      cpuRate(pandas, smallMB),
      '>= 1.0x (aim 2x)',
    ),
    throughputRow(
      'ingest to Float32 columns, MB/s wall clock (readSync)',
      wallRate(load, smallMB),
      wallRate(pandas, smallMB),
      '>= 1.0x (aim 2x)',
    ),
    throughputRow(
      'ingest, MB/s of CPU time (async FileHandle)',
      cpuRate(loadAsync, smallMB),
      cpuRate(pandas, smallMB),
      '',
    ),
    throughputRow(
      'ingest, MB/s wall clock (async FileHandle)',
      wallRate(loadAsync, smallMB),
      wallRate(pandas, smallMB),
      '',
    ),
    [
      'batch load peak RSS, MB',
      load.peakMB.toFixed(0),
      pandas.peakMB.toFixed(0),
      ratio(load.peakMB, pandas.peakMB),
      '<= 0.5x',
    ],
    [
      `streaming profile peak RSS, MB (${SMALL_ROWS / 1e6}M rows)`,
      profile.peakMB.toFixed(0),
      '',
      '',
      '<= 100 MB',
    ],
    [
      `streaming profile peak RSS, MB (${BIG_ROWS / 1e6}M rows)`,
      profileBig ? profileBig.peakMB.toFixed(0) : 'skipped (--big)',
      '',
      profileBig ? `${ratio(profileBig.peakMB, profile.peakMB)} of 1M` : '',
      '<= 100 MB, same as 1M',
    ],
    ['streaming profile, MB/s of CPU time (1M)', cpuRate(profile, smallMB).toFixed(1), '', '', ''],
    ...(profileBig
      ? [
          [
            'streaming profile, MB/s of CPU time (10M)',
            cpuRate(profileBig, bigMB).toFixed(1),
            '',
            '',
            '',
          ] as Row,
        ]
      : []),
    ['node process at rest (no CSV), peak RSS, MB', idle.peakMB.toFixed(0), '', '', ''],
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  const line = (row: string[]) =>
    row.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ');
  process.stdout.write(
    [
      `file: ${smallPath} (${smallMB.toFixed(0)} MB, ${load.rows} rows x ${FEATURES + 1} columns)${bigPath ? `; big: ${bigMB.toFixed(0)} MB` : ''}`,
      `${runs} runs each, separate processes: best time, highest peak RSS`,
      line(rows[0]),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.slice(1).map(line),
    ].join('\n') + '\n',
  );
  if (load.rows !== pandas.rows)
    throw new Error(`row counts differ: ours ${load.rows}, pandas ${pandas.rows}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
