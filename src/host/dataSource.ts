// From a CSV in the workspace to what the webview trains on: a quick look at the columns (for the
// pickers and defaults), typed columns for batch runs, and row chunks pulled on demand for online
// runs. Nothing here holds rows as objects or strings.
import type * as vscode from 'vscode';
import { loadColumns, profileCsv, readRowChunks } from '../core/csv';
import type {
  ByteChunks,
  ColumnKind,
  ColumnProfile,
  ColumnRequest,
  LoadedColumns,
  RowChunk,
} from '../core/csv/types';
import type { HostPlatform } from './platform';

/** How much of a file the column pickers look at: enough for types, quick on any file size. */
const SAMPLE_BYTES = 4 * 1024 * 1024;
export const ONLINE_CHUNK_ROWS = 4096;

export interface ColumnSummary {
  name: string;
  type: ColumnProfile['type'];
  kind: ColumnKind | undefined; // undefined: not usable for training (text, date, empty)
  distinct: number;
}

export function kindOfType(type: ColumnProfile['type']): ColumnKind | undefined {
  switch (type) {
    case 'number':
    case 'integer':
      return 'numeric';
    case 'boolean':
    case 'category':
      return 'category';
    default:
      return undefined;
  }
}

/** The first bytes of a stream, cut after the last complete line. */
async function* leadingLines(chunks: ByteChunks, limit: number): AsyncGenerator<Uint8Array> {
  let taken = 0;
  for await (const chunk of chunks) {
    if (taken + chunk.length < limit) {
      taken += chunk.length;
      yield Uint8Array.prototype.slice.call(chunk); // a copy (a Buffer's slice() would be a view)
      continue;
    }
    const head = chunk.subarray(0, limit - taken);
    const lastNewline = head.lastIndexOf(0x0a);
    if (lastNewline >= 0) yield Uint8Array.prototype.slice.call(head, 0, lastNewline + 1);
    return;
  }
}

export async function sampleColumns(platform: HostPlatform, uri: vscode.Uri): Promise<ColumnSummary[]> {
  let profile;
  try {
    profile = await profileCsv(leadingLines(platform.readChunks(uri), SAMPLE_BYTES));
  } catch {
    // The cut may fall inside a quoted field, or the sample hides nothing the full pass would not
    // say better: profile the whole file, whose error (if any) is the one to show.
    profile = await profileCsv(platform.readChunks(uri));
  }
  return profile.columns.map((c) => ({
    name: c.name,
    type: c.type,
    kind: kindOfType(c.type),
    distinct: c.distinct,
  }));
}

export function defaultTarget(columns: ColumnSummary[]): ColumnSummary | undefined {
  const numeric = columns.filter((c) => c.kind === 'numeric');
  return numeric[numeric.length - 1] ?? columns.filter((c) => c.kind === 'category').pop();
}

export function defaultFeatures(columns: ColumnSummary[], target: string): ColumnSummary[] {
  return columns.filter((c) => c.name !== target && c.kind === 'numeric');
}

export function columnRequests(
  features: string[],
  featureKinds: ColumnKind[],
  target: string,
  targetKind: ColumnKind,
): ColumnRequest[] {
  return [
    ...features.map((name, i) => ({ name, kind: featureKinds[i] })),
    { name: target, kind: targetKind },
  ];
}

export function loadBatchColumns(
  platform: HostPlatform,
  uri: vscode.Uri,
  requests: ColumnRequest[],
  options: { skipMalformedRows: boolean; signal?: AbortSignal },
): Promise<LoadedColumns> {
  return loadColumns(platform.readChunks(uri, options.signal), requests, options);
}

/** Online data: chunks are read only when the webview asks for the next one (backpressure). */
export class RowChunkFeed {
  private iterator: AsyncGenerator<RowChunk> | undefined;
  /** The request being served: requests are served one after another (see `next`). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly open: () => AsyncGenerator<RowChunk>) {}

  static forFile(
    platform: HostPlatform,
    uri: vscode.Uri,
    requests: ColumnRequest[],
    options: { skipMalformedRows: boolean; signal?: AbortSignal },
  ): RowChunkFeed {
    return new RowChunkFeed(() =>
      readRowChunks(platform.readChunks(uri, options.signal), requests, {
        ...options,
        chunkRows: ONLINE_CHUNK_ROWS,
      }),
    );
  }

  /**
   * The next chunk, or the first again with `restart` (a new pass). Requests are served in turn:
   * two restarts at once would each close the reader and open one, and every one but the last
   * would be left open (a file handle and its read block each).
   */
  next(restart: boolean): Promise<RowChunk | null> {
    const served = this.queue.then(async () => {
      if (restart || !this.iterator) {
        await this.iterator?.return(undefined);
        this.iterator = this.open();
      }
      const step = await this.iterator.next();
      return step.done ? null : step.value;
    });
    this.queue = served.catch(() => undefined);
    return served;
  }

  close(): Promise<void> {
    const closed = this.queue.then(async () => {
      await this.iterator?.return(undefined);
      this.iterator = undefined;
    });
    this.queue = closed.catch(() => undefined);
    return closed;
  }
}
