// Online rows parsed on a second thread. Reading and parsing a CSV cost about twice what encoding
// and training on its rows does (CLI profile, 1M × 16: ~0.8 s against ~0.4 s), so the CLI parses
// in a worker thread and trains on the main one while the next chunks are parsed: the two overlap
// and a run takes about as long as the parse alone. The main thread's waits for the next chunk are
// handed to `onIdle` (the CLI hashes the file there). The chunks are the ones `readRowChunks`
// yields, moved (not copied) between threads; the worker parses at most WINDOW chunks ahead, so
// memory stays bounded whatever the file size.
//
// This one file is both sides: imported, it exports `workerRowChunks`; bundled on its own
// (dist/rowWorker.js, beside the CLI) it is the worker's script.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readRowChunks } from '../core/csv/index';
import { CsvError, type ColumnRequest, type CsvErrorCode, type RowChunk } from '../core/csv/types';
import { fileChunksSync } from './fileSource';

/** Chunks parsed ahead of the consumer. */
const WINDOW = 3;
const ROLE = 'csv-trainer-rows';

interface WorkerInput {
  role: typeof ROLE;
  path: string;
  requests: ColumnRequest[];
  chunkRows: number;
  totalBytes?: number;
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
  | { kind: 'end' }
  | { kind: 'error'; code?: CsvErrorCode; message: string; line?: number; column?: number };

type ToWorker = { kind: 'more' };

export interface WorkerRowOptions {
  chunkRows: number;
  totalBytes?: number;
  /**
   * Called while the next chunk is not there yet, until it returns false: a slice of other work
   * (a few milliseconds) for the time this thread would otherwise wait.
   */
  onIdle?: () => boolean;
}

/** The worker's script, or undefined where it is not built (then parse on this thread). */
export function rowWorkerScript(): string | undefined {
  const candidates = [path.join(__dirname, 'rowWorker.js'), path.join(__dirname, 'rowWorker.ts')];
  return candidates.find((file) => existsSync(file));
}

/** `readRowChunks` over a file, run in a worker thread; the worker stops when the reader does. */
export function workerRowChunks(
  script: string,
  file: string,
  requests: ColumnRequest[],
  options: WorkerRowOptions,
): AsyncIterable<RowChunk> {
  const input: WorkerInput = {
    role: ROLE,
    path: file,
    requests,
    chunkRows: options.chunkRows,
    totalBytes: options.totalBytes,
  };
  let started = false;
  return {
    [Symbol.asyncIterator]: () => {
      if (started) throw new Error('the rows of a worker can be read once');
      started = true;
      // From the sources (unit tests under tsx) the worker needs tsx's loader too.
      const worker = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: input })
        : new Worker(script, { workerData: input });
      const queue: FromWorker[] = [];
      let wake: (() => void) | undefined;
      let failure: Error | undefined;
      let exited = false;
      let idleWork = options.onIdle;
      const categories: (string[] | undefined)[] = requests.map((r) => (r.kind === 'category' ? [] : undefined));
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
      const arrived = () => queue.length > 0 || failure !== undefined || exited;
      const nextMessage = async (): Promise<FromWorker> => {
        while (!arrived()) {
          if (idleWork && !idleWork()) idleWork = undefined;
          // A message is only delivered between turns of the event loop: yield one after each slice.
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (idleWork) setImmediate(resolve);
          });
          wake = undefined;
        }
        const message = queue.shift();
        if (message) return message;
        throw failure ?? new Error('the CSV reader stopped before the end of the file');
      };
      const stop = (): void => void worker.terminate();
      return {
        async next(): Promise<IteratorResult<RowChunk>> {
          const message = await nextMessage();
          if (message.kind === 'end') {
            stop();
            return { done: true, value: undefined };
          }
          if (message.kind === 'error') {
            stop();
            throw message.code
              ? new CsvError(message.code, message.message, message.line, message.column)
              : new Error(message.message);
          }
          worker.postMessage({ kind: 'more' } satisfies ToWorker);
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
              skippedRows: message.skippedRows,
              categories,
            },
          };
        },
        async return(): Promise<IteratorResult<RowChunk>> {
          stop();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

// ---- The worker's side ----

async function runWorker(input: WorkerInput, port: NonNullable<typeof parentPort>): Promise<void> {
  let credit = WINDOW;
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'more') credit++;
    wake?.();
  });
  try {
    const sent = input.requests.map(() => 0);
    for await (const chunk of readRowChunks(fileChunksSync(input.path), input.requests, {
      chunkRows: input.chunkRows,
      totalBytes: input.totalBytes,
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
      // A view over part of a buffer (the last chunk) is copied; a whole buffer is moved.
      const values =
        chunk.values.byteOffset === 0 && chunk.values.byteLength === chunk.values.buffer.byteLength
          ? chunk.values
          : chunk.values.slice();
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
    port.postMessage({ kind: 'end' } satisfies FromWorker);
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

if (!isMainThread && parentPort && (workerData as WorkerInput | undefined)?.role === ROLE) {
  void runWorker(workerData as WorkerInput, parentPort);
}
