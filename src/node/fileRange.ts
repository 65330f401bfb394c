// Random access to a file on disk for the inspector's grid: read N bytes at an offset with one
// open handle, so scrolling a multi-GB file reads only what is shown.
//
// The inspector's host code is shared by the Node and the web extension host bundles, so this
// module must bundle for the browser too: `fs` is required at run time (esbuild leaves a require
// inside try/catch alone), and `nodeFileRange` returns undefined where there is no Node.
import type * as NodeFs from 'node:fs';
import type { RangeSource } from '../host/rowIndex';
import { CsvError } from '../core/csv/types';

function loadNodeFs(): typeof NodeFs | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:fs') as typeof NodeFs;
  } catch {
    return undefined;
  }
}

/** A range source over a local file, or undefined when the host has no Node `fs`. */
export async function nodeFileRange(path: string): Promise<RangeSource | undefined> {
  const fs = loadNodeFs();
  if (!fs?.promises) return undefined;
  let handle: NodeFs.promises.FileHandle;
  let size: number;
  try {
    handle = await fs.promises.open(path, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    throw new CsvError(
      'io',
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let closed = false;
  const source: RangeSource & {
    allocate(length: number): Uint8Array;
    readInto(target: Uint8Array, offset: number): Promise<number>;
  } = {
    size,
    async read(offset, length) {
      const buffer = source.allocate(Math.max(0, Math.min(length, size - offset)));
      const filled = await source.readInto(buffer, offset);
      return filled === buffer.length ? buffer : buffer.subarray(0, filled);
    },
    async readInto(target, offset) {
      if (closed) throw new CsvError('io', `cannot read ${path}: closed`);
      const wanted = Math.max(0, Math.min(target.length, size - offset));
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(target, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break; // the file shrank since it was opened
        filled += bytesRead;
      }
      return filled;
    },
    allocate(length) {
      // A plain Uint8Array, never a Buffer: Buffer#slice is a view, not a copy, and the CSV reader
      // copies the chunks it keeps with slice() while this source reuses its blocks.
      return new Uint8Array(length);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return source;
}
