/**
 * Debiased exponential moving average, the smoothing TensorBoard draws: without the debias term the
 * first points would be dragged towards zero, and a loss curve would appear to start low.
 */
export class EmaSmoother {
  private readonly weight: number;
  private accumulator = 0;
  private decay = 1; // weight^count, so the debias term needs no Math.pow per point
  private last = NaN;

  /** weight 0 = no smoothing; values are clamped below 1 because weight 1 would never move. */
  constructor(weight: number) {
    this.weight = clampSmoothing(weight);
  }

  /** Non-finite inputs (a diverged step, a missing value) are skipped: the line holds its level. */
  next(value: number): number {
    if (!Number.isFinite(value)) return this.last;
    this.accumulator = this.weight * this.accumulator + (1 - this.weight) * value;
    this.decay *= this.weight;
    this.last = this.accumulator / (1 - this.decay);
    return this.last;
  }
}

export const MAX_SMOOTHING = 0.999;

export function clampSmoothing(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return 0;
  return Math.min(weight, MAX_SMOOTHING);
}
