// The online encoder's column-at-a-time path (numeric features, missing rows dropped) against its
// general row-at-a-time path (taken when imputing): the same encoded rows, bit for bit, the same
// running statistics and the same normal equations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RowChunk } from '../../src/core/csv/types';
import { SeededRandom, resolveTask } from '../../src/core/training/index';
import { StreamEncoder } from '../../src/core/training/streamEncoder';
import type { Normalization } from '../../src/core/training/types';
import { config } from './training-helpers';

const FEATURES = 5; // odd: the last column of the two-column passes has no partner
const layout = {
  features: Array.from({ length: FEATURES }, (_, f) => `x${f}`),
  target: 'y',
  featureKinds: new Array<'numeric'>(FEATURES).fill('numeric'),
  targetKind: 'numeric' as const,
};

/** Rows (features…, target) with a missing feature or target every few rows. */
function rowsWithGaps(rows: number): { values: Float64Array; missing: Set<number> } {
  const rng = new SeededRandom(7);
  const width = FEATURES + 1;
  const values = new Float64Array(rows * width);
  const missing = new Set<number>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) values[r * width + c] = rng.normal() * (c + 1) + 10 * c;
    if (r % 13 === 5) {
      values[r * width + (r % width)] = NaN;
      missing.add(r);
    }
  }
  return { values, missing };
}

function chunk(values: Float64Array, rows: number): RowChunk {
  return {
    rows,
    width: FEATURES + 1,
    values,
    firstLine: 2,
    categories: new Array(FEATURES + 1).fill(undefined),
    skippedRows: 0,
  };
}

/** The same rows, as chunks of `size`. */
function chunked(values: Float64Array, size: number, width = FEATURES + 1): RowChunk[] {
  const rows = values.length / width;
  const chunks: RowChunk[] = [];
  for (let start = 0; start < rows; start += size) {
    const count = Math.min(size, rows - start);
    chunks.push({ ...chunk(values.slice(start * width, (start + count) * width), count), width });
  }
  return chunks;
}

function encodeAll(encoder: StreamEncoder, chunks: RowChunk[]): number[] {
  const encoded: number[] = [];
  let buffer: Float32Array = new Float32Array(0);
  for (const c of chunks) {
    const { rows, count } = encoder.encode(c, buffer);
    buffer = rows;
    encoded.push(...rows.subarray(0, count * (encoder.columns + 1)));
  }
  return encoded;
}

describe('online encoder', () => {
  for (const normalize of ['standard', 'none'] as Normalization[]) {
    it(`numeric rows, normalize ${normalize}: the column path encodes as the row path does`, () => {
      const rows = 3000;
      const { values, missing } = rowsWithGaps(rows);
      const width = FEATURES + 1;
      // The row path (imputing) is fed the rows the column path keeps: nothing is then imputed.
      const complete = new Float64Array((rows - missing.size) * width);
      let kept = 0;
      for (let r = 0; r < rows; r++)
        if (!missing.has(r)) complete.set(values.subarray(r * width, (r + 1) * width), kept++ * width);

      const task = resolveTask({ model: 'linear' }, 'numeric');
      const byColumn = new StreamEncoder(
        layout,
        config({ mode: 'online', normalize, missing: 'drop' }),
        task,
      );
      const byRow = new StreamEncoder(layout, config({ mode: 'online', normalize, missing: 'mean' }), task);
      const first = encodeAll(byColumn, chunked(values, 1000));
      assert.deepEqual(first, encodeAll(byRow, chunked(complete, 700)));
      assert.equal(byColumn.rowsUsed, rows - missing.size);
      assert.equal(byColumn.rowsSkipped, missing.size);
      assert.deepEqual(byColumn.preprocessing().means, byRow.preprocessing().means);
      assert.deepEqual(byColumn.preprocessing().scales, byRow.preprocessing().scales);
      assert.deepEqual(byColumn.normalEquations!.sums(), byRow.normalEquations!.sums());
      if (normalize === 'standard')
        assert.ok(
          first.some((v, i) => v !== complete[i]),
          'rows were standardised',
        );

      // A later pass uses the final statistics, unchanged.
      byColumn.freeze();
      byRow.freeze();
      const again = encodeAll(byColumn, chunked(values, 512));
      assert.deepEqual(again, encodeAll(byRow, chunked(complete, 512)));
      assert.equal(byColumn.rowsSkipped, missing.size, 'a later pass counts nothing twice');
    });
  }

  for (const normalize of ['standard', 'none'] as Normalization[]) {
    it(`rows with category features, normalize ${normalize}: the column path encodes as the row path does`, () => {
      // x0, shape, x1, colour, then the target; codes are dictionary indexes, -1 missing.
      const mixed = {
        features: ['x0', 'shape', 'x1', 'colour'],
        target: 'y',
        featureKinds: ['numeric', 'category', 'numeric', 'category'] as ('numeric' | 'category')[],
        targetKind: 'numeric' as const,
      };
      const width = 5;
      const colours = ['red', 'green', 'blue', 'cyan', 'plum', 'teal'];
      const shapes = ['a', 'b', 'c'];
      const rng = new SeededRandom(3);
      const rows = 2500;
      const values = new Float64Array(rows * width);
      const missing = new Set<number>();
      for (let r = 0; r < rows; r++) {
        // New colours appear late, past the cap of 4 slots: later ones share "__other__".
        const row = [
          rng.normal() * 3 + 1,
          Math.floor(rng.next() * shapes.length),
          rng.normal() - 5,
          Math.floor(rng.next() * Math.min(colours.length, 2 + r / 400)),
          rng.normal() * 2,
        ];
        if (r % 17 === 3) {
          row[1 + (r % 2) * 2] = r % 4 === 1 ? NaN : -1; // a missing category (or NaN)
          missing.add(r);
        }
        values.set(row, r * width);
      }
      const complete = new Float64Array((rows - missing.size) * width);
      let kept = 0;
      for (let r = 0; r < rows; r++)
        if (!missing.has(r)) complete.set(values.subarray(r * width, (r + 1) * width), kept++ * width);
      const categories = [undefined, shapes, undefined, colours, undefined];
      const chunks = (from: Float64Array, size: number): RowChunk[] =>
        chunked(from, size, width).map((c) => ({ ...c, categories }));

      const task = resolveTask({ model: 'linear' }, 'numeric');
      const byColumn = new StreamEncoder(
        mixed,
        config({ mode: 'online', normalize, missing: 'drop' }),
        task,
        4,
      );
      const byRow = new StreamEncoder(mixed, config({ mode: 'online', normalize, missing: 'mean' }), task, 4);
      const first = encodeAll(byColumn, chunks(values, 1000));
      assert.deepEqual(first, encodeAll(byRow, chunks(complete, 700)));
      assert.equal(byColumn.columns, 1 + 4 + 1 + 4);
      assert.equal(byColumn.rowsSkipped, missing.size);
      const [a, b] = [byColumn.preprocessing(), byRow.preprocessing()];
      assert.deepEqual([a.means, a.scales, a.categoryMaps], [b.means, b.scales, b.categoryMaps]);
      assert.ok(a.categoryMaps?.colour?.includes('__other__'), JSON.stringify(a.categoryMaps));
      assert.deepEqual(byColumn.normalEquations!.sums(), byRow.normalEquations!.sums());

      byColumn.freeze();
      byRow.freeze();
      assert.deepEqual(encodeAll(byColumn, chunks(values, 512)), encodeAll(byRow, chunks(complete, 512)));
    });
  }
});
