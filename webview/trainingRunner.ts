// Runs one training run inside the webview: picks the backend, feeds the engine (batch columns,
// or online chunks pulled from the host one at a time), forwards progress, honours pause/stop.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl'; // registers WebGL: only the webview bundle carries it
import { selectBackend, trainBatch, trainOnline } from '../src/core/training';
import type { LoadedColumn, RowChunk } from '../src/core/csv/types';
import type { BackendInfo, ChunkMessage, RunSetup } from '../src/core/protocol';
import type { LossPoint, TrainResult } from '../src/core/training/types';
import { postToHost } from './hostBridge';

/**
 * Further passes over a small file replay the first pass from memory instead of re-reading the
 * file through the host (a round trip per chunk and per pass). Above this many values the file is
 * streamed again each pass, so memory stays bounded whatever the file size.
 */
const REPLAY_CACHE_VALUES = 4_000_000;

/** Online data pulled from the host: one chunk requested ahead, never more (bounded memory). */
export class HostChunkStream {
  private readonly waiting = new Map<number, (chunk: RowChunk | null) => void>();
  private readonly failures: ((error: Error) => void)[] = [];
  private nextRequestId = 1;
  private replay: RowChunk[] | undefined = [];
  private replayValues = 0;
  private firstPassComplete = false;

  constructor(private readonly runId: string) {}

  deliver(message: ChunkMessage): void {
    const resolve = this.waiting.get(message.inReplyTo);
    if (!resolve) return;
    this.waiting.delete(message.inReplyTo);
    resolve(message.chunk);
  }

  fail(message: string): void {
    for (const reject of this.failures.splice(0)) reject(new Error(message));
    this.waiting.clear();
  }

  private request(restart: boolean): Promise<RowChunk | null> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, resolve);
      this.failures.push(reject);
      postToHost({ type: 'requestChunk', runId: this.runId, requestId, restart });
    });
  }

  /** One pass over the file; `restart` re-opens it (further passes). */
  pass(restart: boolean): AsyncIterable<RowChunk> {
    if (restart && this.firstPassComplete && this.replay) {
      const chunks = this.replay;
      return {
        [Symbol.asyncIterator]: async function* () {
          yield* chunks;
        },
      };
    }
    return {
      [Symbol.asyncIterator]: async function* (this: HostChunkStream) {
        let current = this.request(restart);
        for (;;) {
          const chunk = await current;
          if (chunk === null) {
            if (!restart) this.firstPassComplete = true;
            return;
          }
          current = this.request(false); // prefetch while this chunk trains
          if (!restart) this.remember(chunk);
          yield chunk;
        }
      }.bind(this),
    };
  }

  private remember(chunk: RowChunk): void {
    if (!this.replay) return;
    this.replayValues += chunk.values.length;
    if (this.replayValues > REPLAY_CACHE_VALUES) this.replay = undefined;
    else this.replay.push(chunk);
  }
}

export interface RunCallbacks {
  onBackend(info: BackendInfo): void;
  onReference(optimum: { mse: number; loss: number }): void;
  onPoints(points: LossPoint[]): void;
  onState(state: 'running' | 'paused'): void;
}

export class TrainingRun {
  private readonly abort = new AbortController();
  private paused = false;
  private resume: (() => void) | undefined;
  private pending: LossPoint[] = [];
  private lastPost = 0;
  private samplesSeen = 0;
  peakBytes = 0;
  /** Highest JS heap seen while training; undefined where the browser does not expose it. */
  peakHeapBytes: number | undefined;
  readonly chunks: HostChunkStream;

  constructor(
    readonly setup: RunSetup,
    private readonly wasmBase: string,
    private readonly callbacks: RunCallbacks,
  ) {
    this.chunks = new HostChunkStream(setup.runId);
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.callbacks.onState('paused');
    postToHost({ type: 'state', state: 'paused' });
  }

  resumeRun(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resume?.();
    this.resume = undefined;
    this.callbacks.onState('running');
    postToHost({ type: 'state', state: 'running' });
  }

  stop(): void {
    this.abort.abort();
    this.resumeRun();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private hooks() {
    return {
      signal: this.abort.signal,
      onReference: (optimum: { mse: number; loss: number }) => this.callbacks.onReference(optimum),
      waitIfPaused: () =>
        this.paused ? new Promise<void>((resolve) => (this.resume = resolve)) : Promise.resolve(),
      onProgress: (points: LossPoint[]) => {
        if (points.length === 0) return;
        this.samplesSeen = points[points.length - 1].samplesSeen;
        this.callbacks.onPoints(points);
        for (const p of points) this.pending.push(p);
        const bytes = tf.memory().numBytes;
        if (bytes > this.peakBytes) this.peakBytes = bytes;
        this.sampleHeap();
        const now = performance.now();
        if (now - this.lastPost > 250) this.flushProgress(now);
      },
    };
  }

  private flushProgress(now = performance.now()): void {
    this.lastPost = now;
    if (this.pending.length === 0) return;
    // The host only needs the shape of the run for its status bar: send a bounded sample.
    const points =
      this.pending.length > 200
        ? this.pending.filter((_, i, a) => i % Math.ceil(a.length / 200) === 0 || i === a.length - 1)
        : this.pending;
    postToHost({ type: 'progress', runId: this.setup.runId, points, samplesSeen: this.samplesSeen });
    this.pending = [];
  }

  async trainBatch(
    features: LoadedColumn[],
    target: LoadedColumn,
  ): Promise<{ result: TrainResult; backend: BackendInfo }> {
    const backend = await this.prepareBackend();
    const result = await trainBatch({ features, target }, this.setup.config, this.hooks());
    this.flushProgress();
    return { result, backend };
  }

  async trainOnline(): Promise<{ result: TrainResult; backend: BackendInfo }> {
    const backend = await this.prepareBackend();
    const { dataset } = this.setup;
    let passes = 0;
    const result = await trainOnline(
      () => this.chunks.pass(passes++ > 0),
      {
        features: dataset.features,
        target: dataset.target,
        featureKinds: dataset.featureKinds,
        targetKind: dataset.targetKind,
      },
      this.setup.config,
      this.hooks(),
    );
    this.flushProgress();
    return { result, backend };
  }

  private async prepareBackend(): Promise<BackendInfo> {
    const info = await selectBackend(this.setup.backend, {
      browser: true,
      wasmPath: this.wasmBase,
      workload: this.setup.config.mode === 'online' ? 'per-sample' : 'batch',
    });
    this.callbacks.onBackend(info);
    postToHost({ type: 'backend', runId: this.setup.runId, backend: info });
    this.peakBytes = tf.memory().numBytes;
    this.sampleHeap();
    return info;
  }

  /**
   * performance.memory is Chromium's (VS Code's webviews run in it): the page's JS heap, coarse
   * unless precise memory info is enabled. Elsewhere it is absent and so is the figure.
   */
  private sampleHeap(): void {
    const heap = (performance as Performance & { memory?: { usedJSHeapSize?: number } }).memory
      ?.usedJSHeapSize;
    if (typeof heap === 'number' && Number.isFinite(heap) && heap > (this.peakHeapBytes ?? -1))
      this.peakHeapBytes = heap;
  }
}
