// Online mode: one update per sample, in order, on every path (fused kernel, affine scan, tfjs ops),
// checked against a float64 per-sample reference; progressive validation; running standardisation.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, affineScanBlock, selectBackend, trainOnline } from '../../src/core/training/index';
import type { RowChunk } from '../../src/core/csv/types';
import { chunksOf, config } from './training-helpers';

/** Float32-exact random regression data: y = Σ w·x + 1 + noise. */
function regressionData(rows: number, features: number, seed: number): Float32Array[] {
  const rng = new SeededRandom(seed);
  const columns = Array.from({ length: features + 1 }, () => new Float32Array(rows));
  for (let r = 0; r < rows; r++) {
    let y = 1;
    for (let f = 0; f < features; f++) {
      columns[f][r] = rng.normal() * (1 + f);
      y += (f % 3 === 0 ? 0.5 : -0.25) * columns[f][r];
    }
    columns[features][r] = y + 0.1 * rng.normal();
  }
  return columns;
}

/** The textbook per-sample loop in float64: predict, then w ← w − α (ŷ − y) x̃. */
function referenceSgd(
  columns: Float32Array[],
  learningRate: number,
  bias: boolean,
  loss: 'squared' | 'logistic',
): { w: number[]; b: number; progressive: number } {
  const features = columns.length - 1;
  const w = new Array<number>(features).fill(0);
  let b = 0;
  let sum = 0;
  for (let r = 0; r < columns[0].length; r++) {
    let z = bias ? b : 0;
    for (let f = 0; f < features; f++) z += w[f] * columns[f][r];
    const y = columns[features][r];
    const prediction = loss === 'squared' ? z : 1 / (1 + Math.exp(-z));
    sum += loss === 'squared' ? (prediction - y) ** 2 : 0;
    const residual = prediction - y;
    for (let f = 0; f < features; f++) w[f] -= learningRate * residual * columns[f][r];
    if (bias) b -= learningRate * residual;
  }
  return { w, b, progressive: sum / columns[0].length };
}

function assertRelativelyClose(actual: number[], expected: number[], tolerance: number, label: string): void {
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= tolerance * scale,
      `${label}[${i}]: ${a} vs ${expected[i]} (scale ${scale})`,
    ),
  );
}

const layoutFor = (features: number) => ({
  features: Array.from({ length: features }, (_, f) => `x${f}`),
  target: 'y',
  featureKinds: new Array(features).fill('numeric'),
  targetKind: 'numeric' as const,
});

