/**
 * Axis scales, tick positions and tick labels. DOM-free so that it can be unit-tested in Node.
 */

export type YScale = 'linear' | 'log';

/** Maps data values to a [0, 1] fraction of an axis, linear or log10. */
export class AxisScale {
  private readonly a: number;
  private readonly b: number;

  constructor(
    readonly kind: YScale,
    readonly min: number,
    readonly max: number,
  ) {
    this.a = kind === 'log' ? Math.log10(min) : min;
    this.b = kind === 'log' ? Math.log10(max) : max;
  }

  /** NaN for values the scale cannot show (≤ 0 on a log scale): callers skip them. */
  fraction(value: number): number {
    if (this.kind === 'log') {
      if (!(value > 0)) return NaN;
      return (Math.log10(value) - this.a) / (this.b - this.a);
    }
    return (value - this.a) / (this.b - this.a);
  }

  valueAt(fraction: number): number {
    const v = this.a + fraction * (this.b - this.a);
    return this.kind === 'log' ? 10 ** v : v;
  }
}

/** Rounds a step up to 1, 2 or 5 × 10^k, the steps people read without effort. */
export function niceStep(rawStep: number): number {
  if (!(rawStep > 0) || !Number.isFinite(rawStep)) return 1;
  const power = 10 ** Math.floor(Math.log10(rawStep));
  const m = rawStep / power;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
  return nice * power;
}

export interface Ticks {
  values: number[];
  step: number;
}

/** About `target` evenly spaced nice ticks within [min, max]. */
export function linearTicks(min: number, max: number, target: number): Ticks {
  if (!(max > min)) return { values: Number.isFinite(min) ? [min] : [], step: 1 };
  const step = niceStep((max - min) / Math.max(1, target));
  const values: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) {
    // k * step rather than repeated addition, so 0.1 + 0.2 drift never shows as 0.30000000000000004
    values.push(Number((k * step).toPrecision(12)));
  }
  return { values, step };
}

/** Extends [min, max] outwards to whole steps so the data never touches the frame. */
export function niceRange(min: number, max: number, target: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - pad, max + pad];
  }
  const step = niceStep((max - min) / Math.max(1, target));
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step];
}

/**
 * Log-scale ticks: powers of ten, thinned to every n-th decade over wide ranges, and filled in with
 * 2× and 5× when less than about two decades are visible (otherwise there might be one tick).
 */
export function logTicks(min: number, max: number, target: number): Ticks {
  if (!(min > 0) || !(max > min)) return { values: min > 0 ? [min] : [], step: 1 };
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades = hi - lo;
  const values: number[] = [];
  if (decades <= 2) {
    for (let d = lo; d <= hi; d++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** d).toPrecision(12));
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) values.push(v);
      }
    }
    return { values, step: 1 };
  }
  const stride = Math.max(1, Math.ceil(decades / Math.max(1, target)));
  for (let d = Math.ceil(lo / stride) * stride; d <= hi; d += stride) {
    const v = Number((10 ** d).toPrecision(12));
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) values.push(v);
  }
  return { values, step: stride };
}

/** Extends a log range outwards to whole decades' 1/2/5 marks. */
export function niceLogRange(min: number, max: number): [number, number] {
  if (!(min > 0) || !(max > 0)) return [0.1, 1];
  if (max <= min) return [min / 2, min * 2];
  const down = (v: number): number => {
    const p = 10 ** Math.floor(Math.log10(v));
    const m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
  };
  const up = (v: number): number => {
    const p = 10 ** Math.floor(Math.log10(v));
    const m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  };
  return [down(min), up(max)];
}

/** A loss value or tick with as few digits as the step needs; exponent form when tiny or huge. */
export function formatValue(value: number, step?: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return trimExponent(value.toExponential(step ? 1 : 3));
  if (step !== undefined && step > 0) return value.toFixed(decimalsFor(step));
  return Number(value.toPrecision(4)).toString();
}

/** Decimal places that show a step exactly: 0.25 → 2, 0.5 → 1, 5 → 0 (at most 10). */
export function decimalsFor(step: number): number {
  for (let d = 0; d < 10; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 10;
}

function trimExponent(s: string): string {
  // 1.0e-5 → 1e-5, 2.500e+7 → 2.5e7: shorter labels, same meaning
  return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** Sample counts as people say them: 250, 12.5k, 1.2M. */
export function formatCount(value: number, step?: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const decimals = step !== undefined && step > 0 ? decimalsFor(step / size) : 1;
      return `${Number((value / size).toFixed(decimals))}${suffix}`;
    }
  }
  return String(Math.round(value));
}

const TIME_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Ticks on a time axis fall on whole seconds, minutes and hours, not on 1/2/5 × 10^k ms. */
export function timeTicks(minMs: number, maxMs: number, target: number): Ticks {
  if (!(maxMs > minMs)) return { values: Number.isFinite(minMs) ? [minMs] : [], step: 1000 };
  const raw = (maxMs - minMs) / Math.max(1, target);
  const step = TIME_STEPS_MS.find((s) => s >= raw) ?? niceStep(raw / 86_400_000) * 86_400_000;
  const values: number[] = [];
  for (let k = Math.ceil(minMs / step - 1e-9); k * step <= maxMs + 1e-9; k++) values.push(k * step || 0); // no -0
  return { values, step };
}

/** Elapsed time: 850 ms, 12.5 s, 3:05, 1:02:03. */
export function formatDuration(ms: number, stepMs = 1000): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (stepMs < 1000 && abs < 10_000) {
    return abs < 1000 && stepMs < 100
      ? `${sign}${Math.round(abs)} ms`
      : `${sign}${Number((abs / 1000).toFixed(stepMs < 100 ? 2 : 1))} s`;
  }
  const totalSeconds = Math.round(abs / 1000);
  if (totalSeconds < 60) return `${sign}${totalSeconds} s`;
  const s = totalSeconds % 60;
  const m = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}
