// Inspector benchmark (not a test): the CSV Inspector's host-side pipeline on a ~200 MB file —
// the async file stream the Node extension host uses, profiled with rows indexed in the same read,
// the first preview rows read by seeking while profiling runs — against `csv-trainer inspect`
// (its own code path: readSync + profileCsv) in the same run.
//
//   npm run bench:inspect                 5 runs each, interleaved (best of each: the machine may be shared)
//   npm run bench:inspect -- --runs 9
//
// Every measured thing runs in its own child process (an esbuild bundle under plain node, like the
// shipped extension), so each peak RSS is its own; tsx's loader alone would add ~50 MB.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runInspect } from '../src/cli/inspect';
import {
  profileRangeWithRowIndex,
  readFileHead,
  readRows,
  RowIndex,
  type RangeSource,
} from '../src/host/rowIndex';
import { nodeFileRange } from '../src/node/fileRange';
import { bundleForChildren, measureInChild } from './childRuns';
import { generateRegressionCsv } from './generate';

const DATA_DIR = resolve(__dirname, 'data');
/** ~157 bytes a row with 16 features: 1.28 M rows is just over 200 MB. */
const ROWS = 1_280_000;
const FEATURES = 16;
const PREVIEW_ROWS = 100;
const MB = 1e6;
const PEAK_LIMIT_MB = 150;

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  peakMB: number;
  /** Host pipeline only: first preview rows on screen-ready, and a seek to the middle after profiling. */
  firstRowsSeconds?: number;
  profileDoneAtFirstRows?: boolean;
  seekSeconds?: number;
}

async function measureHostPipeline(path: string): Promise<Measurement> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // As InspectorDocument does: one file handle; the header and the first rows' index from the first
  // bytes; then one streamed read that both profiles and indexes. The grid's first request (rows
  // from the head's index) goes out as the profiling pass starts, and is answered during it.
  const range = (await nodeFileRange(path)) as RangeSource;
  const head = await readFileHead(range);
  const index = new RowIndex({ bom: head.bom });
  let profileDone = false;
  const profiling = profileRangeWithRowIndex(range, index, { totalBytes: range.size });
  const firstRows = readRows(head.headIndex, range, head.delimiter, 0, PREVIEW_ROWS).then((block) => ({
    seconds: (performance.now() - started) / 1000,
    profileDone,
    rows: block.rows.length,
  }));
  const profile = await profiling;
  profileDone = true;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const first = await firstRows;
  if (!first || first.rows !== PREVIEW_ROWS)
    throw new Error(`the preview got ${first?.rows ?? 0} rows, expected ${PREVIEW_ROWS}`);
  if (index.rowsIndexed !== profile.rows)
    throw new Error(`row index has ${index.rowsIndexed} rows, the profile ${profile.rows}`);
  const seekStarted = performance.now();
  const middle = await readRows(index, range, head.delimiter, Math.floor(profile.rows / 2), PREVIEW_ROWS);
  const seekSeconds = (performance.now() - seekStarted) / 1000;
  if (middle.rows.length !== PREVIEW_ROWS)
    throw new Error(`seek to the middle got ${middle.rows.length} rows`);
  await range.close?.();
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rows: profile.rows,
    peakMB: (process.resourceUsage().maxRSS * 1024) / MB,
    firstRowsSeconds: first.seconds,
    profileDoneAtFirstRows: first.profileDone,
    seekSeconds,
  };
}

async function measureCli(path: string): Promise<Measurement> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let output = '';
  const code = await runInspect([path, '--json'], {
    stdout: (text) => (output += text),
    stderr: () => undefined,
    stderrIsTTY: false,
    cwd: process.cwd(),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  if (code !== 0) throw new Error(`csv-trainer inspect exited with ${code}`);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rows: (JSON.parse(output) as { rows: number }).rows,
    peakMB: (process.resourceUsage().maxRSS * 1024) / MB,
  };
}

