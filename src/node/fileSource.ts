// CSV bytes from a file on disk, in large blocks, for the platform-free CSV layer.
import { closeSync, openSync, readSync, promises as fs } from 'node:fs';
import { CsvError } from '../core/csv/types';

export const DEFAULT_BLOCK_BYTES = 1024 * 1024;

export interface FileChunksOptions {
  /** Block size in bytes (default 1 MiB). */
  blockBytes?: number;
}

// Buffer rule: each yielded chunk is a view of ONE buffer that is reused for the next read, so a
// consumer may use a chunk only until it asks for the next one (the CSV tokenizer copies the
// partial row it still needs before asking). Reusing the block avoids a 1 MiB allocation per read.

/** Read a file block by block with a FileHandle (async: keeps the event loop free). */
export function fileChunks(path: string, options: FileChunksOptions = {}): AsyncIterable<Uint8Array> {
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  return {
    async *[Symbol.asyncIterator]() {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(path, 'r');
      } catch (error) {
        throw ioError(path, error);
      }
      try {
        const block = new Uint8Array(blockBytes);
        for (;;) {
          let bytesRead: number;
          try {
            ({ bytesRead } = await handle.read(block, 0, blockBytes, null));
          } catch (error) {
            throw ioError(path, error);
          }
          if (bytesRead === 0) return;
          yield block.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * The same with blocking `readSync`: no promise per block, measurably faster for the CLI and
 * benchmarks (see bench/ingest.ts); not for the extension host, where it would block the UI thread.
 */
export function fileChunksSync(path: string, options: FileChunksOptions = {}): Iterable<Uint8Array> {
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  return {
    *[Symbol.iterator]() {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw ioError(path, error);
      }
      try {
        const block = new Uint8Array(blockBytes);
        for (;;) {
          let bytesRead: number;
          try {
            bytesRead = readSync(fd, block, 0, blockBytes, null);
          } catch (error) {
            throw ioError(path, error);
          }
          if (bytesRead === 0) return;
          yield block.subarray(0, bytesRead);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EMFILE: 'too many open files',
};

function ioError(path: string, error: unknown): CsvError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new CsvError('io', `cannot read ${path}: ${reason}`);
}

/** Size in bytes of a readable regular file; `CsvError('io')` otherwise. */
export async function fileSize(path: string): Promise<number> {
  let stats;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    throw ioError(path, error);
  }
  if (stats.isDirectory()) throw new CsvError('io', `cannot read ${path}: it is a directory`);
  // A pipe or a device has no size and cannot be read a second time (training samples, then reads).
  if (!stats.isFile()) throw new CsvError('io', `cannot read ${path}: it is not a regular file`);
  return stats.size;
}
