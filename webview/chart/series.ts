/**
 * One curve's points, stored column-wise in growable typed arrays, with its smoothed copy and the
 * decimation pyramids for both kept up to date on every append. DOM-free.
 */
import { MinMaxPyramid } from './decimate';
import { EmaSmoother } from './ema';
import { GrowableArray, float32, float64 } from './growable';

export type SeriesRole = 'train' | 'validation' | 'progressive' | 'epoch' | 'compare';
export type XAxis = 'samples' | 'time';

export class SeriesData {
  // x stays float64 (sample counts pass 2^24); y is float32 because seven significant digits are
  // more than a pixel can show, and it halves the memory of a million-point run.
  readonly samples = new GrowableArray(float64, 4096);
  readonly timeMs = new GrowableArray(float64, 4096);
  readonly loss = new GrowableArray(float32, 4096);
  readonly smoothed = new GrowableArray(float32, 4096);
  readonly rawPyramid = new MinMaxPyramid();
  readonly smoothPyramid = new MinMaxPyramid();
  /** The exact last value, for the legend (the stored copy is float32). */
  lastLoss = NaN;
  private smoother: EmaSmoother;

  constructor(
    readonly id: string,
    public label: string,
    public role: SeriesRole,
    private smoothing: number,
  ) {
    this.smoother = new EmaSmoother(smoothing);
  }

  get length(): number {
    return this.loss.length;
  }

  xs(axis: XAxis): Float64Array {
    return axis === 'samples' ? this.samples.data : this.timeMs.data;
  }

  /** O(new points): copies, smooths and folds them into the pyramids; never redraws. */
  append(samples: ArrayLike<number>, timeMs: ArrayLike<number>, loss: ArrayLike<number>): void {
    const n = Math.min(samples.length, timeMs.length, loss.length);
    if (n === 0) return;
    const start = this.samples.extend(n);
    this.timeMs.extend(n);
    this.loss.extend(n);
    this.smoothed.extend(n);
    const xs = this.samples.data;
    const ts = this.timeMs.data;
    const ys = this.loss.data;
    const sm = this.smoothed.data;
    for (let j = 0; j < n; j++) {
      const i = start + j;
      xs[i] = samples[j]!;
      ts[i] = timeMs[j]!;
      const y = loss[j]!;
      ys[i] = y;
      sm[i] = this.smoother.next(y);
    }
    this.lastLoss = loss[n - 1]!;
    this.rawPyramid.append(ys, start, start + n);
    this.smoothPyramid.append(sm, start, start + n);
  }

  /** O(points): a new smoothing weight changes every smoothed value. */
  setSmoothing(weight: number): void {
    this.smoothing = weight;
    this.smoother = new EmaSmoother(weight);
    const ys = this.loss.data;
    const sm = this.smoothed.data;
    for (let i = 0; i < this.length; i++) sm[i] = this.smoother.next(ys[i]!);
    this.smoothPyramid.clear();
    this.smoothPyramid.append(sm, 0, this.length);
  }

  clear(): void {
    this.samples.truncate(0);
    this.timeMs.truncate(0);
    this.loss.truncate(0);
    this.smoothed.truncate(0);
    this.rawPyramid.clear();
    this.smoothPyramid.clear();
    this.smoother = new EmaSmoother(this.smoothing);
    this.lastLoss = NaN;
  }
}