function ensureDataset(): string {
  const path = join(DATA_DIR, 'inspect-200mb.csv');
  if (!existsSync(path)) {
    mkdirSync(DATA_DIR, { recursive: true });
    process.stderr.write(`generating ${path} (${ROWS} rows)…\n`);
    generateRegressionCsv(path, ROWS, FEATURES);
  }
  return path;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const measurement = args[1] === 'host' ? await measureHostPipeline(args[2]) : await measureCli(args[2]);
    process.stdout.write(JSON.stringify(measurement) + '\n');
    return;
  }
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1])) : 5;
  const path = ensureDataset();
  const fileMB = statSync(path).size / MB;
  const bundle = bundleForChildren(__filename, DATA_DIR, 'inspect-bench');

  // Interleaved, so a busy neighbour on the machine hurts both alike.
  const host: Measurement[] = [];
  const cli: Measurement[] = [];
  for (let run = 0; run < runs; run++) {
    host.push(measureInChild<Measurement>(bundle, 'host', path));
    cli.push(measureInChild<Measurement>(bundle, 'cli', path));
  }
  const best = (list: Measurement[], key: 'seconds' | 'cpuSeconds') => Math.min(...list.map((m) => m[key]));
  const hostWall = fileMB / best(host, 'seconds');
  const cliWall = fileMB / best(cli, 'seconds');
  const hostCpu = fileMB / best(host, 'cpuSeconds');
  const cliCpu = fileMB / best(cli, 'cpuSeconds');
  const hostPeak = Math.max(...host.map((m) => m.peakMB));
  const firstRows = Math.max(...host.map((m) => m.firstRowsSeconds ?? Infinity));
  const fullProfile = Math.min(...host.map((m) => m.seconds));
  const seek = Math.max(...host.map((m) => m.seekSeconds ?? Infinity));
  if (host[0].rows !== cli[0].rows)
    throw new Error(`row counts differ: inspector ${host[0].rows}, CLI ${cli[0].rows}`);

  const checks: [string, boolean][] = [
    ['inspector profile throughput >= csv-trainer inspect (wall clock)', hostWall >= cliWall],
    [`inspector peak RSS < ${PEAK_LIMIT_MB} MB`, hostPeak < PEAK_LIMIT_MB],
    [
      'first preview rows before the profile ends',
      host.every((m) => m.profileDoneAtFirstRows === false && (m.firstRowsSeconds ?? Infinity) < m.seconds),
    ],
  ];
  process.stdout.write(
    [
      `file: ${path} (${fileMB.toFixed(0)} MB, ${host[0].rows.toLocaleString()} rows x ${FEATURES + 1} columns); ${runs} runs each, separate processes, interleaved`,
      `inspector pipeline (read-ahead, row index):      ${hostWall.toFixed(1)} MB/s wall, ${hostCpu.toFixed(1)} MB/s CPU (best of ${runs})`,
      `csv-trainer inspect (readSync + profile):        ${cliWall.toFixed(1)} MB/s wall, ${cliCpu.toFixed(1)} MB/s CPU (best of ${runs})`,
      `ratio inspector / CLI:                           ${(hostWall / cliWall).toFixed(2)}x wall, ${(hostCpu / cliCpu).toFixed(2)}x CPU`,
      `inspector peak RSS:                              ${hostPeak.toFixed(0)} MB (highest of ${runs}); CLI ${Math.max(...cli.map((m) => m.peakMB)).toFixed(0)} MB`,
      `time to first ${PREVIEW_ROWS} preview rows:                 ${(firstRows * 1000).toFixed(0)} ms (slowest of ${runs})`,
      `time to full profile:                            ${(fullProfile * 1000).toFixed(0)} ms (fastest of ${runs})`,
      `seek: ${PREVIEW_ROWS} rows from the middle of the file:       ${(seek * 1000).toFixed(1)} ms (slowest of ${runs})`,
      ...checks.map(([label, ok]) => `${ok ? 'PASS' : 'FAIL'}  ${label}`),
    ].join('\n') + '\n',
  );
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:inspect: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
