// Every message between the extension host and the comparison view: one interface per message with
// a `type` literal, one union per direction, validators for what arrives. The view shows runs that
// the host has already validated (run reports against their schema); it validates them again, which
// catches protocol drift. The host trusts nothing from the view: a report is named by its index in
// the host's own list, never by a path. Handshake: the view says `ready`, then the host posts.
import {
  arrayOf,
  bool,
  int,
  isObject,
  num,
  oneOf,
  optional,
  parseMessage,
  shape,
  str,
  type Check,
  type Parsed,
} from './validate';
import { timeToOptimumMs, type ComparisonRun, type RunMemory } from './comparison';
import type { RunReport } from './report';

/** The most runs one comparison shows (Compare Reports caps its selection at this). */
export const MAX_COMPARED_RUNS = 12;

/** One run as the view draws it: its curve and its row of the runs table. */
export interface ComparedRun {
  label: string;
  mode: ComparisonRun['mode'];
  status: ComparisonRun['status'];
  /** Workspace-relative path of the run report, shown as text; absent when none was written. */
  reportPath?: string;
  /** Loss points (per step where the report has them), in order. */
  history: { samplesSeen: number; elapsedMs: number; loss: number }[];
  train: ComparisonRun['metrics']['train'];
  samplesPerSecond: number;
  /** Highest memory seen while the run trained, and what it measures; absent when unknown. */
  peakMemory?: { bytes: number; measure: string };
  memoryNote?: string;
  timeToOptimumMs: number | null;
  backend: ComparisonRun['backend'];
}

export interface ConfigTableRow {
  label: string;
  values: string[];
  differs: boolean;
}

// ---- host → view ----------------------------------------------------------------------------

export interface CompareShowMessage {
  type: 'show';
  title: string;
  subtitle: string;
  runs: ComparedRun[];
  /** Closed-form least squares, when every run is a linear model on the same data. */
  optimum?: { mse: number; loss: number };
  /** Compare Reports: the runs' configurations side by side. */
  config?: ConfigTableRow[];
  /** Workspace-relative path of the saved comparison report, or why none was written. */
  comparisonPath?: string;
  note?: string;
  /**
   * What the view keeps to be shown again after a window reload: the workspace-relative report
   * files it was made from (one `*-compare.json`, or run reports). The host re-reads and re-checks
   * them then; it never takes the view's word for their contents.
   */
  restore?: string[];
}

export type CompareHostMessage = CompareShowMessage;

// ---- view → host ----------------------------------------------------------------------------

export interface CompareReadyMessage {
  type: 'ready';
}
/** Open the run report of `runs[run]` in an editor. */
export interface CompareOpenReportMessage {
  type: 'openReport';
  run: number;
}

export type CompareViewMessage = CompareReadyMessage | CompareOpenReportMessage;

// ---- validation -----------------------------------------------------------------------------

const MAX_HISTORY = 100_000;
const finite: Check = num();
const metricsCheck: Check = (v, p) =>
  isObject(v) && 'mse' in v
    ? shape({ mse: num(0), rmse: num(0), r2: finite })(v, p)
    : shape({ logLoss: num(0), accuracy: num(0, 1) })(v, p);
const timeCheck: Check = (v, p) => (v === null ? undefined : num(0)(v, p));

const comparedRunCheck: Check = shape({
  label: str(500),
  mode: oneOf('batch', 'online'),
  status: oneOf('completed', 'stopped', 'diverged', 'failed'),
  reportPath: optional(str()),
  history: arrayOf(shape({ samplesSeen: num(0), elapsedMs: num(0), loss: finite }), MAX_HISTORY),
  train: metricsCheck,
  samplesPerSecond: num(0),
  peakMemory: optional(shape({ bytes: num(0), measure: str(100) })),
  memoryNote: optional(str(1000)),
  timeToOptimumMs: timeCheck,
  backend: shape({ name: oneOf('webgl', 'wasm', 'cpu'), renderer: optional(str(500)), reason: str(2000) }),
});

const hostMessageChecks: { [K in CompareHostMessage['type']]: Check } = {
  show: shape({
    title: str(1000),
    subtitle: str(4000),
    runs: arrayOf(comparedRunCheck, MAX_COMPARED_RUNS),
    optimum: optional(shape({ mse: num(0), loss: num(0) })),
    config: optional(
      arrayOf(shape({ label: str(200), values: arrayOf(str(4000), MAX_COMPARED_RUNS), differs: bool }), 200),
    ),
    comparisonPath: optional(str()),
    note: optional(str(2000)),
    restore: optional(arrayOf(str(4000), MAX_COMPARED_RUNS)),
  }),
};

const viewMessageChecks: { [K in CompareViewMessage['type']]: Check } = {
  ready: shape({}),
  openReport: shape({ run: int(0, MAX_COMPARED_RUNS - 1) }),
};

/** A message from the (untrusted) comparison view, typed, or why it was refused. */
export function parseCompareViewMessage(value: unknown): Parsed<CompareViewMessage> {
  return parseMessage<CompareViewMessage>(viewMessageChecks, value);
}

/** A message from the host, typed, or why it was refused. */
export function parseCompareHostMessage(value: unknown): Parsed<CompareHostMessage> {
  return parseMessage<CompareHostMessage>(hostMessageChecks, value);
}

// ---- building -------------------------------------------------------------------------------

/** The loss curve to overlay: per-step points where the report has them, else whatever it has. */
function curveOf(report: RunReport): ComparedRun['history'] {
  const steps = report.history.filter((p) => p.kind === 'step');
  return (steps.length > 0 ? steps : report.history).map((p) => ({
    samplesSeen: p.samplesSeen,
    elapsedMs: p.elapsedMs,
    loss: p.loss,
  }));
}

/** The one memory figure the table shows: the most telling that was measured. */
export function peakMemoryOf(memory: RunMemory): ComparedRun['peakMemory'] {
  if (memory.peakRssBytes !== undefined) return { bytes: memory.peakRssBytes, measure: 'process RSS' };
  if (memory.peakHeapBytes !== undefined) return { bytes: memory.peakHeapBytes, measure: 'webview JS heap' };
  if (memory.peakTensorBytes !== undefined) return { bytes: memory.peakTensorBytes, measure: 'tfjs tensors' };
  return undefined;
}

export function comparedRun(
  report: RunReport,
  label: string,
  reportPath: string | undefined,
  memory: RunMemory,
): ComparedRun {
  const peakMemory = peakMemoryOf(memory);
  return {
    label,
    mode: report.mode,
    status: report.status,
    ...(reportPath ? { reportPath } : {}),
    history: curveOf(report),
    train: report.metrics.train,
    samplesPerSecond: report.timing.samplesPerSecond,
    ...(peakMemory ? { peakMemory } : {}),
    ...(memory.memoryNote ? { memoryNote: memory.memoryNote } : {}),
    timeToOptimumMs: timeToOptimumMs(report.history, report.optimum),
    backend: report.backend,
  };
}
