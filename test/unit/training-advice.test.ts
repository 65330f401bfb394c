// What a diverged run advises: with standardised inputs a linear model's steps are stable only
// below a learning rate of about 2 / (inputs + 1), so a wide file gets a rate that works.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { divergedAdvice } from '../../src/core/training/loopControl';
import { SeededRandom, selectBackend, trainOnline } from '../../src/core/training/index';
import { chunksOf, config } from './training-helpers';

describe('divergence advice', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });

  it('names a learning rate that suits the number of standardised inputs', () => {
    const advice = divergedAdvice({ learningRate: 0.01, normalize: 'standard', model: 'linear' }, 500);
    assert.match(advice, /500 standardised inputs/);
    assert.match(advice, /about 0\.004/);
    assert.match(advice, /0\.001 or less/);
  });

  it('says ÷10 when the rate is already below that bound, and standardise when the inputs are raw', () => {
    assert.match(
      divergedAdvice({ learningRate: 0.01, normalize: 'standard', model: 'linear' }, 16),
      /lower learning rate \(e\.g\. ÷10\)/,
    );
    assert.match(
      divergedAdvice({ learningRate: 0.01, normalize: 'none', model: 'linear' }, 500),
      /standardised features and a lower learning rate/,
    );
  });

  it('an online run on 400 standardised features at the default rate diverges, though its loss stays finite, and says which rate to use', async () => {
    const features = 400;
    const rows = 1500;
    const rng = new SeededRandom(11);
    const columns = Array.from({ length: features + 1 }, () => new Float32Array(rows));
    for (let r = 0; r < rows; r++) {
      let y = 0;
      for (let f = 0; f < features; f++) {
        columns[f][r] = rng.normal();
        if (f < 3) y += columns[f][r];
      }
      columns[features][r] = y;
    }
    const layout = {
      features: Array.from({ length: features }, (_, f) => `x${f}`),
      target: 'y',
      featureKinds: new Array<'numeric'>(features).fill('numeric'),
      targetKind: 'numeric' as const,
    };
    const run = (learningRate: number) =>
      trainOnline(chunksOf(columns, 500), layout, config({ mode: 'online', learningRate, epochs: 1 }));
    // 1,500 rows are too few for the growing weights to overflow: the loss grows 10¹³-fold, yet
    // stays finite. That is diverging all the same, and said so.
    const diverged = await run(0.01);
    assert.equal(diverged.status, 'diverged');
    assert.match(diverged.message!, /the loss grew instead of falling/);
    assert.match(diverged.message!, /400 standardised inputs.*0\.002 or less/);
    // Faster still the loss overflows, and the weights it ends with have no finite loss over the
    // data: still a diverged run with a report, on the progressive metrics from before.
    const overflow = await run(0.05);
    assert.equal(overflow.status, 'diverged');
    assert.match(overflow.message!, /non-finite.*the train metrics are the progressive ones/);
    assert.ok(Object.values(overflow.metrics.train).every(Number.isFinite), 'finite metrics to report');
    const advised = await run(0.002);
    assert.equal(advised.status, 'completed');
    assert.ok('r2' in advised.metrics.train && advised.metrics.train.r2 > 0.5, 'the advised rate learns');
  });
});
