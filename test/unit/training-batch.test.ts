// Batch mode: divergence, the seeded validation split, preprocessing, classification models, MLP.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedColumn } from '../../src/core/csv/types';
import { SeededRandom, TrainingInputError, selectBackend, trainBatch } from '../../src/core/training/index';
import { shuffleRows, shuffleRowsInPlaceToOrder } from '../../src/core/training/rng';
import { prepareBatch } from '../../src/core/training/preprocessing';
import { resolveTask } from '../../src/core/training/task';
import { TEXTBOOK, config, numeric, textbookData } from './training-helpers';

function category(name: string, codes: number[], categories: string[]): LoadedColumn {
  return { name, kind: 'category', codes: Int32Array.from(codes), categories };
}

/** Two Gaussian blobs (binary) or three (softmax), linearly separable enough for > 90 %. */
function blobs(
  rows: number,
  classes: number,
  seed: number,
): { a: Float32Array; b: Float32Array; label: number[] } {
  const rng = new SeededRandom(seed);
  const a = new Float32Array(rows);
  const b = new Float32Array(rows);
  const label: number[] = [];
  for (let r = 0; r < rows; r++) {
    const k = r % classes;
    a[r] = 3 * Math.cos((2 * Math.PI * k) / classes) + 0.7 * rng.normal();
    b[r] = 3 * Math.sin((2 * Math.PI * k) / classes) + 0.7 * rng.normal();
    label.push(k);
  }
  return { a, b, label };
}

