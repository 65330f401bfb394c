// Every message between the extension host and the training webview: one interface per message
// with a `type` literal, one union per direction, and validators for what arrives. The webview is
// untrusted (it renders file content), so the host validates every field before acting on it;
// the webview validates what the host sends too, which catches protocol drift early.
import type { ColumnKind, LoadedColumn, RowChunk } from './csv/types';
import type { BackendName, LossPoint, TrainConfig, TrainResult } from './training/types';
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

export type { Check } from './validate';

export type BackendPreference = 'auto' | BackendName;

export interface DatasetSummary {
  /** Workspace-relative path, shown as text. */
  path: string;
  target: string;
  features: string[];
  targetKind: ColumnKind;
  featureKinds: ColumnKind[];
  /** Known for batch (data loaded); for online only after the stream ends. */
  rows?: number;
}

export interface RunSetup {
  runId: string;
  config: TrainConfig;
  backend: BackendPreference;
  dataset: DatasetSummary;
  /** Start training as soon as the data is there (commands); otherwise wait for Start. */
  autoStart: boolean;
  /** Reports cannot be written (untrusted workspace); the UI says so. */
  readOnly: boolean;
}

export interface BackendInfo {
  name: BackendName;
  renderer?: string;
  reason: string;
}

// ---- host → webview -------------------------------------------------------------------------

export interface InitMessage {
  type: 'init';
  setup: RunSetup;
  /** Where the tfjs wasm binaries are served from inside the webview. */
  wasmBase: string;
  /** Opaque to the webview: saved with its state and handed back to the host after a reload. */
  hostState?: unknown;
}
export interface BatchDataMessage {
  type: 'batchData';
  runId: string;
  features: LoadedColumn[];
  target: LoadedColumn;
  rowsSkipped: number;
}
export interface ChunkMessage {
  type: 'chunk';
  runId: string;
  inReplyTo: number;
  /** `null` when the stream has ended. */
  chunk: RowChunk | null;
}
export interface DataErrorMessage {
  type: 'dataError';
  runId: string;
  message: string;
}
export interface ControlMessage {
  type: 'control';
  action: 'pause' | 'resume' | 'stop';
}
export interface SavedMessage {
  type: 'saved';
  runId: string;
  /** Workspace-relative path of the written report, or why none was written. */
  reportPath?: string;
  note?: string;
}

/** A saved run to show (Open Run Report): the panel draws it like a finished run, read-only. */
export interface ShowRunMessage {
  type: 'showRun';
  setup: RunSetup;
  result: TrainResult;
  backend: BackendInfo;
  reportPath: string;
  createdAt: string;
}

export type HostToWebview =
  | InitMessage
  | BatchDataMessage
  | ChunkMessage
  | DataErrorMessage
  | ControlMessage
  | SavedMessage
  | ShowRunMessage;

// ---- webview → host -------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
}
/** The user pressed Start with (possibly changed) settings: the host prepares a new run. */
export interface StartRequestMessage {
  type: 'start';
  config: TrainConfig;
}
export interface ChunkRequestMessage {
  type: 'requestChunk';
  runId: string;
  requestId: number;
  /** Online runs with several passes restart the stream. */
  restart: boolean;
}
export interface BackendSelectedMessage {
  type: 'backend';
  runId: string;
  backend: BackendInfo;
}
export interface ProgressMessage {
  type: 'progress';
  runId: string;
  points: LossPoint[];
  samplesSeen: number;
}
export interface FinishedMessage {
  type: 'finished';
  runId: string;
  result: TrainResult;
  backend: BackendInfo;
  /** Peak tfjs memory in bytes during the run, for the report. */
  peakBytes: number;
  /** Peak JavaScript heap of the webview (performance.memory, Chromium only), when it can be read. */
  peakHeapBytes?: number;
}
export interface FailedMessage {
  type: 'failed';
  runId: string;
  message: string;
}
export interface StateMessage {
  type: 'state';
  /** Paused/running, for the status bar. */
  state: 'running' | 'paused' | 'idle';
}

export type WebviewToHost =
  | ReadyMessage
  | StartRequestMessage
  | ChunkRequestMessage
  | BackendSelectedMessage
  | ProgressMessage
  | FinishedMessage
  | FailedMessage
  | StateMessage;

// ---- validation -----------------------------------------------------------------------------

/** Finite or NaN/null (JSON turns NaN into null): used for loss values that may legitimately be absent. */
const lossValue: Check = (v, p) =>
  v === null || (typeof v === 'number' && !Number.isNaN(v)) ? undefined : `${p} must be a number or null`;

