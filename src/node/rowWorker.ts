// Online rows parsed on a second thread. Reading, hashing and parsing a CSV cost about twice what
// encoding and training on its rows does (CLI profile, 1M × 16: ~0.8 s against ~0.4 s), so the CLI
// runs them in a worker thread and trains on the main one while the next chunks are parsed: the two
// overlap and a run takes about as long as the parse alone. The chunks are the ones `readRowChunks`
// yields, moved (not copied) between threads; the worker parses at most WINDOW chunks ahead, so
// memory stays bounded whatever the file size.
//
// This one file is both sides: imported, it exports `workerRowChunks`; bundled on its own
// (dist/rowWorker.js, beside the CLI) it is the worker's script.
import { createHash } from 'node:crypto';
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
  hash: boolean;
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
  | { kind: 'end'; sha256?: string }
  | { kind: 'error'; code?: CsvErrorCode; message: string; line?: number; column?: number };

type ToWorker = { kind: 'more' } | { kind: 'stop' };

export interface WorkerRowChunks {
  chunks: AsyncIterable<RowChunk>;
  /**
   * The file's sha256 (when asked for): always of the whole file, also when the consumer stopped
   * early (a diverged run); the worker then reads the rest without parsing it.
   */
  sha256(): Promise<string>;
}

/** The worker's script, or undefined where it is not built (then parse on this thread). */
export function rowWorkerScript(): string | undefined {
  const candidates = [path.join(__dirname, 'rowWorker.js'), path.join(__dirname, 'rowWorker.ts')];
  return candidates.find((file) => existsSync(file));
}

/** `readRowChunks` over a file, run in a worker thread. */
export function workerRowChunks(
  script: string,
  file: string,
  requests: ColumnRequest[],
  options: { chunkRows: number; totalBytes?: number; hash: boolean },
): WorkerRowChunks {
  const input: WorkerInput = { role: ROLE, path: file, requests, ...options };
  let digest: Promise<string> | undefined;
  let started = false;
  const chunks: AsyncIterable<RowChunk> = {
    [Symbol.asyncIterator]: () => {
      if (started) throw new Error('the rows of a worker can be read once');
      started = true;
      // From the sources (unit tests under tsx) the worker needs tsx's loader too.
      const worker = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, {
            eval: true,
            workerData: input,
          })
        : new Worker(script, { workerData: input });
      const queue: FromWorker[] = [];
      let wake: (() => void) | undefined;
      let failure: Error | undefined;
      let finished = false;
      let exited = false;
      let resolveDigest: (value: string) => void = () => {};
      let rejectDigest: (error: Error) => void = () => {};
      digest = new Promise<string>((resolve, reject) => {
        resolveDigest = resolve;
        rejectDigest = reject;
      });
      digest.catch(() => {}); // read by sha256(), if at all
      const categories: (string[] | undefined)[] = requests.map((r) =>
        r.kind === 'category' ? [] : undefined,
      );
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'end') {
          finished = true;
          if (message.sha256 !== undefined) resolveDigest(message.sha256);
        }
        queue.push(message);
        wake?.();
      });
      worker.on('error', (error) => {
        failure = error;
        rejectDigest(error);
        wake?.();
      });
      worker.on('exit', () => {
        exited = true;
        if (!finished)
          rejectDigest(failure ?? new Error('the CSV reader stopped before the end of the file'));
        wake?.();
      });
      const next = async (): Promise<FromWorker | undefined> => {
        while (queue.length === 0) {
          if (failure) throw failure;
          if (finished) return undefined;
          if (exited) throw new Error('the CSV reader stopped before the end of the file');
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        return queue.shift();
      };
      const stop = (): void => {
        // Stopped early: the worker finishes the hash (reading only) and exits; without a hash to
        // finish it exits at once.
        if (!finished) worker.postMessage({ kind: 'stop' } satisfies ToWorker);
        if (!options.hash) void worker.terminate();
      };
      return {
        async next(): Promise<IteratorResult<RowChunk>> {
          const message = await next();
          if (message === undefined || message.kind === 'end') {
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
  return {
    chunks,
    sha256: () => digest ?? Promise.reject(new Error('the rows were never read')),
  };
}

// ---- The worker's side ----

async function runWorker(input: WorkerInput, port: NonNullable<typeof parentPort>): Promise<void> {
  const hash = input.hash ? createHash('sha256') : undefined;
  let credit = WINDOW;
  let stopping = false;
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'more') credit++;
    else stopping = true;
    wake?.();
  });
  const bytes = fileChunksSync(input.path)[Symbol.iterator]();
  const hashed: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => ({
      next() {
        const step = bytes.next();
        if (!step.done) hash?.update(step.value);
        return step;
      },
    }),
  };
  try {
    const sent = input.requests.map(() => 0);
    for await (const chunk of readRowChunks(hashed, input.requests, {
      chunkRows: input.chunkRows,
      totalBytes: input.totalBytes,
    })) {
      while (credit === 0 && !stopping) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (stopping) break;
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
    if (hash) for (let step = bytes.next(); !step.done; step = bytes.next()) hash.update(step.value);
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

if (!isMainThread && parentPort && (workerData as WorkerInput | undefined)?.role === ROLE) {
  void runWorker(workerData as WorkerInput, parentPort);
}