describe('batch training', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });
  const { x, y } = textbookData();
  const textbook = { features: [numeric('x', x)], target: numeric('y', y) };

  it('a huge learning rate diverges: status, advice, last finite weights kept, no leaks', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainBatch(
      textbook,
      config({ ...TEXTBOOK, mode: 'batch', learningRate: 10, epochs: 50 }),
    );
    assert.equal(result.status, 'diverged');
    assert.match(result.message!, /lower learning rate/);
    assert.ok(Number.isFinite(result.model.weights.x) && Number.isFinite(result.model.bias));
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });

  it('weights still finite whose loss over the data overflows: diverged, the epoch before kept', async () => {
    // One batch, one epoch: the loss is finite before the update, and the update leaves weights
    // near 1e37 (finite in float32) whose predictions on x up to 200 are not.
    const rng = new SeededRandom(3);
    const wide = new Float32Array(100).map(() => 200 * rng.next());
    const target = wide.map((v) => 4 + 3 * v);
    const result = await trainBatch(
      { features: [numeric('x', wide)], target: numeric('y', target) },
      config({ ...TEXTBOOK, mode: 'batch', learningRate: 2.5e32, epochs: 1, batchSize: 100, shuffle: false }),
    );
    assert.equal(result.status, 'diverged');
    assert.match(result.message!, /overflow/);
    assert.match(result.message!, /learning rate/);
    const train = result.metrics.train;
    assert.ok('mse' in train && Number.isFinite(train.mse), JSON.stringify(train));
    // The weights before that epoch: the starting zeros.
    assert.equal(result.model.weights.x, 0);
  });

  it('shuffleRows is a seeded permutation of whole rows, roughly uniform', () => {
    const rows = 3000;
    const x = new Float32Array(rows * 2).map((_, i) => Math.floor(i / 2) * 10 + (i % 2));
    const y = new Float32Array(rows).map((_, i) => i);
    const outX = new Float32Array(x.length);
    const outY = new Float32Array(rows);
    shuffleRows(x, y, rows, 2, 1, outX, outY, new SeededRandom(1));
    assert.equal(new Set(outY).size, rows);
    for (let r = 0; r < rows; r++)
      assert.deepEqual([outX[2 * r], outX[2 * r + 1]], [outY[r] * 10, outY[r] * 10 + 1]);
    const again = new Float32Array(rows);
    shuffleRows(x, y, rows, 2, 1, new Float32Array(x.length), again, new SeededRandom(1));
    assert.deepEqual(again, outY, 'same seed, same order');
    // Where row 0 lands, over many seeds, spreads over all quarters of the output.
    const quarters = [0, 0, 0, 0];
    const small = 400;
    for (let seed = 0; seed < 400; seed++) {
      const landed = new Float32Array(small);
      shuffleRows(
        new Float32Array(small),
        new Float32Array(small).map((_, i) => i),
        small,
        1,
        1,
        new Float32Array(small),
        landed,
        new SeededRandom(seed),
      );
      quarters[Math.floor(landed.indexOf(0) / (small / 4))]++;
    }
    assert.ok(
      quarters.every((q) => q > 60 && q < 140),
      JSON.stringify(quarters),
    );
  });

  it('shuffleRowsInPlaceToOrder moves whole rows into buckets and orders them: a seeded, roughly uniform permutation', () => {
    const rows = 70_000; // several buckets
    const x = new Float32Array(rows * 3).map((_, i) => i);
    const y = new Float32Array(rows).map((_, i) => -i);
    const order = new Int32Array(rows);
    const bucketOf = new Uint32Array(rows);
    const epoch = (seed: number) => {
      const ex = x.slice();
      const ey = y.slice();
      shuffleRowsInPlaceToOrder(ex, ey, rows, 3, 1, order, bucketOf, new SeededRandom(seed));
      return { ex, ey, order: order.slice() };
    };
    const first = epoch(7);
    // Rows move whole (x with its y), each once: the epoch's rows are a permutation of the rows.
    const seen = new Uint8Array(rows);
    for (let k = 0; k < rows; k++) {
      const at = first.order[k];
      const row = -first.ey[at];
      if (seen[row]++ || first.ex[at * 3] !== row * 3 || first.ex[at * 3 + 2] !== row * 3 + 2)
        assert.fail(`epoch row ${k}: row ${row} again or torn`);
    }
    assert.notDeepEqual(first.ey, y, 'the rows moved');
    assert.deepEqual(epoch(7), first, 'same seed, same permutation');
    // Where row 0 ends up in the epoch's order, over many seeds, spreads over all quarters.
    const small = 400;
    const quarters = [0, 0, 0, 0];
    const smallOrder = new Int32Array(small);
    for (let seed = 0; seed < 400; seed++) {
      const ys = new Float32Array(small).map((_, i) => i);
      shuffleRowsInPlaceToOrder(
        new Float32Array(small),
        ys,
        small,
        1,
        1,
        smallOrder,
        new Uint32Array(small),
        new SeededRandom(seed),
      );
      const position = Array.from(smallOrder).findIndex((at) => ys[at] === 0);
      quarters[Math.floor(position / (small / 4))]++;
    }
    assert.ok(
      quarters.every((q) => q > 60 && q < 140),
      JSON.stringify(quarters),
    );
  });

  it('the validation split is drawn after a seeded shuffle, not from the tail', () => {
    const rows = 1000;
    const index = new Float32Array(rows).map((_, i) => i);
    const prepared = prepareBatch(
      { features: [numeric('i', index)], target: numeric('y', index) },
      config({ mode: 'batch', normalize: 'none', validationSplit: 0.2 }),
      resolveTask({ model: 'linear' }, 'numeric'),
    );
    assert.equal(prepared.validRows, 200);
    assert.equal(prepared.trainRows, 800);
    const validation = Array.from(prepared.validY);
    assert.ok(
      validation.some((v) => v < 800),
      'validation rows come from the whole file',
    );
    assert.equal(new Set([...validation, ...prepared.trainY]).size, rows, 'a partition of the rows');
  });

  it('standardises with training-split statistics only; constant columns get scale 1', () => {
    const constant = new Float32Array(100).fill(5);
    const prepared = prepareBatch(
      { features: [numeric('x', x), numeric('c', constant)], target: numeric('y', y) },
      config({ mode: 'batch', validationSplit: 0.3 }),
      resolveTask({ model: 'linear' }, 'numeric'),
    );
    const trainX = Array.from({ length: prepared.trainRows }, (_, r) => prepared.trainX[r * 2]);
    const mean = trainX.reduce((s, v) => s + v, 0) / trainX.length;
    assert.ok(Math.abs(mean) < 1e-5, 'train split has mean 0');
    assert.equal(prepared.preprocessing.scales[1], 1);
  });

  it('missing values: dropped and counted by default, or imputed with the training mean', async () => {
    const withGap = Float32Array.from(x);
    withGap[3] = NaN;
    withGap[10] = NaN;
    const dropped = await trainBatch(
      { features: [numeric('x', withGap)], target: numeric('y', y) },
      config({ ...TEXTBOOK, epochs: 5, mode: 'batch' }),
    );
    assert.equal(dropped.rowsSkipped, 2);
    assert.equal(dropped.rowsUsed, 98);
    const imputed = await trainBatch(
      { features: [numeric('x', withGap)], target: numeric('y', y) },
      config({ ...TEXTBOOK, epochs: 5, mode: 'batch', missing: 'mean' }),
    );
    assert.equal(imputed.rowsSkipped, 0);
    assert.ok(Number.isFinite(imputed.preprocessing.imputed!.x));
  });

  it('the fused kernel trains the same on the wasm backend, its rows shuffled in the wasm heap', async () => {
    const rng = new SeededRandom(5);
    // Rows over several of the shuffle's 256 KB buckets, so that rows move between them.
    const rows = 50000;
    const columns = [0, 1, 2].map(() => Float32Array.from({ length: rows }, () => rng.normal()));
    const target = Float32Array.from(
      { length: rows },
      (_, r) => 1 + 2 * columns[0][r] - columns[2][r] + rng.normal(),
    );
    const data = { features: columns.map((c, i) => numeric(`x${i}`, c)), target: numeric('y', target) };
    const settings = config({
      mode: 'batch',
      epochs: 4,
      batchSize: 64,
      learningRate: 0.05,
      validationSplit: 0.2,
    });
    const wasmPath = join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'dist') + '/';
    const cpu = await trainBatch(data, settings);
    await selectBackend('wasm', { browser: false, wasmPath });
    try {
      assert.equal(tf.getBackend(), 'wasm');
      const wasm = await trainBatch(data, settings);
      assert.equal(wasm.method, cpu.method);
      for (const name of ['x0', 'x1', 'x2'])
        assert.ok(Math.abs(wasm.model.weights[name] - cpu.model.weights[name]) < 1e-6, name);
      assert.ok(Math.abs(wasm.model.bias - cpu.model.bias) < 1e-6);
    } finally {
      await selectBackend('cpu', { browser: false });
    }
  });

  it('a value beyond the float32 range is refused naming its column (feature or target)', async () => {
    for (const [name, features, target] of [
      [
        'x',
        [
          numeric(
            'x',
            Float32Array.from(x, (v, i) => (i === 5 ? 1e39 : v)),
          ),
        ],
        numeric('y', y),
      ],
      [
        'y',
        [numeric('x', x)],
        numeric(
          'y',
          Float32Array.from(y, (v, i) => (i === 5 ? -1e39 : v)),
        ),
      ],
    ] as const) {
      await assert.rejects(
        trainBatch({ features: [...features], target }, config({ ...TEXTBOOK, epochs: 2, mode: 'batch' })),
        new RegExp(`column "${name}" has a value too large to train on`),
      );
    }
  });

  it('categorical features are one-hot encoded with a cap and "__other__"', async () => {
    const codes = Array.from({ length: 100 }, (_, i) => (i < 40 ? 0 : i < 70 ? 1 : i < 90 ? 2 : 3));
    const result = await trainBatch(
      { features: [numeric('x', x), category('k', codes, ['a', 'b', 'c', 'd'])], target: numeric('y', y) },
      config({ mode: 'batch', epochs: 2 }),
      undefined,
      { categoryCap: 3 },
    );
    assert.deepEqual(result.preprocessing.features, ['x', 'k=a', 'k=b', 'k=__other__']);
    assert.deepEqual(result.preprocessing.categoryMaps.k, ['a', 'b', '__other__']);
  });

  it('logistic regression separates two blobs; classes ordered negative first', async () => {
    const { a, b, label } = blobs(400, 2, 1);
    const result = await trainBatch(
      {
        features: [numeric('a', a), numeric('b', b)],
        target: category(
          't',
          label.map((k) => 1 - k),
          ['yes', 'no'],
        ),
      },
      config({ mode: 'batch', model: 'logistic', learningRate: 0.1, epochs: 30 }),
    );
    assert.deepEqual(result.preprocessing.targetClasses, ['no', 'yes']);
    const train = result.metrics.train;
    assert.ok('accuracy' in train && train.accuracy > 0.95, JSON.stringify(train));
  });

  it('softmax regression on three classes; per-class weights', async () => {
    const { a, b, label } = blobs(600, 3, 2);
    const result = await trainBatch(
      {
        features: [numeric('a', a), numeric('b', b)],
        target: category('t', label, ['red', 'green', 'blue']),
      },
      config({ mode: 'batch', model: 'softmax', learningRate: 0.1, epochs: 30, optimizer: 'momentum' }),
    );
    const validation = result.metrics.validation!;
    assert.ok('accuracy' in validation && validation.accuracy > 0.9, JSON.stringify(validation));
    assert.deepEqual(Object.keys(result.model.classWeights!).sort(), ['blue', 'green', 'red']);
  });

  it('an MLP (tanh, adam) fits a nonlinear target; same seed, same weights', async () => {
    const rng = new SeededRandom(4);
    const u = new Float32Array(500).map(() => rng.next() * 4 - 2);
    const target = u.map((v) => v * v);
    const settings = config({
      mode: 'batch',
      model: 'mlp',
      hidden: [16],
      activation: 'tanh',
      optimizer: 'adam',
      learningRate: 0.02,
      epochs: 60,
      batchSize: 32,
    });
    const data = { features: [numeric('u', u)], target: numeric('v', target) };
    const first = await trainBatch(data, settings);
    const train = first.metrics.train;
    assert.ok('r2' in train && train.r2 > 0.9, JSON.stringify(train));
    const second = await trainBatch(data, settings);
    assert.deepEqual(first.model.layers, second.model.layers);
  });

  it('early stopping keeps the best weights and says why', async () => {
    const result = await trainBatch(
      textbook,
      config({ mode: 'batch', learningRate: 0.5, epochs: 500, batchSize: 100, earlyStoppingPatience: 3 }),
    );
    assert.match(result.message ?? '', /early stopping/);
    assert.ok(result.history.filter((p) => p.kind === 'epoch').length < 500);
  });

  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    it(`fused mini-batch kernel equals the generic tfjs-ops loop (linear and logistic, ${optimizer})`, async () => {
      const { a, b, label } = blobs(600, 2, 3);
      const cases = [
        {
          model: 'linear' as const,
          target: numeric(
            't',
            a.map((v, i) => 2 * v - b[i] + 1),
          ),
        },
        { model: 'logistic' as const, target: numeric('t', Float32Array.from(label)) },
      ];
      for (const { model, target } of cases) {
        const data = { features: [numeric('a', a), numeric('b', b)], target };
        const settings = config({
          mode: 'batch',
          model,
          optimizer,
          learningRate: 0.05,
          batchSize: 32,
          epochs: 5,
        });
        const fused = await trainBatch(data, settings);
        const generic = await trainBatch(data, settings, undefined, { batchMethod: 'tfjs-ops' });
        for (const key of ['a', 'b'])
          assert.ok(
            Math.abs(fused.model.weights[key] - generic.model.weights[key]) <
              1e-4 * Math.max(1, Math.abs(generic.model.weights[key])),
            `${model} ${key}`,
          );
        assert.ok(
          Math.abs(fused.model.bias - generic.model.bias) < 1e-4 * Math.max(1, Math.abs(generic.model.bias)),
        );
        const [fusedLoss, genericLoss] = [fused, generic].map((r) =>
          r.history.filter((p) => p.kind === 'epoch').map((p) => p.loss),
        );
        fusedLoss.forEach((loss, i) =>
          assert.ok(Math.abs(loss - genericLoss[i]) < 1e-4 * Math.max(1, genericLoss[i])),
        );
      }
    });
  }

  it('bad input is a TrainingInputError: non-numeric regression target, one class', async () => {
    await assert.rejects(
      trainBatch(
        { features: [numeric('x', x)], target: category('t', new Array(100).fill(0), ['a']) },
        config({ mode: 'batch' }),
      ),
      TrainingInputError,
    );
    await assert.rejects(
      trainBatch(
        { features: [numeric('x', x)], target: category('t', new Array(100).fill(0), ['a']) },
        config({ mode: 'batch', model: 'logistic' }),
      ),
      /one class/,
    );
  });
});

