// Online rows parsed on a second thread. Reading and parsing a CSV cost about as much as encoding
// and training on its rows does (CLI profile, 1M × 16: ~0.55 s against ~0.45 s), so the CLI parses
// in a worker thread and trains on the main one while the next chunks are parsed: the two overlap.
// The worker also hashes the bytes it reads (sha256, for the report), which saves the main thread a
// second read of the file. The chunks are the ones `readRowChunks` yields, moved (not copied)
// between threads and handed back to be refilled; the worker parses at most WINDOW chunks ahead, so
// memory stays bounded whatever the file size. While the worker starts (60–140 ms measured), the
// main thread reads the first rows itself and then hands the rest of the file over at a row
// boundary (see `workerRowChunks`).
//
// This one file is both sides: imported, it exports `workerRowChunks`; bundled on its own
// (dist/rowWorker.js, beside the CLI) it is the worker's script.
import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import { readRowChunks } from '../core/csv/index';
import {
  CsvError,
  type ColumnRequest,
  type CsvErrorCode,
  type CsvResumePoint,
  type RowChunk,
} from '../core/csv/types';
import { fileChunksSync } from './fileSource';

/** Chunks parsed ahead of the consumer. */
const WINDOW = 3;
const ROLE = 'csv-trainer-rows';

interface WorkerInput {
  path: string;
  requests: ColumnRequest[];
  chunkRows: number;
  totalBytes?: number;
  /** Hash the file's bytes (sha256) as they are read. */
  hash: boolean;
  /** Rows before this point were read on the main thread. */
  resumeAt?: CsvResumePoint;
  /** The categories those rows gave, per column (see ReadOptions.resumeCategories). */
  resumeCategories?: (string[] | undefined)[];
}

type FromWorker =
  | {
      kind: 'chunk';
      rows: number;
      width: number;
      values: Float64Array;
      firstLine: number;
      skippedRows: number;
      /** Per column, the categories added since the previous chunk. */
      newCategories: (string[] | null)[];
    }
  /** The file's sha256 (hex) when it was asked for: every byte was read. */
  | { kind: 'end'; sha256?: string }
  | { kind: 'error'; code?: CsvErrorCode; message: string; line?: number; column?: number };

/** What to read (once, first), then room for one more chunk with the last chunk's buffer handed back for reuse. */
type ToWorker = { kind: 'start'; input: WorkerInput } | { kind: 'more'; spent?: Float64Array };

export interface WorkerRowOptions {
  chunkRows: number;
  totalBytes?: number;
  /**
   * Called with the file's sha256 (hex) once the last chunk is read: the worker hashes the bytes
   * as it reads them. Not called when the reading stops early.
   */
  onSha256?: (hex: string) => void;
  /**
   * Called when the thread takes over, with the point where it does: the rows before it were read
   * on this thread while the reader thread was starting.
   */
  onHandover?: (point: CsvResumePoint) => void;
  /**
   * Chunks read on this thread before the reader thread takes over: by default, as many as it
   * reads before the thread is up (none when it already is). A fixed number is for tests.
   */
  headChunks?: number;
}

/** The worker's script, or undefined where it is not built (then parse on this thread). */
export function rowWorkerScript(): string | undefined {
  const candidates = [path.join(__dirname, 'rowWorker.js'), path.join(__dirname, 'rowWorker.ts')];
  return candidates.find((file) => existsSync(file));
}

/** A reader thread, and the port on which it says once that it is up. */
interface ReaderThread {
  script: string;
  worker: Worker;
  ready: MessagePort;
  isReady: boolean;
  dead: boolean;
}

/** A reader thread started ahead of use, not yet given a file. */
let spare: ReaderThread | undefined;

function startWorker(script: string): ReaderThread {
  const { port1, port2 } = new MessageChannel();
  // From the sources (unit tests under tsx) the worker needs tsx's loader too.
  const workerData = { role: ROLE, ready: port2 };
  const options = { workerData, transferList: [port2] };
  const worker = script.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { ...options, eval: true })
    : new Worker(script, options);
  return { script, worker, ready: port1, isReady: false, dead: false };
}

/** Whether the thread is up and waiting for a file (asked without waiting: no event loop turn). */
function isUp(thread: ReaderThread): boolean {
  if (!thread.isReady && receiveMessageOnPort(thread.ready) !== undefined) {
    thread.isReady = true;
    thread.ready.close();
  }
  return thread.isReady;
}

