import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AxisScale,
  formatCount,
  formatDuration,
  formatValue,
  linearTicks,
  logTicks,
  niceLogRange,
  niceRange,
  niceStep,
  timeTicks,
} from '../../webview/chart/ticks';

describe('linear ticks', () => {
  it('rounds steps to 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0.13, 0.3, 0.7, 3, 40, 60_000].map(niceStep), [0.2, 0.5, 1, 5, 50, 100_000]);
  });

  it('stay within the range and land on exact decimals', () => {
    const { values, step } = linearTicks(0.03, 0.97, 5);
    assert.equal(step, 0.2);
    assert.deepEqual(values, [0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(linearTicks(0, 0.3, 3).values, [0, 0.1, 0.2, 0.3]); // no 0.30000000000000004
  });

  it('extend a range outwards to whole steps', () => {
    assert.deepEqual(niceRange(0.13, 2.9, 6), [0, 3]);
    assert.deepEqual(niceRange(5, 5, 6), [4.5, 5.5]);
  });
});

describe('log scale', () => {
  it('places powers of ten, thinned over many decades', () => {
    assert.deepEqual(logTicks(1e-3, 1e3, 10).values, [1e-3, 1e-2, 0.1, 1, 10, 100, 1000]);
    assert.deepEqual(logTicks(1e-6, 1e6, 4).values, [1e-6, 1e-3, 1, 1e3, 1e6]);
  });

  it('fills in 2 and 5 when less than two decades show', () => {
    assert.deepEqual(logTicks(0.2, 5, 6).values, [0.2, 0.5, 1, 2, 5]);
  });

  it('cannot place values <= 0: callers skip the NaN', () => {
    const scale = new AxisScale('log', 0.1, 10);
    assert.ok(Number.isNaN(scale.fraction(0)));
    assert.ok(Number.isNaN(scale.fraction(-1)));
    assert.equal(scale.fraction(1), 0.5);
    assert.ok(Math.abs(scale.valueAt(0.5) - 1) < 1e-12);
  });

  it('extends a log range to 1/2/5 marks', () => {
    assert.deepEqual(niceLogRange(0.3, 7), [0.2, 10]);
  });
});

describe('labels', () => {
  it('format values with the digits the step needs', () => {
    assert.equal(formatValue(0.25, 0.05), '0.25');
    assert.equal(formatValue(2, 0.5), '2.0');
    assert.equal(formatValue(0.000012), '1.2e-5');
    assert.equal(formatValue(0.012345), '0.01235');
    assert.equal(formatValue(0.75, 0.25), '0.75');
    assert.equal(formatValue(0), '0');
  });

  it('format sample counts with k and M', () => {
    assert.equal(formatCount(250), '250');
    assert.equal(formatCount(12_500, 2_500), '12.5k');
    assert.equal(formatCount(1_000_000, 200_000), '1M');
    assert.equal(formatCount(1_200_000, 200_000), '1.2M');
  });

  it('format durations as seconds, m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(500, 100), '0.5 s');
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(185_000), '3:05');
    assert.equal(formatDuration(3_723_000), '1:02:03');
  });

  it('put time ticks on whole seconds and minutes', () => {
    assert.deepEqual(timeTicks(0, 60_000, 4).values, [0, 15_000, 30_000, 45_000, 60_000]);
    assert.equal(timeTicks(0, 3_600_000, 6).step, 600_000);
    assert.equal(timeTicks(0, 5_400_000, 6).step, 900_000); // quarter hours, not 1 000 000 ms
  });
});