describe('MLP regression on a target in the hundreds', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });

  it('trains at the default learning rate (target standardised inside), reported in the target units', async () => {
    // y = 300 + 80·x1 − 40·x2 + noise: the scale of a price in thousands
    const rng = new SeededRandom(3);
    const rows = 2000;
    const x1 = new Float32Array(rows).map(() => rng.normal());
    const x2 = new Float32Array(rows).map(() => rng.normal());
    const y = new Float32Array(rows).map((_, i) => 300 + 80 * x1[i] - 40 * x2[i] + 5 * rng.normal());
    const data = { features: [numeric('x1', x1), numeric('x2', x2)], target: numeric('y', y) };
    const result = await trainBatch(
      data,
      config({ mode: 'batch', model: 'mlp', hidden: [16], epochs: 20, validationSplit: 0 }),
    );
    assert.equal(result.status, 'completed', result.message);
    const train = result.metrics.train;
    assert.ok('mse' in train && train.r2 > 0.95, JSON.stringify(train));
    // The exported layers predict y itself: rerun them by hand on the first rows.
    const layers = result.model.layers!;
    const { means, scales } = result.preprocessing;
    let squared = 0;
    for (let i = 0; i < 200; i++) {
      let activations = [(x1[i] - means[0]) / scales[0], (x2[i] - means[1]) / scales[1]];
      layers.forEach((layer, l) => {
        const next = layer.bias.map(
          (b, j) => b + activations.reduce((s, a, k) => s + a * layer.weights[k][j], 0),
        );
        activations =
          l < layers.length - 1
            ? next.map((v) => (layer.activation === 'relu' ? Math.max(0, v) : Math.tanh(v)))
            : next;
      });
      squared += (activations[0] - y[i]) ** 2;
    }
    assert.ok(Math.abs(squared / 200 - train.mse) < 0.5 * train.mse, `${squared / 200} vs ${train.mse}`);
    const epochs = result.history.filter((point) => point.kind === 'epoch');
    assert.ok(Math.abs(epochs.at(-1)!.loss - train.mse / 2) < 0.5 * train.mse, 'losses in the target units');
  });
});
