// The "Done when" on the textbook case: batch within 0.01 of the closed form, online within
// 0.1, the no-bias case, and reproducibility.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  closedFormLeastSquares,
  selectBackend,
  trainBatch,
  trainOnline,
} from '../../src/core/training/index';
import { TEXTBOOK, chunksOf, config, numeric, textbookData } from './training-helpers';

const layout = {
  features: ['x'],
  target: 'y',
  featureKinds: ['numeric' as const],
  targetKind: 'numeric' as const,
};

describe('textbook y = 4 + 3x + noise', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });
  const { x, y } = textbookData();
  const data = { features: [numeric('x', x)], target: numeric('y', y) };

  it('batch (lr 0.01, batch 10, 1000 epochs) lands within 0.01 of least squares', async () => {
    const optimum = closedFormLeastSquares(x, y, 100, 1, { bias: true });
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainBatch(data, config({ ...TEXTBOOK, mode: 'batch' }));
    assert.equal(result.status, 'completed');
    assert.ok(
      Math.abs(result.model.weights.x - optimum.weights[0]) < 0.01,
      `w ${result.model.weights.x} vs ${optimum.weights[0]}`,
    );
    assert.ok(Math.abs(result.model.bias - optimum.bias) < 0.01, `b ${result.model.bias} vs ${optimum.bias}`);
    assert.ok(Math.abs(result.optimum!.mse - optimum.mse) < 1e-9);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaks');
  });

  it('online (1000 passes, stream order) lands within 0.1 of least squares', async () => {
    const optimum = closedFormLeastSquares(x, y, 100, 1, { bias: true });
    const result = await trainOnline(
      chunksOf([x, y], 17),
      layout,
      config({ ...TEXTBOOK, mode: 'online', shuffle: false }),
    );
    assert.equal(result.status, 'completed');
    assert.ok(Math.abs(result.model.weights.x - optimum.weights[0]) < 0.1);
    assert.ok(Math.abs(result.model.bias - optimum.bias) < 0.1);
    assert.equal(result.samplesSeen, 100 * 1000);
    assert.ok(result.metrics.progressive && 'mse' in result.metrics.progressive);
  });

  it('without a bias term the single weight approaches the no-bias closed form', async () => {
    const optimum = closedFormLeastSquares(x, y, 100, 1, { bias: false });
    assert.ok(optimum.weights[0] > 5 && optimum.weights[0] < 6.5, `no-bias optimum ${optimum.weights[0]}`);
    const batch = await trainBatch(data, config({ ...TEXTBOOK, mode: 'batch', bias: false }));
    assert.equal(batch.model.bias, 0);
    assert.ok(
      Math.abs(batch.model.weights.x - optimum.weights[0]) < 0.01,
      `batch ${batch.model.weights.x} vs ${optimum.weights[0]}`,
    );
    const online = await trainOnline(
      chunksOf([x, y]),
      layout,
      config({ ...TEXTBOOK, mode: 'online', bias: false }),
    );
    assert.ok(
      Math.abs(online.model.weights.x - optimum.weights[0]) < 0.1,
      `online ${online.model.weights.x}`,
    );
  });

  it('the same seed gives the same weights and metrics; another seed another shuffle', async () => {
    const settings = config({ ...TEXTBOOK, epochs: 20, mode: 'batch', validationSplit: 0.2 });
    const first = await trainBatch(data, settings);
    const second = await trainBatch(data, settings);
    assert.deepEqual(first.model, second.model);
    assert.deepEqual(first.metrics, second.metrics);
    const other = await trainBatch(data, { ...settings, seed: 7 });
    assert.notDeepEqual(first.model, other.model);
  });

  it('weights are reported in original units when standardising', async () => {
    const optimum = closedFormLeastSquares(x, y, 100, 1, { bias: true });
    const result = await trainBatch(
      data,
      config({
        mode: 'batch',
        normalize: 'standard',
        learningRate: 0.5,
        batchSize: 100,
        epochs: 300,
        validationSplit: 0,
      }),
    );
    assert.ok(Math.abs(result.model.weights.x - optimum.weights[0]) < 0.01);
    assert.ok(Math.abs(result.model.bias - optimum.bias) < 0.01);
  });
});
