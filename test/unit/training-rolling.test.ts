// The rolling window's block push (the fused online kernel's, once per chunk) against pushing row
// by row: the same slots, so the same sums to the last bit, whether the block wraps the window,
// overfills it, or leaves it partly empty.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RollingWindow } from '../../src/core/training/metrics';
import { SeededRandom } from '../../src/core/training/index';

function block(count: number, rng: SeededRandom) {
  const loss = Float64Array.from({ length: count }, () => rng.normal() ** 2 * 1e3);
  const y = Float64Array.from({ length: count }, () => rng.normal() * 7 + 0.1);
  const correct = Uint8Array.from({ length: count }, () => (rng.next() < 0.5 ? 1 : 0));
  return { loss, y, correct };
}

describe('rolling window', () => {
  it('pushAll leaves the window exactly as pushing each row does', () => {
    const rng = new SeededRandom(3);
    const byRow = new RollingWindow(100);
    const byBlock = new RollingWindow(100);
    for (const count of [30, 50, 45, 250, 7, 100, 0, 199]) {
      const { loss, y, correct } = block(count, rng);
      for (let i = 0; i < count; i++) byRow.push(loss[i], y[i], correct[i] === 1);
      byBlock.pushAll(loss, y, correct, count);
      assert.deepEqual(byBlock.regression(), byRow.regression(), `after a block of ${count}`);
      assert.deepEqual(byBlock.classification(), byRow.classification(), `after a block of ${count}`);
    }
  });
});