export const trainConfigCheck: Check = shape({
  mode: oneOf('batch', 'online'),
  model: oneOf('linear', 'logistic', 'softmax', 'mlp'),
  hidden: arrayOf(int(1, 4096), 8),
  activation: oneOf('relu', 'tanh'),
  task: optional(oneOf('regression', 'classification')),
  learningRate: num(1e-12, 10),
  batchSize: int(1, 1 << 20),
  epochs: int(1, 100_000),
  seed: int(0, 0xffffffff),
  shuffle: bool,
  normalize: oneOf('standard', 'none'),
  bias: bool,
  validationSplit: num(0, 0.9),
  optimizer: oneOf('sgd', 'momentum', 'adam'),
  missing: oneOf('drop', 'mean'),
  earlyStoppingPatience: optional(int(1, 100_000)),
  lrSchedule: optional(oneOf('constant', 'step', 'exponential')),
  rollingWindow: int(1, 10_000_000),
});

const backendInfoCheck: Check = shape({
  name: oneOf('webgl', 'wasm', 'cpu'),
  renderer: optional(str(500)),
  reason: str(1000),
});

const lossPointCheck: Check = shape({
  samplesSeen: num(0),
  elapsedMs: num(0),
  epoch: num(0),
  loss: lossValue,
  validationLoss: optional(lossValue),
  kind: oneOf('step', 'epoch'),
});

const runId = str(100);
const MAX_POINTS_PER_MESSAGE = 100_000;

const webviewMessageChecks: { [K in WebviewToHost['type']]: Check } = {
  ready: shape({}),
  start: shape({ config: trainConfigCheck }),
  requestChunk: shape({ runId, requestId: int(0), restart: bool }),
  backend: shape({ runId, backend: backendInfoCheck }),
  progress: shape({ runId, points: arrayOf(lossPointCheck, MAX_POINTS_PER_MESSAGE), samplesSeen: num(0) }),
  // The result's content is checked in depth by the report's schema validation when the host
  // builds the report; here only its outline.
  finished: shape({
    runId,
    result: shape({ status: oneOf('completed', 'stopped', 'diverged', 'failed') }),
    backend: backendInfoCheck,
    peakBytes: num(0),
    peakHeapBytes: optional(num(0)),
  }),
  failed: shape({ runId, message: str(2000) }),
  state: shape({ state: oneOf('running', 'paused', 'idle') }),
};

/** Returns the message typed, or an error saying what is wrong with it. */
export function parseWebviewMessage(value: unknown): Parsed<WebviewToHost> {
  return parseMessage<WebviewToHost>(webviewMessageChecks, value);
}

const columnKinds = oneOf('numeric', 'category');
export const datasetSummaryCheck: Check = shape({
  path: str(),
  target: str(),
  features: arrayOf(str(), 10_000),
  targetKind: columnKinds,
  featureKinds: arrayOf(columnKinds, 10_000),
});
export const backendPreferenceCheck: Check = oneOf('auto', 'webgl', 'wasm', 'cpu');
const setupCheck: Check = shape({
  runId,
  config: trainConfigCheck,
  backend: backendPreferenceCheck,
  dataset: datasetSummaryCheck,
  autoStart: bool,
  readOnly: bool,
});
const typedArray =
  (ctor: Float32ArrayConstructor | Int32ArrayConstructor | Float64ArrayConstructor): Check =>
  (v, p) =>
    v instanceof ctor ? undefined : `${p} must be a ${ctor.name}`;
const loadedColumnCheck: Check = (v, p) => {
  if (!isObject(v)) return `${p} must be an object`;
  return v.kind === 'category'
    ? shape({ name: str(), codes: typedArray(Int32Array), categories: arrayOf(str(), 1_000_000) })(v, p)
    : shape({ name: str(), kind: oneOf('numeric'), values: typedArray(Float32Array) })(v, p);
};
const hostMessageChecks: { [K in HostToWebview['type']]: Check } = {
  init: shape({ setup: setupCheck, wasmBase: str() }),
  batchData: shape({
    runId,
    features: arrayOf(loadedColumnCheck, 10_000),
    target: loadedColumnCheck,
    rowsSkipped: int(0),
  }),
  chunk: (v, p) =>
    isObject(v) && v.chunk === null
      ? shape({ runId, inReplyTo: int(0) })(v, p)
      : shape({
          runId,
          inReplyTo: int(0),
          chunk: shape({
            rows: int(0),
            width: int(1),
            values: typedArray(Float64Array),
            firstLine: int(0),
            skippedRows: int(0),
          }),
        })(v, p),
  dataError: shape({ runId, message: str(2000) }),
  control: shape({ action: oneOf('pause', 'resume', 'stop') }),
  saved: shape({ runId, reportPath: optional(str()), note: optional(str(2000)) }),
  // the host validated the whole report against its schema before sending it
  showRun: shape({
    setup: setupCheck,
    result: shape({
      status: oneOf('completed', 'stopped', 'diverged', 'failed'),
      history: arrayOf(lossPointCheck),
    }),
    backend: backendInfoCheck,
    reportPath: str(),
    createdAt: str(100),
  }),
};

export function parseHostMessage(value: unknown): Parsed<HostToWebview> {
  return parseMessage<HostToWebview>(hostMessageChecks, value);
}

/** Exhaustiveness guard for `switch (message.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