describe('online training', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });
  const columns = regressionData(3000, 5, 3);
  const settings = config({
    mode: 'online',
    learningRate: 0.005,
    normalize: 'none',
    shuffle: false,
    epochs: 1,
  });

  for (const method of ['fused-kernel', 'affine-scan', 'tfjs-ops'] as const) {
    it(`${method}: equals a float64 one-update-per-sample reference to 1e-3 relative`, async () => {
      const rows = method === 'tfjs-ops' ? columns.map((c) => c.subarray(0, 600)) : columns;
      const reference = referenceSgd(rows, settings.learningRate, true, 'squared');
      const tensorsBefore = tf.memory().numTensors;
      const result = await trainOnline(chunksOf(rows, 500), layoutFor(5), settings, undefined, {
        onlineMethod: method,
      });
      assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaks');
      assert.equal(result.samplesSeen, rows[0].length);
      const weights = layoutFor(5).features.map((name) => result.model.weights[name]);
      assertRelativelyClose([...weights, result.model.bias], [...reference.w, reference.b], 1e-3, method);
      const progressive = result.metrics.progressive!;
      assert.ok(
        'mse' in progressive &&
          Math.abs(progressive.mse - reference.progressive) < 1e-3 * reference.progressive,
      );
    });
  }

  it('a file read as one chunk still draws a curve: about 16 loss points per chunk', async () => {
    const result = await trainOnline(chunksOf(columns, 3000), layoutFor(5), settings);
    const steps = result.history.filter((point) => point.kind === 'step');
    assert.equal(steps.length, 16);
    assert.equal(steps.at(-1)!.samplesSeen, 3000);
    steps.forEach((point, i) => {
      if (i > 0) assert.ok(point.samplesSeen > steps[i - 1].samplesSeen);
      assert.ok(Number.isFinite(point.loss) && Number.isFinite(point.validationLoss!));
    });
    assert.ok(steps[0].loss > steps.at(-1)!.loss, 'the loss falls from the first step to the last');
  });

  it('logistic: fused kernel equals the float64 reference', async () => {
    const rng = new SeededRandom(5);
    const x0 = new Float32Array(2000);
    const x1 = new Float32Array(2000);
    const label = new Float32Array(2000);
    for (let r = 0; r < 2000; r++) {
      x0[r] = rng.normal();
      x1[r] = rng.normal();
      label[r] = rng.next() < 1 / (1 + Math.exp(-(2 * x0[r] - x1[r] + 0.5))) ? 1 : 0;
    }
    const reference = referenceSgd([x0, x1, label], 0.05, true, 'logistic');
    const result = await trainOnline(
      chunksOf([x0, x1, label], 300),
      { features: ['a', 'b'], target: 'c', featureKinds: ['numeric', 'numeric'], targetKind: 'numeric' },
      config({ mode: 'online', model: 'logistic', learningRate: 0.05, normalize: 'none', epochs: 1 }),
    );
    assertRelativelyClose(
      [result.model.weights.a, result.model.weights.b, result.model.bias],
      [...reference.w, reference.b],
      1e-3,
      'logistic',
    );
    const progressive = result.metrics.progressive!;
    assert.ok('accuracy' in progressive && progressive.accuracy > 0.7);
  });

  it('affine scan of a block equals the sequential loop to ~1e-4 relative (float32)', () => {
    const rng = new SeededRandom(9);
    const n = 256;
    const q = 6;
    const inputs = new Float32Array(n * q);
    const targets = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < q - 1; c++) inputs[r * q + c] = rng.normal();
      inputs[r * q + q - 1] = 1;
      targets[r] = rng.normal() * 3;
    }
    const w = new Float64Array(q).fill(0.1);
    const start = tf.tensor1d(Float32Array.from(w));
    const before: number[] = [];
    for (let r = 0; r < n; r++) {
      let z = 0;
      for (let c = 0; c < q; c++) z += w[c] * inputs[r * q + c];
      before.push(z);
      for (let c = 0; c < q; c++) w[c] -= 0.02 * (z - targets[r]) * inputs[r * q + c];
    }
    const x = tf.tensor2d(inputs, [n, q]);
    const y = tf.tensor1d(targets);
    const { predictions, weights } = affineScanBlock(x, y, start, 0.02);
    assertRelativelyClose(Array.from(weights.dataSync()), Array.from(w), 1e-4, 'weights');
    assertRelativelyClose(Array.from(predictions.dataSync()), before, 1e-4, 'predictions');
    tf.dispose([x, y, start, predictions, weights]);
  });

  it('running standardisation uses Welford statistics of the rows seen so far', async () => {
    const x = new Float32Array([1, 3, 5, 7, 9, 11]);
    const y = new Float32Array([2, 6, 10, 14, 18, 22]);
    const result = await trainOnline(
      chunksOf([x, y], 4),
      { features: ['x'], target: 'y', featureKinds: ['numeric'], targetKind: 'numeric' },
      config({ mode: 'online', normalize: 'standard', learningRate: 0.1, epochs: 1 }),
    );
    assert.ok(Math.abs(result.preprocessing.means[0] - 6) < 1e-12);
    assert.ok(Math.abs(result.preprocessing.scales[0] - Math.sqrt(35 / 3)) < 1e-9);
  });

  it('more than one pass needs a re-openable source; a factory gives exactly passes × rows updates', async () => {
    const once = chunksOf(columns, 1000)();
    await assert.rejects(trainOnline(once, layoutFor(5), { ...settings, epochs: 2 }), /re-openable/);
    const result = await trainOnline(chunksOf(columns, 1000), layoutFor(5), { ...settings, epochs: 3 });
    assert.equal(result.samplesSeen, 9000);
    assert.equal(result.history.filter((p) => p.kind === 'epoch').length, 3);
  });

  it('diverges cleanly with a huge learning rate: status, advice, finite weights', async () => {
    const result = await trainOnline(chunksOf(columns, 1000), layoutFor(5), { ...settings, learningRate: 5 });
    assert.equal(result.status, 'diverged');
    assert.match(result.message!, /lower learning rate/);
    assert.ok(
      Object.values(result.model.weights).every(Number.isFinite) && Number.isFinite(result.model.bias),
    );
  });

  it('values whose squares overflow are named as the cause, not the learning rate', async () => {
    for (const [column, name] of [
      [2, 'x2'],
      [5, 'y'],
    ] as const) {
      const huge = columns.map((c) => Float64Array.from(c));
      huge[column][100] = 1e200;
      const outcome = await trainOnline(chunksOf(huge, 1000), layoutFor(5), {
        ...settings,
        normalize: 'standard',
      }).then(
        (result) => result.message ?? '',
        (error: Error) => error.message,
      );
      assert.match(outcome, new RegExp(`column "${name}" has values too large to train on`), name);
      assert.doesNotMatch(outcome, /learning rate/, name);
    }
  });

  it('categorical features become one-hot slots, "__other__" past the cap; missing rows are dropped and counted', async () => {
    const rows = 200;
    const values = new Float64Array(rows * 3);
    const names = ['a', 'b', 'c', 'd'];
    for (let r = 0; r < rows; r++) {
      const code = r % 4;
      values[r * 3] = r === 7 ? NaN : r / 10;
      values[r * 3 + 1] = code;
      values[r * 3 + 2] = r / 10 + code;
    }
    const chunk: RowChunk = {
      rows,
      width: 3,
      values,
      firstLine: 2,
      categories: [undefined, names, undefined],
      skippedRows: 2,
    };
    const result = await trainOnline(
      (async function* () {
        yield chunk;
      })(),
      { features: ['n', 'k'], target: 'y', featureKinds: ['numeric', 'category'], targetKind: 'numeric' },
      config({ mode: 'online', learningRate: 0.05, epochs: 1 }),
      undefined,
      { categoryCap: 3 },
    );
    assert.deepEqual(result.preprocessing.features, ['n', 'k=a', 'k=b', 'k=__other__']);
    assert.equal(result.rowsSkipped, 1 + 2);
    assert.equal(result.rowsUsed, 199);
  });
});
