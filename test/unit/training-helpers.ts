// Shared fixtures for the training tests: the textbook data and in-memory chunk streams.
import type { LoadedColumn, RowChunk } from '../../src/core/csv/types';
import { DEFAULT_CONFIG, SeededRandom, type TrainConfig } from '../../src/core/training/index';

export function textbookData(seed = 42, rows = 100): { x: Float32Array; y: Float32Array } {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(rows);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = 2 * rng.next();
    y[i] = 4 + 3 * x[i] + rng.normal();
  }
  return { x, y };
}

export function numeric(name: string, values: Float32Array): LoadedColumn {
  return { name, kind: 'numeric', values };
}

/** Row-major chunks of `chunkRows` rows from columns (features…, target). */
export function chunksOf(columns: ArrayLike<number>[], chunkRows = 64): () => AsyncIterable<RowChunk> {
  const rows = columns[0].length;
  const width = columns.length;
  return async function* () {
    for (let start = 0; start < rows; start += chunkRows) {
      const count = Math.min(chunkRows, rows - start);
      const values = new Float64Array(count * width);
      for (let r = 0; r < count; r++)
        for (let c = 0; c < width; c++) values[r * width + c] = columns[c][start + r];
      yield {
        rows: count,
        width,
        values,
        firstLine: start + 2,
        categories: new Array(width).fill(undefined),
        skippedRows: 0,
      };
    }
  };
}

export function config(overrides: Partial<TrainConfig>): TrainConfig {
  return { ...DEFAULT_CONFIG, ...overrides };
}

export const TEXTBOOK: Partial<TrainConfig> = {
  learningRate: 0.01,
  batchSize: 10,
  epochs: 1000,
  normalize: 'none',
  validationSplit: 0,
};
