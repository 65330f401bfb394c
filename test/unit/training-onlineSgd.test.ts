// The WebAssembly loop for online SGD with squared loss (src/core/training/onlineSgd.wat) against
// the JavaScript loop it replaces (`sgdRows` in onlineKernel.ts): the same rows in the same steps
// give the same weights, sums, rolling window and divergence, bit for bit.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, selectBackend } from '../../src/core/training/index';
import {
  createOnlineGlmState,
  runOnlineGlmChunk,
  type OnlineGlmState,
} from '../../src/core/training/onlineKernel';
import { WasmSquaredSgd } from '../../src/core/training/onlineSgdWasm';

/** Rows of `features` float32 values then a target, unstandardised (so a large rate diverges). */
function rows(count: number, features: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const data = new Float32Array(count * (features + 1));
  for (let r = 0; r < count; r++) {
    let y = 0.5;
    for (let f = 0; f < features; f++) {
      const x = rng.normal() * (1 + (f % 3));
      data[r * (features + 1) + f] = x;
      y += (f % 2 === 0 ? 0.7 : -0.3) * x;
    }
    data[r * (features + 1) + features] = y + 0.1 * rng.normal();
  }
  return data;
}

/** Learns `data` in steps of the given sizes (cycled), scoring all along; the state after. */
function learn(
  engine: 'wasm' | 'js',
  data: Float32Array,
  features: number,
  steps: number[],
  options: { bias: boolean; learningRate: number; scoring: boolean },
): OnlineGlmState {
  const state = createOnlineGlmState({
    loss: 'squared',
    features,
    outputs: 1,
    bias: options.bias,
    optimizer: 'sgd',
    learningRate: options.learningRate,
    rollingWindow: 100,
    engine,
  });
  state.scoring = options.scoring;
  const width = features + 1;
  const total = data.length / width;
  for (let first = 0, k = 0; first < total && !state.diverged; k++) {
    const count = Math.min(steps[k % steps.length], total - first);
    const input = tf.tensor2d(data.subarray(first * width, (first + count) * width), [count, width]);
    runOnlineGlmChunk(input, state).dispose();
    input.dispose();
    first += count;
  }
  return state;
}

/** The same rows learnt by both engines; fails unless they agree. Returns the JavaScript run. */
function bothEngines(
  data: Float32Array,
  features: number,
  steps: number[],
  options: { bias: boolean; learningRate: number; scoring: boolean },
): OnlineGlmState {
  const js = learn('js', data, features, steps, options);
  assertSameRun(learn('wasm', data, features, steps, options), js);
  return js;
}

function assertSameRun(wasm: OnlineGlmState, js: OnlineGlmState): void {
  assert.deepEqual(Array.from(wasm.weights), Array.from(js.weights), 'weights');
  assert.deepEqual(Array.from(wasm.lastFinite), Array.from(js.lastFinite), 'last finite weights');
  for (const key of [
    'sumLoss',
    'sumSquaredError',
    'sumY',
    'sumYY',
    'scored',
    'samplesSeen',
    'diverged',
  ] as const)
    assert.equal(wasm[key], js[key], key);
  assert.deepEqual(wasm.rolling.regression(), js.rolling.regression(), 'rolling window');
}

describe('online SGD for squared loss: WebAssembly and JavaScript agree', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });

  it('compiles here (Node), so the WebAssembly loop is the one under test', () => {
    assert.ok(WasmSquaredSgd.create());
  });

  for (const features of [16, 7, 1])
    for (const bias of [true, false])
      it(`the same run with ${features} features, bias ${bias}, steps across the checks every 256 rows`, () => {
        const data = rows(3000, features, features * 2 + (bias ? 1 : 0));
        // Steps of odd sizes: the checks fall inside steps and at their ends.
        const steps = [1, 7, 300, 64, 1000, 255];
        const js = bothEngines(data, features, steps, { bias, learningRate: 0.002, scoring: true });
        assert.equal(js.samplesSeen, 3000);
        assert.ok(js.sumSquaredError > 0);
      });

  it('the same run without scoring (a later pass)', () => {
    const js = bothEngines(rows(1500, 16, 9), 16, [512], { bias: true, learningRate: 0.002, scoring: false });
    assert.equal(js.scored, 0);
    assert.equal(js.samplesSeen, 1500);
  });

  it('diverges at the same check, with the same last finite weights restored', () => {
    const js = bothEngines(rows(4000, 16, 11), 16, [1000], { bias: true, learningRate: 5, scoring: true });
    assert.equal(js.diverged, true);
    assert.ok(js.samplesSeen < 1000, `diverged after ${js.samplesSeen} rows`);
    assert.ok(Array.from(js.weights).every(Number.isFinite));
  });
});
