// The normal equations, summed in WebAssembly (gram.wat) or in JavaScript (rows gathered by column,
// added block by block), against the plain definition (sums of products row by row, written out
// here), for odd and even feature counts and row counts that leave a partial block; and the two
// engines against each other.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NormalEquations, closedFormLeastSquares } from '../../src/core/training/closedForm';
import { WasmRowSums } from '../../src/core/training/gramWasm';
import { SeededRandom } from '../../src/core/training/rng';

function data(rows: number, features: number, seed: number) {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(rows * features).map(() => rng.next() * 4 - 2);
  const y = new Float64Array(rows).map((_, r) => 1.5 + x[r * features] * 3 + rng.next());
  return { x, y };
}

/** Σ x̃x̃ᵀ (upper triangle), Σ x̃y, Σy², Σy, row by row: x̃ has a trailing 1 with a bias. */
function reference(x: Float64Array, y: Float64Array, rows: number, features: number, bias: boolean) {
  const size = features + (bias ? 1 : 0);
  const gram = new Float64Array(size * size);
  const xty = new Float64Array(size);
  let yty = 0;
  let sumY = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: size }, (_, a) => (a < features ? x[r * features + a] : 1));
    for (let a = 0; a < size; a++) {
      xty[a] += row[a] * y[r];
      for (let b = a; b < size; b++) gram[a * size + b] += row[a] * row[b];
    }
    yty += y[r] * y[r];
    sumY += y[r];
  }
  return { gram, xty, yty, sumY, rows };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length &&
  Array.from(a).every((value, i) => Math.abs(value - b[i]) <= 1e-9 * Math.max(1, Math.abs(value)));

describe('normal equations', () => {
  it('sum in WebAssembly here (Node): the engines below are both tested', () => {
    assert.ok(WasmRowSums.create(3));
  });

  for (const engine of ['wasm', 'js'] as const)
    for (const features of [1, 2, 3, 7, 16])
      for (const bias of [true, false])
        it(`equal the row-by-row sums (${engine}, ${features} features, bias ${bias}), read mid-stream too`, () => {
          const rows = 1000; // 3 whole blocks of 256 and a partial one
          const { x, y } = data(rows, features, features);
          const equations = new NormalEquations(features, bias, engine);
          for (let r = 0; r < 300; r++) equations.add(x, r * features, y[r]);
          const early = equations.sums();
          const expectedEarly = reference(x, y, 300, features, bias);
          assert.ok(close(early.xty, expectedEarly.xty) && early.rows === 300, 'a partial block is read');
          for (let r = 300; r < rows; r++) equations.add(x, r * features, y[r]);
          const got = equations.sums();
          const expected = reference(x, y, rows, features, bias);
          assert.ok(close(got.gram, expected.gram), 'gram');
          assert.ok(close(got.xty, expected.xty), 'xty');
          assert.ok(close([got.yty, got.sumY, got.rows], [expected.yty, expected.sumY, expected.rows]));
        });

  it('rows given a chunk at a time (some skipped) sum as when given one by one, in either engine', () => {
    const features = 5;
    const width = features + 1;
    const rows = 2000;
    const { x, y } = data(rows, features, 4);
    const values = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      values.set(x.subarray(r * features, (r + 1) * features), r * width);
      values[r * width + features] = y[r];
    }
    const kept = Int32Array.from({ length: rows }, (_, r) => r).filter((r) => r % 7 !== 3);
    const results = (['wasm', 'js'] as const).flatMap((engine) => {
      const byRow = new NormalEquations(features, true, engine);
      for (const r of kept) byRow.add(x, r * features, y[r]);
      const byChunk = new NormalEquations(features, true, engine);
      const starts = Int32Array.from(kept, (r) => r * width);
      for (let first = 0; first < starts.length; first += 300)
        byChunk.addRows(values, starts.subarray(first, first + 300), Math.min(300, starts.length - first));
      return [byRow.sums(), byChunk.sums()];
    });
    const expected = reference(
      Float64Array.from(
        Array.from(kept).flatMap((r) => Array.from(x.subarray(r * features, (r + 1) * features))),
      ),
      Float64Array.from(kept, (r) => y[r]),
      kept.length,
      features,
      true,
    );
    for (const got of results) {
      assert.equal(got.rows, kept.length);
      assert.ok(close(got.gram, expected.gram), 'gram');
      assert.ok(close(got.xty, expected.xty), 'xty');
      assert.ok(close([got.yty, got.sumY], [expected.yty, expected.sumY]), 'yty, Σy');
    }
    // Within an engine, how the rows arrive changes nothing, to the last bit.
    assert.deepEqual(results[0], results[1]);
    assert.deepEqual(results[2], results[3]);
  });

  it('closedFormLeastSquares recovers the generating weights (blocks not a divisor of the rows)', () => {
    const { x, y } = data(1001, 3, 9);
    const solved = closedFormLeastSquares(x, y, 1001, 3, { bias: true });
    assert.ok(Math.abs(solved.weights[0] - 3) < 0.05, `w0 ${solved.weights[0]}`);
    assert.ok(Math.abs(solved.weights[1]) < 0.05 && Math.abs(solved.weights[2]) < 0.05);
    assert.ok(Math.abs(solved.bias - 2) < 0.05, `bias ${solved.bias}`); // 1.5 + the noise's mean 0.5
    assert.ok(Math.abs(solved.mse - 1 / 12) < 0.01, `mse ${solved.mse}`);
  });
});
