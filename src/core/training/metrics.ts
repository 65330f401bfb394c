// Metrics in the target's own units (regression) or as log-loss / accuracy (classification), from
// running sums so that batch evaluation and streams share one definition.
import type { ClassificationMetrics, RegressionMetrics } from './types';

/** Sums for regression metrics: Σ(ŷ−y)², Σy, Σy², n. */
export class RegressionTally {
  sumSquaredError = 0;
  sumY = 0;
  sumYY = 0;
  count = 0;

  add(prediction: number, y: number): void {
    const error = prediction - y;
    this.sumSquaredError += error * error;
    this.sumY += y;
    this.sumYY += y * y;
    this.count++;
  }

  metrics(): RegressionMetrics {
    return regressionMetrics(this.sumSquaredError, this.sumY, this.sumYY, this.count);
  }
}

export function regressionMetrics(
  sumSquaredError: number,
  sumY: number,
  sumYY: number,
  count: number,
): RegressionMetrics {
  const n = Math.max(1, count);
  const mse = sumSquaredError / n;
  const variance = sumYY / n - (sumY / n) ** 2;
  return { mse, rmse: Math.sqrt(mse), r2: variance > 0 ? 1 - mse / variance : 0 };
}

/** Σ log-loss and number correct. */
export class ClassificationTally {
  sumLogLoss = 0;
  correct = 0;
  count = 0;

  add(logLoss: number, isCorrect: boolean): void {
    this.sumLogLoss += logLoss;
    if (isCorrect) this.correct++;
    this.count++;
  }

  metrics(): ClassificationMetrics {
    return classificationMetrics(this.sumLogLoss, this.correct, this.count);
  }
}

export function classificationMetrics(
  sumLogLoss: number,
  correct: number,
  count: number,
): ClassificationMetrics {
  const n = Math.max(1, count);
  return { logLoss: sumLogLoss / n, accuracy: correct / n };
}

/** Whether every number of a metrics record is finite (a report holds no Infinity or NaN). */
export function metricsAreFinite(metrics: object): boolean {
  return Object.values(metrics).every((value) => Number.isFinite(value));
}

/** Clamp used for every log-loss so a confident mistake costs a large, finite amount. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * The last `size` samples' losses, for the online "rolling" metric. Regression keeps the squared
 * error and y (R² needs the window's variance); classification keeps log-loss and correctness.
 */
export class RollingWindow {
  private readonly loss: Float64Array;
  private readonly y: Float64Array;
  private readonly correct: Uint8Array;
  private next = 0;
  private filled = 0;

  constructor(readonly size: number) {
    const capacity = Math.max(1, Math.floor(size));
    this.loss = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.correct = new Uint8Array(capacity);
  }

  push(loss: number, y: number, correct: boolean): void {
    this.loss[this.next] = loss;
    this.y[this.next] = y;
    this.correct[this.next] = correct ? 1 : 0;
    if (++this.next === this.loss.length) this.next = 0;
    if (this.filled < this.loss.length) this.filled++;
  }

  /** `push` for rows `0 … count − 1` of the given arrays, in order (only the last `size` stay). */
  pushAll(loss: Float64Array, y: Float64Array, correct: Uint8Array, count: number): void {
    // Rows that would be overwritten within this call are skipped, their slots passed over: every
    // value lands where `push` would put it (the sums then add in the same order). No branch on
    // whether any are: the online kernel has this inlined, and a branch first taken after V8 had
    // optimised it (steps outgrowing the window) sent every later call back to the interpreter:
    // V8 kept the optimised code: hundreds of deoptimisations a run, about 5% of its time.
    const size = this.loss.length;
    const skipped = Math.max(0, count - size);
    let next = (this.next + skipped) % size;
    let filled = this.filled; // full by the end when rows were skipped: `size` rows follow them
    for (let i = skipped; i < count; i++) {
      this.loss[next] = loss[i];
      this.y[next] = y[i];
      this.correct[next] = correct[i];
      if (++next === size) next = 0;
      if (filled < size) filled++;
    }
    this.next = next;
    this.filled = filled;
  }

  regression(): RegressionMetrics {
    let sse = 0;
    let sumY = 0;
    let sumYY = 0;
    for (let i = 0; i < this.filled; i++) {
      sse += this.loss[i];
      sumY += this.y[i];
      sumYY += this.y[i] * this.y[i];
    }
    return regressionMetrics(sse, sumY, sumYY, this.filled);
  }

  classification(): ClassificationMetrics {
    let sum = 0;
    let correct = 0;
    for (let i = 0; i < this.filled; i++) {
      sum += this.loss[i];
      correct += this.correct[i];
    }
    return classificationMetrics(sum, correct, this.filled);
  }
}
