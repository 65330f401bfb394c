/**
 * How often new data may redraw the chart. A frame costs more than the chart's own drawing (style,
 * paint and compositing follow it on the same thread), and every millisecond of it is taken from the
 * training loop that shares the webview's main thread. So redraws caused by streaming data are
 * spaced so that the measured frame cost stays under a fixed share of the time; redraws a person
 * asked for (zoom, resize, theme, settings) are never delayed. DOM-free.
 */
export class RedrawPacer {
  private costMs = 0;
  private lastFrameAt = -Infinity;

  constructor(
    /**
     * Share of the time that data-driven frames may take, as measured on the main thread. Kept low
     * because the measurement misses raster and compositing on other threads, which compete with
     * training for the same cores: on a 2-core machine without a GPU a frame costs the training
     * loop about three times what the probe sees (bench:chart).
     */
    private readonly share = 0.03,
    private readonly minIntervalMs = 16,
    // Still a few frames a second whatever the estimate says, or the chart stops looking live.
    private readonly maxIntervalMs = 400,
  ) {}

  /** A frame starts: the next data-driven frame is spaced from here, whatever it turns out to cost. */
  frameStarted(at: number): void {
    this.lastFrameAt = at;
  }

  /**
   * The measured cost of a frame, smoothed: one slow frame (a GC pause, the first frames before the
   * JIT warms up) must not hold the chart back for long, nor one fast frame let it flood the thread.
   */
  recordCost(costMs: number): void {
    if (!(costMs >= 0) || !Number.isFinite(costMs)) return;
    this.costMs = this.costMs === 0 ? costMs : 0.7 * this.costMs + 0.3 * costMs;
  }

  get frameCostMs(): number {
    return this.costMs;
  }

  /** Spacing between data-driven frames: cost / share, within [min, max]. */
  get intervalMs(): number {
    const wanted = this.costMs / this.share;
    return Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, wanted));
  }

  /** Milliseconds to wait before asking for a frame for new data (0: ask now). */
  delayFor(now: number): number {
    return Math.max(0, this.lastFrameAt + this.intervalMs - now);
  }
}
