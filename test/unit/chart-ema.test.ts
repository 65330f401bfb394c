import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmaSmoother, MAX_SMOOTHING, clampSmoothing } from '../../webview/chart/ema';

describe('EmaSmoother', () => {
  it('with weight 0 returns its input unchanged', () => {
    const ema = new EmaSmoother(0);
    for (const v of [3, 1, 4, 1, 5]) assert.equal(ema.next(v), v);
  });

  it('is debiased: the first value comes back as is, not pulled towards zero', () => {
    assert.equal(new EmaSmoother(0.9).next(10), 10);
  });

  it('follows the TensorBoard formula', () => {
    const w = 0.6;
    const ema = new EmaSmoother(w);
    const input = [4, 2, 8, 6];
    let acc = 0;
    input.forEach((v, i) => {
      acc = w * acc + (1 - w) * v;
      assert.ok(Math.abs(ema.next(v) - acc / (1 - w ** (i + 1))) < 1e-12);
    });
  });

  it('holds its level through NaN and Infinity (a diverged step)', () => {
    const ema = new EmaSmoother(0.5);
    ema.next(2);
    const level = ema.next(4);
    assert.equal(ema.next(NaN), level);
    assert.equal(ema.next(Infinity), level);
  });

  it('clamps weights into [0, MAX_SMOOTHING]', () => {
    assert.equal(clampSmoothing(-1), 0);
    assert.equal(clampSmoothing(Number.NaN), 0);
    assert.equal(clampSmoothing(1), MAX_SMOOTHING);
    assert.equal(clampSmoothing(0.3), 0.3);
  });
});
