// The normal equations summed by blocks of columns (the fast path of the online encoder and of the
// batch optimum) against the plain row-by-row sums, for odd and even feature counts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NormalEquations, closedFormLeastSquares } from '../../src/core/training/closedForm';
import { SeededRandom } from '../../src/core/training/rng';

function data(rows: number, features: number, seed: number) {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(rows * features).map(() => rng.next() * 4 - 2);
  const y = new Float64Array(rows).map((_, r) => 1.5 + x[r * features] * 3 + rng.next());
  return { x, y };
}

describe('normal equations by blocks of columns', () => {
  for (const features of [1, 2, 3, 7, 16])
    for (const bias of [true, false])
      it(`equal the row-by-row sums (${features} features, bias ${bias})`, () => {
        const rows = 1000;
        const { x, y } = data(rows, features, features);
        const byRow = new NormalEquations(features, bias);
        for (let r = 0; r < rows; r++) byRow.add(x, r * features, y[r]);
        const byBlock = new NormalEquations(features, bias);
        const stride = 300; // blocks of 300, 300, 300 and 100 rows
        const block = new Float64Array(features * stride);
        const blockY = new Float64Array(stride);
        for (let first = 0; first < rows; first += stride) {
          const count = Math.min(stride, rows - first);
          for (let k = 0; k < count; k++) {
            for (let c = 0; c < features; c++) block[c * stride + k] = x[(first + k) * features + c];
            blockY[k] = y[first + k];
          }
          byBlock.addColumns(block, stride, blockY, count);
        }
        const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
          Array.from(a).every((value, i) => Math.abs(value - b[i]) <= 1e-9 * Math.max(1, Math.abs(value)));
        assert.ok(close(byBlock.gram, byRow.gram), 'gram');
        assert.ok(close(byBlock.xty, byRow.xty), 'xty');
        assert.ok(close([byBlock.yty, byBlock.sumY, byBlock.rows], [byRow.yty, byRow.sumY, byRow.rows]));
        const solvedByBlock = byBlock.solve();
        const solvedByRow = byRow.solve();
        assert.ok(
          close([...solvedByBlock.weights, solvedByBlock.bias], [...solvedByRow.weights, solvedByRow.bias]),
        );
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
