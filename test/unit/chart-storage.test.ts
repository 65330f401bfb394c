import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedArray } from '../../webview/chart/growable';
import { RedrawPacer } from '../../webview/chart/pacing';
import { SeriesData } from '../../webview/chart/series';

describe('ChunkedArray', () => {
  it('appends across chunk boundaries from typed arrays and plain arrays alike', () => {
    const a = new ChunkedArray('float64');
    const first = Float64Array.from({ length: 70_000 }, (_, i) => i);
    assert.equal(a.push(first), 0);
    assert.equal(a.push([70_000, 70_001, 70_002]), 70_000);
    assert.equal(a.push(Float64Array.from({ length: 100_000 }, (_, i) => 70_003 + i)), 70_003);
    assert.equal(a.length, 170_003);
    for (const i of [0, 65_535, 65_536, 69_999, 70_001, 131_071, 131_072, 170_002]) assert.equal(a.get(i), i);
  });

  it('gives its memory back on clear', () => {
    const a = new ChunkedArray('float32');
    a.push([1, 2, 3]);
    assert.equal(a.capacity, 65_536);
    a.clear();
    assert.equal(a.length, 0);
    assert.equal(a.capacity, 0);
    assert.equal(a.push([9]), 0);
    assert.equal(a.get(0), 9);
  });
});

describe('SeriesData', () => {
  it('stores the points, smooths them and rebuilds the smoothing on demand', () => {
    const s = new SeriesData('t', 'train', 'train', 0);
    s.append([1, 2, 3], [10, 20, 30], [4, 2, 0]);
    assert.equal(s.length, 3);
    assert.deepEqual(
      [0, 1, 2].map((i) => s.smoothed.get(i)),
      [4, 2, 0],
    );
    s.setSmoothing(0.5);
    // Debiased EMA of 4, 2 with weight 0.5: (0.5·(0.5·4) + 0.5·2) / (1 − 0.25) = 2.666…
    assert.equal(s.smoothed.get(0), 4);
    assert.ok(Math.abs(s.smoothed.get(1) - 2 / 0.75) < 1e-6); // stored as float32
    assert.equal(s.xs('time').get(2), 30);
    assert.equal(s.lastLoss, 0);
  });
});

describe('RedrawPacer', () => {
  it('spaces data redraws so frames take about 3% of the thread, within 16..400 ms', () => {
    const pacer = new RedrawPacer();
    assert.equal(pacer.delayFor(0), 0); // nothing measured yet: draw at once
    pacer.frameStarted(1000);
    pacer.recordCost(3);
    assert.ok(Math.abs(pacer.intervalMs - 100) < 1e-9);
    assert.ok(Math.abs(pacer.delayFor(1040) - 60) < 1e-9);
    assert.equal(pacer.delayFor(1200), 0);
    pacer.recordCost(1000);
    assert.equal(pacer.intervalMs, 400); // a terrible frame still leaves a few frames a second
  });

  it('spaces from the start of the last frame, before its cost is known', () => {
    const pacer = new RedrawPacer();
    pacer.recordCost(3); // 100 ms interval
    pacer.frameStarted(5000);
    assert.ok(pacer.delayFor(5001) > 98); // data arriving while the frame is measured waits
  });

  it('never spaces frames closer than one display frame', () => {
    const pacer = new RedrawPacer();
    pacer.recordCost(0.05);
    assert.equal(pacer.intervalMs, 16);
  });
});
