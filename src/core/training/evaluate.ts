// Loss and metrics of the current weights over a whole split, in slices so memory stays bounded.
import * as tf from '@tensorflow/tfjs-core';
import { ClassificationTally, PROBABILITY_EPSILON, RegressionTally } from './metrics';
import type { ModelParameters } from './models';
import type { LossKind } from './task';
import type { Metrics } from './types';

const EVALUATION_SLICE_ROWS = 65536;

export interface Evaluation {
  /** Mean loss in the training convention (MSE/2, or log-loss). */
  loss: number;
  metrics: Metrics;
}

export function evaluateSplit(
  model: ModelParameters,
  loss: LossKind,
  x: Float32Array,
  y: Float32Array,
  rows: number,
  columns: number,
  targetWidth: number,
): Evaluation {
  const regression = new RegressionTally();
  const classification = new ClassificationTally();
  for (let start = 0; start < rows; start += EVALUATION_SLICE_ROWS) {
    const count = Math.min(EVALUATION_SLICE_ROWS, rows - start);
    const output = tf.tidy(() => {
      const z = model.forward(
        tf.tensor2d(x.subarray(start * columns, (start + count) * columns), [count, columns]),
      );
      return loss === 'squared' ? z : loss === 'logistic' ? tf.sigmoid(z) : tf.softmax(z);
    });
    const values = output.dataSync();
    output.dispose();
    for (let r = 0; r < count; r++) {
      const row = start + r;
      if (loss === 'squared') regression.add(values[r], y[row]);
      else if (loss === 'logistic') {
        const p = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, values[r]));
        const label = y[row];
        classification.add(
          -(label * Math.log(p) + (1 - label) * Math.log(1 - p)),
          (p >= 0.5 ? 1 : 0) === label,
        );
      } else {
        let best = 0;
        let truth = 0;
        for (let k = 0; k < targetWidth; k++) {
          if (values[r * targetWidth + k] > values[r * targetWidth + best]) best = k;
          if (y[row * targetWidth + k] === 1) truth = k;
        }
        const p = Math.max(PROBABILITY_EPSILON, values[r * targetWidth + truth]);
        classification.add(-Math.log(p), best === truth);
      }
    }
  }
  if (loss === 'squared') {
    const metrics = regression.metrics();
    return { loss: metrics.mse / 2, metrics };
  }
  const metrics = classification.metrics();
  return { loss: metrics.logLoss, metrics };
}
