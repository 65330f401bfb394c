/**
 * One curve's points, stored column-wise in chunked typed arrays, with its smoothed copy and the
 * decimation pyramids for both kept up to date on every append. DOM-free.
 */
import { MinMaxPyramid } from './decimate';
import { EmaSmoother } from './ema';
import { ChunkedArray } from './growable';

export type SeriesRole = 'train' | 'validation' | 'progressive' | 'epoch' | 'compare';
export type XAxis = 'samples' | 'time';

export class SeriesData {
  // x stays float64 (sample counts pass 2^24); y is float32 because seven significant digits are
  // more than a pixel can show, and it halves the memory of a million-point run.
  readonly samples = new ChunkedArray('float64');
  readonly timeMs = new ChunkedArray('float64');
  readonly loss = new ChunkedArray('float32');
  readonly smoothed = new ChunkedArray('float32');
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

  xs(axis: XAxis): ChunkedArray {
    return axis === 'samples' ? this.samples : this.timeMs;
  }

  /** O(new points): copies, smooths and folds them into the pyramids; never redraws. */
  append(samples: ArrayLike<number>, timeMs: ArrayLike<number>, loss: ArrayLike<number>): void {
    const n = Math.min(samples.length, timeMs.length, loss.length);
    if (n === 0) return;
    this.samples.push(samples, n);
    this.timeMs.push(timeMs, n);
    const start = this.loss.push(loss, n);
    this.smoothed.extend(n);
    for (let i = start; i < start + n; i++) this.smoothed.set(i, this.smoother.next(this.loss.get(i)));
    this.lastLoss = loss[n - 1]!;
    this.rawPyramid.append(this.loss, start, start + n);
    this.smoothPyramid.append(this.smoothed, start, start + n);
  }

  /** O(points): a new smoothing weight changes every smoothed value. */
  setSmoothing(weight: number): void {
    this.smoothing = weight;
    this.smoother = new EmaSmoother(weight);
    for (let i = 0; i < this.length; i++) this.smoothed.set(i, this.smoother.next(this.loss.get(i)));
    this.smoothPyramid.clear();
    this.smoothPyramid.append(this.smoothed, 0, this.length);
  }

  clear(): void {
    this.samples.clear();
    this.timeMs.clear();
    this.loss.clear();
    this.smoothed.clear();
    this.rawPyramid.clear();
    this.smoothPyramid.clear();
    this.smoother = new EmaSmoother(this.smoothing);
    this.lastLoss = NaN;
  }
}
