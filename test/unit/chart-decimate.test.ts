import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ColumnBuffer,
  MinMaxPyramid,
  decimateToColumns,
  lowerBound,
  upperBound,
} from '../../webview/chart/decimate';
import { ChunkedArray, type IndexedValues } from '../../webview/chart/growable';

/** Deterministic noise so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function series(
  n: number,
  seed: number,
  withSpecials = false,
): { xs: ChunkedArray; ys: ChunkedArray; pyramid: MinMaxPyramid } {
  const r = rng(seed);
  const xs = new ChunkedArray('float64');
  const ys = new ChunkedArray('float32');
  const pyramid = new MinMaxPyramid();
  let x = 0;
  let done = 0;
  while (done < n) {
    // Batches of odd sizes, so blocks are filled across several appends.
    const batch = Math.min(n - done, 1 + Math.floor(r() * 700));
    const bx = new Float64Array(batch);
    const by = new Float64Array(batch);
    for (let j = 0; j < batch; j++) {
      x += r() < 0.1 ? 0 : r() * 3; // repeated x values happen (several points per step)
      bx[j] = x;
      const u = r();
      by[j] =
        withSpecials && u < 0.01
          ? NaN
          : withSpecials && u < 0.02
            ? Infinity
            : withSpecials && u < 0.1
              ? -r()
              : Math.fround(r() * 10);
    }
    xs.push(bx);
    const start = ys.push(by);
    pyramid.append(ys, start, start + batch);
    done += batch;
  }
  return { xs, ys, pyramid };
}

/** The obvious per-point reference the pyramid must reproduce exactly. */
function bruteForce(
  xs: IndexedValues,
  ys: IndexedValues,
  n: number,
  x0: number,
  x1: number,
  columns: number,
  positiveOnly: boolean,
) {
  const out = {
    first: new Array<number>(columns).fill(NaN),
    last: new Array<number>(columns).fill(NaN),
    min: new Array<number>(columns).fill(NaN),
    max: new Array<number>(columns).fill(NaN),
    count: new Array<number>(columns).fill(0),
    sum: new Array<number>(columns).fill(0),
  };
  for (let i = 0; i < n; i++) {
    const x = xs.get(i);
    if (x < x0 || x > x1) continue;
    const y = ys.get(i);
    if (positiveOnly ? !(y > 0 && y < Infinity) : !Number.isFinite(y)) continue;
    const c = Math.min(columns - 1, Math.max(0, Math.floor(((x - x0) * columns) / (x1 - x0))));
    if (Number.isNaN(out.first[c]!)) out.first[c] = y;
    out.last[c] = y;
    out.min[c] = Number.isNaN(out.min[c]!) ? y : Math.min(out.min[c]!, y);
    out.max[c] = Number.isNaN(out.max[c]!) ? y : Math.max(out.max[c]!, y);
    out.count[c]!++;
    out.sum[c]! += y;
  }
  return out;
}

describe('MinMaxPyramid', () => {
  it('keeps every block equal to a scan of its points, across uneven appends', () => {
    const { ys, pyramid } = series(20_000, 1, true);
    for (let k = 0; k < pyramid.depth; k++) {
      const size = MinMaxPyramid.blockSize(k);
      for (let b = 0; (b + 1) * size <= ys.length; b += 7) {
        let lo = Infinity;
        let hi = -Infinity;
        let pos = Infinity;
        for (let i = b * size; i < (b + 1) * size; i++) {
          const v = ys.get(i);
          if (!Number.isFinite(v)) continue;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          if (v > 0) pos = Math.min(pos, v);
        }
        const s = pyramid.block(k, b, { min: 0, max: 0, minPositive: 0, sum: 0, count: 0 });
        assert.deepEqual([s.min, s.max, s.minPositive], [lo, hi, pos], `level ${k} block ${b}`);
      }
    }
  });

  it('appending costs O(new points), not O(all points)', () => {
    const { ys, pyramid } = series(200_000, 2);
    let reads = 0;
    const counting: IndexedValues = { get: (i) => (reads++, ys.get(i)) };
    const start = ys.push(new Float64Array(100).fill(1));
    pyramid.append(counting, start, start + 100);
    // Level 0 rereads at most one partial block before the new points.
    assert.ok(reads <= 100 + 8, `read ${reads} values to append 100`);
  });
});

