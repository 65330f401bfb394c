// Every message between the extension host and the CSV Inspector webview: one interface per
// message with a `type` literal, one union per direction, validators for what arrives. The webview
// renders file content and is untrusted: the host validates every message before acting on it; the
// webview validates the host's too, which catches protocol drift early. Handshake: the webview
// says `ready`, and only then does the host post.
import type { CsvDialect, CsvProfile } from './csv/types';
import type { TrainingMode } from './training/types';
import {
  arrayOf,
  bool,
  int,
  num,
  oneOf,
  optional,
  parseMessage,
  shape,
  str,
  type Check,
  type Parsed,
} from './validate';

/** Most rows one `requestRows` may ask for: a screenful or two, never the file. */
export const MAX_ROWS_PER_REQUEST = 500;

// ---- host → webview -------------------------------------------------------------------------

export interface InspectorInitMessage {
  type: 'init';
  /** Workspace-relative path, shown as text. */
  path: string;
  fileBytes: number;
  /** Problems link to the text editor only for files it opens (< 50 MB). */
  canOpenInTextEditor: boolean;
}
/** The header and delimiter, known from the first bytes: the grid can show before the profile. */
export interface InspectorHeadMessage {
  type: 'head';
  header: string[];
  delimiter: CsvDialect['delimiter'];
}
export interface InspectorProgressMessage {
  type: 'progress';
  bytesRead: number;
  totalBytes: number;
  /** Rows the grid can show (indexed so far). */
  rowsIndexed: number;
}
export interface InspectorProfileMessage {
  type: 'profile';
  profile: CsvProfile;
  rowsIndexed: number;
  elapsedMs: number;
}
export interface InspectorProfileFailedMessage {
  type: 'profileFailed';
  message: string;
  line?: number;
  rowsIndexed: number;
}
export interface InspectorProfileCancelledMessage {
  type: 'profileCancelled';
  bytesRead: number;
  rowsIndexed: number;
}
export interface InspectorRowsMessage {
  type: 'rows';
  inReplyTo: number;
  start: number;
  rows: string[][];
  note?: string;
}

export type InspectorHostMessage =
  | InspectorInitMessage
  | InspectorHeadMessage
  | InspectorProgressMessage
  | InspectorProfileMessage
  | InspectorProfileFailedMessage
  | InspectorProfileCancelledMessage
  | InspectorRowsMessage;

// ---- webview → host -------------------------------------------------------------------------

export interface InspectorReadyMessage {
  type: 'ready';
}
export interface InspectorRequestRowsMessage {
  type: 'requestRows';
  requestId: number;
  start: number;
  count: number;
}
export interface InspectorCancelMessage {
  type: 'cancel';
}
export interface InspectorRestartMessage {
  type: 'restart';
}
export interface InspectorOpenLineMessage {
  type: 'openLine';
  line: number;
}
export interface InspectorTrainMessage {
  type: 'train';
  mode: TrainingMode;
  target: string;
  features: string[];
}

export type InspectorWebviewMessage =
  | InspectorReadyMessage
  | InspectorRequestRowsMessage
  | InspectorCancelMessage
  | InspectorRestartMessage
  | InspectorOpenLineMessage
  | InspectorTrainMessage;

// ---- validation -----------------------------------------------------------------------------

/** JSON turns NaN and ±Infinity into null: statistics that may be absent are number or null. */
const numOrNull: Check = (v, p) =>
  v === null || typeof v === 'number' ? undefined : `${p} must be a number or null`;
/** Any finite number (no range). */
const finite: Check = num();

const MAX_COLUMNS = 100_000;
const delimiterCheck = oneOf(',', ';', '\t', '|');
const columnName = str(100_000);

const columnProfileCheck: Check = shape({
  name: columnName,
  type: oneOf('number', 'integer', 'boolean', 'category', 'text', 'date', 'empty'),
  count: int(),
  missing: int(),
  distinct: int(),
  distinctCapped: bool,
  min: numOrNull,
  max: numOrNull,
  mean: numOrNull,
  std: numOrNull,
  histogram: optional(shape({ min: numOrNull, max: numOrNull, counts: arrayOf(finite, 1024) })),
  topCategories: optional(arrayOf(shape({ value: str(100_000), count: int() }), 100)),
});

const profileCheck: Check = shape({
  rows: int(),
  dialect: shape({
    delimiter: delimiterCheck,
    header: bool,
    lineEnding: oneOf('lf', 'crlf', 'cr', 'mixed', 'none'),
    bom: bool,
    encoding: oneOf('utf-8'),
  }),
  columns: arrayOf(columnProfileCheck, MAX_COLUMNS),
  skippedRows: int(),
  problems: arrayOf(shape({ line: int(), message: str(10_000) }), 1000),
  bytes: int(),
});

const hostMessageChecks: { [K in InspectorHostMessage['type']]: Check } = {
  init: shape({ path: str(), fileBytes: int(), canOpenInTextEditor: bool }),
  head: shape({ header: arrayOf(columnName, MAX_COLUMNS), delimiter: delimiterCheck }),
  progress: shape({ bytesRead: int(), totalBytes: int(), rowsIndexed: int() }),
  profile: shape({ profile: profileCheck, rowsIndexed: int(), elapsedMs: finite }),
  profileFailed: shape({ message: str(10_000), line: optional(int()), rowsIndexed: int() }),
  profileCancelled: shape({ bytesRead: int(), rowsIndexed: int() }),
  rows: shape({
    inReplyTo: int(),
    start: int(),
    rows: arrayOf(arrayOf(str(10_000), MAX_COLUMNS), MAX_ROWS_PER_REQUEST),
    note: optional(str(10_000)),
  }),
};

const webviewMessageChecks: { [K in InspectorWebviewMessage['type']]: Check } = {
  ready: shape({}),
  requestRows: shape({ requestId: int(), start: int(), count: int(1, MAX_ROWS_PER_REQUEST) }),
  cancel: shape({}),
  restart: shape({}),
  openLine: shape({ line: int(1) }),
  train: shape({
    mode: oneOf('batch', 'online'),
    target: columnName,
    features: arrayOf(columnName, MAX_COLUMNS),
  }),
};

/** A message from the (untrusted) webview, typed, or why it was refused. */
export function parseInspectorWebviewMessage(value: unknown): Parsed<InspectorWebviewMessage> {
  return parseMessage<InspectorWebviewMessage>(webviewMessageChecks, value);
}

/** A message from the host, typed, or why it was refused. */
export function parseInspectorHostMessage(value: unknown): Parsed<InspectorHostMessage> {
  return parseMessage<InspectorHostMessage>(hostMessageChecks, value);
}