/**
 * Starts a reader thread now, for the next `workerRowChunks` on `script` to take: its start-up
 * (some tens of milliseconds: a thread, a runtime, the script) then overlaps with what the caller
 * does meanwhile (sampling the file's types, setting up the backend). An unused one does not keep
 * the process alive.
 */
export function prestartRowWorker(script: string): void {
  if (spare && !spare.dead) return;
  const started = startWorker(script);
  const died = () => {
    started.dead = true;
  };
  started.worker.on('error', died);
  started.worker.on('exit', died);
  started.worker.unref();
  spare = started;
}

/** The spare thread for `script` if there is a live one, else a new thread. */
function takeWorker(script: string): ReaderThread {
  const taken = spare;
  spare = undefined;
  if (taken && taken.script === script && !taken.dead) {
    taken.worker.removeAllListeners();
    taken.worker.ref();
    return taken;
  }
  if (taken) void taken.worker.terminate();
  return startWorker(script);
}

/**
 * `readRowChunks` over a file, run in a worker thread; the worker stops when the reader does. A
 * chunk's `values` are handed back to the worker (and refilled) when the next chunk is asked for.
 */
export function workerRowChunks(
  script: string,
  file: string,
  requests: ColumnRequest[],
  options: WorkerRowOptions,
): AsyncIterable<RowChunk> {
  const input: WorkerInput = {
    path: file,
    requests,
    chunkRows: options.chunkRows,
    totalBytes: options.totalBytes,
    hash: options.onSha256 !== undefined,
  };
  let started = false;
  return {
    [Symbol.asyncIterator]: () => {
      if (started) throw new Error('the rows of a worker can be read once');
      started = true;
      const thread = takeWorker(script);
      const worker = thread.worker;
      const queue: FromWorker[] = [];
      let wake: (() => void) | undefined;
      let failure: Error | undefined;
      let exited = false;
      let previous: Float64Array | undefined;
      const categories: (string[] | undefined)[] = requests.map((r) =>
        r.kind === 'category' ? [] : undefined,
      );
      worker.on('message', (message: FromWorker) => {
        queue.push(message);
        wake?.();
      });
      worker.on('error', (error) => {
        failure = error;
        wake?.();
      });
      worker.on('exit', () => {
        exited = true;
        wake?.();
      });
      const handOver = (resumeAt?: CsvResumePoint, resumeCategories?: (string[] | undefined)[]): void => {
        worker.postMessage({
          kind: 'start',
          input: { ...input, resumeAt, resumeCategories },
        } satisfies ToWorker);
        if (resumeAt) options.onHandover?.(resumeAt);
      };
      // Until the thread is up (tens of milliseconds, more on a busy machine) this thread reads the
      // first rows itself, then hands over where its last chunk ended: rows flow at once, and the
      // trainer's first, not yet optimised, chunks overlap the thread's start instead of following
      // it. The thread still reads (and hashes) those bytes, but does not parse them. The category
      // dictionaries go over too: the thread's codes go on from this thread's.
      const fixedHead = options.headChunks;
      let head = (fixedHead === undefined ? !isUp(thread) : fixedHead > 0)
        ? readRowChunks(fileChunksSync(file), requests, {
            chunkRows: options.chunkRows,
            totalBytes: options.totalBytes,
          })
        : undefined;
      let headRead = 0;
      let headSkipped = 0;
      if (!head) handOver();
      const arrived = () => queue.length > 0 || failure !== undefined || exited;
      const nextMessage = async (): Promise<FromWorker> => {
        while (!arrived()) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        const message = queue.shift();
        if (message) return message;
        throw failure ?? new Error('the CSV reader stopped before the end of the file');
      };
      const stop = (): void => {
        thread.ready.close();
        void worker.terminate();
      };
      const closeHead = async (): Promise<void> => {
        const reading = head;
        head = undefined;
        await reading?.return(undefined);
      };
      return {
        async next(): Promise<IteratorResult<RowChunk>> {
          if (head) {
            let result: IteratorResult<RowChunk>;
            try {
              result = await head.next();
            } catch (error) {
              stop();
              throw error;
            }
            if (result.done) {
              // The whole file was read here: the thread is not needed (nor is its hash).
              head = undefined;
              stop();
              return result;
            }
            const chunk = result.value;
            headRead++;
            if (fixedHead === undefined ? isUp(thread) : headRead >= fixedHead) {
              headSkipped = chunk.skippedRows;
              // The thread's codes go on from these lists (posted: copied), which this side's chunks
              // share from here on, with what the thread adds appended.
              chunk.categories.forEach((list, c) => {
                if (list) categories[c] = list;
              });
              handOver(chunk.after, chunk.categories);
              await closeHead();
            }
            return result;
          }
          const message = await nextMessage();
          if (message.kind === 'end') {
            stop();
            if (message.sha256 !== undefined) options.onSha256?.(message.sha256);
            return { done: true, value: undefined };
          }
          if (message.kind === 'error') {
            stop();
            throw message.code
              ? new CsvError(message.code, message.message, message.line, message.column)
              : new Error(message.message);
          }
          // The previous chunk is spent once the next is asked for: its buffer goes back to be
          // filled again (transferred, not copied), so neither thread allocates per chunk.
          const spent = previous;
          previous = message.values;
          if (spent)
            worker.postMessage({ kind: 'more', spent } satisfies ToWorker, [spent.buffer as ArrayBuffer]);
          else worker.postMessage({ kind: 'more' } satisfies ToWorker);
          message.newCategories.forEach((added, c) => {
            if (added) categories[c]!.push(...added);
          });
          return {
            done: false,
            value: {
              rows: message.rows,
              width: message.width,
              values: message.values,
              firstLine: message.firstLine,
              skippedRows: headSkipped + message.skippedRows,
              categories,
            },
          };
        },
        async return(): Promise<IteratorResult<RowChunk>> {
          await closeHead();
          stop();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

// ---- The worker's side ----

/** Waits for the file to read, then reads it, WINDOW chunks ahead of what the main thread took. */
function serveWorker(port: NonNullable<typeof parentPort>): void {
  let credit = WINDOW;
  let wake: (() => void) | undefined;
  const spentBuffers: Float64Array[] = [];
  // Up: the main thread, reading the first rows meanwhile, hands over at its next chunk's end.
  const ready = (workerData as { ready?: MessagePort }).ready;
  ready?.postMessage('up');
  ready?.close();
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'start') void runWorker(message.input);
    else {
      credit++;
      if (message.spent) spentBuffers.push(message.spent);
      wake?.();
    }
  });

  async function runWorker(input: WorkerInput): Promise<void> {
    try {
      const sent = input.requests.map((_, c) => input.resumeCategories?.[c]?.length ?? 0);
      const hash = input.hash ? createHash('sha256') : undefined;
      const bytes = fileChunksSync(input.path);
      for await (const chunk of readRowChunks(hash ? hashing(bytes, hash) : bytes, input.requests, {
        chunkRows: input.chunkRows,
        totalBytes: input.totalBytes,
        resumeAt: input.resumeAt,
        resumeCategories: input.resumeCategories,
        reuse: () => spentBuffers.pop(),
      })) {
        while (credit === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        credit--;
        const newCategories = chunk.categories.map((list, c) => {
          if (!list || list.length === sent[c]) return null;
          const added = list.slice(sent[c]);
          sent[c] = list.length;
          return added;
        });
        // The chunk's view and its whole buffer are moved (readRowChunks may fill a buffer only in
        // part); the buffer comes back to be filled again.
        const values = chunk.values;
        const message: FromWorker = {
          kind: 'chunk',
          rows: chunk.rows,
          width: chunk.width,
          values,
          firstLine: chunk.firstLine,
          skippedRows: chunk.skippedRows,
          newCategories,
        };
        port.postMessage(message, [values.buffer as ArrayBuffer]);
      }
      port.postMessage({ kind: 'end', sha256: hash?.digest('hex') } satisfies FromWorker);
    } catch (error) {
      const csv = error instanceof CsvError ? error : undefined;
      port.postMessage({
        kind: 'error',
        message: error instanceof Error ? error.message : String(error),
        ...(csv ? { code: csv.code, line: csv.line, column: csv.column } : {}),
      } satisfies FromWorker);
    } finally {
      port.close();
    }
  }
}

function* hashing(chunks: Iterable<Uint8Array>, hash: Hash): Iterable<Uint8Array> {
  for (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

if (!isMainThread && parentPort && (workerData as { role?: string } | undefined)?.role === ROLE) {
  serveWorker(parentPort);
}