describe('decimateToColumns', () => {
  function compareWithScan(withSpecials: boolean, seed: number): void {
    const n = 30_000;
    const { xs, ys, pyramid } = series(n, seed, withSpecials);
    const r = rng(seed + 100);
    const buffer = new ColumnBuffer();
    const last = xs.get(n - 1);
    for (let trial = 0; trial < 40; trial++) {
      const a = r() * last;
      const b = trial % 4 === 0 ? last : a + r() * (last - a);
      const columns = 1 + Math.floor(r() * 900);
      for (const positiveOnly of [false, true]) {
        const got = decimateToColumns(
          { xs, ys, length: n, pyramid, x0: a, x1: b, columns, positiveOnly },
          buffer,
        );
        const want = bruteForce(xs, ys, n, a, b, columns, positiveOnly);
        const label = `trial ${trial} [${a}, ${b}] ${columns} columns log=${positiveOnly}`;
        assert.deepEqual(Array.from(got.min), want.min, `min, ${label}`);
        assert.deepEqual(Array.from(got.max), want.max, `max, ${label}`);
        // With NaN, ±Infinity or values <= 0 inside a block, first/last fall back to the block's
        // extremes and (log) the count includes values the scale skips: only exact on clean data.
        if (withSpecials) continue;
        assert.deepEqual(Array.from(got.count), want.count, `count, ${label}`);
        got.sum.forEach((v, c) =>
          assert.ok(Math.abs(v - want.sum[c]!) < 1e-6 * (1 + Math.abs(v)), `sum, ${label}`),
        );
        assert.deepEqual(Array.from(got.first), want.first, `first, ${label}`);
        assert.deepEqual(Array.from(got.last), want.last, `last, ${label}`);
      }
    }
  }

  it('matches a per-point scan exactly, on linear and log scales, for any range and width', () => {
    compareWithScan(false, 3);
  });

  it('keeps exact extremes when the data holds NaN, Infinity and values <= 0', () => {
    compareWithScan(true, 13);
  });

  it('reports the neighbours just outside the range, so lines reach the plot edges', () => {
    const { xs, ys, pyramid } = series(5_000, 5);
    const x0 = xs.get(1000) + 1e-9;
    const x1 = xs.get(3000) - 1e-9;
    const got = decimateToColumns(
      { xs, ys, length: 5_000, pyramid, x0, x1, columns: 100, positiveOnly: false },
      new ColumnBuffer(),
    );
    assert.equal(got.before, lowerBound(xs, 5_000, x0) - 1);
    assert.equal(got.after, upperBound(xs, 5_000, x1));
    assert.ok(xs.get(got.before) < x0 && xs.get(got.after) > x1);
  });

  it('reads O(columns) values, not O(points), for a million points', () => {
    const n = 1_000_000;
    const xs = new ChunkedArray('float64');
    const ys = new ChunkedArray('float32');
    const pyramid = new MinMaxPyramid();
    const bx = new Float64Array(n);
    const by = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      bx[i] = i;
      by[i] = Math.sin(i / 1000) + 2;
    }
    xs.push(bx);
    ys.push(by);
    pyramid.append(ys, 0, n);
    let reads = 0;
    const count = (v: IndexedValues): IndexedValues => ({ get: (i) => (reads++, v.get(i)) });
    decimateToColumns(
      {
        xs: count(xs),
        ys: count(ys),
        length: n,
        pyramid,
        x0: 0,
        x1: n - 1,
        columns: 1000,
        positiveOnly: false,
      },
      new ColumnBuffer(),
    );
    // A scan would read 2,000,000; blocks leave about 60 reads per column.
    assert.ok(reads < 100_000, `read ${reads} values`);
  });
});
