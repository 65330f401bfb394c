/**
 * LossChart: a canvas chart for streaming loss curves inside the training webview.
 *
 * Why its own canvas code: a million points must stay smooth while training appends to them, so
 * appending is O(new points) (typed arrays plus a min/max pyramid, see decimate.ts) and a frame
 * costs O(pixel columns). Drawing is coalesced to one requestAnimationFrame; a hidden webview gets
 * no frames, which simply postpones drawing — `append` never waits on rendering.
 *
 * CSP: no eval, no HTML strings; the DOM is built with createElement/textContent, layout CSS
 * ships in media/chart.css, and the few dynamic styles are set through the CSSOM.
 */
import { ColumnBuffer, decimateToColumns, lowerBound, upperBound } from './decimate';
import { clampSmoothing } from './ema';
import type { IndexedValues } from './growable';
import { SeriesData, type SeriesRole, type XAxis } from './series';
import { RedrawPacer } from './pacing';
import { readTheme, type ChartTheme } from './theme';
import {
  AxisScale,
  formatCount,
  formatDuration,
  formatValue,
  linearTicks,
  logTicks,
  niceLogRange,
  niceRange,
  timeTicks,
  type Ticks,
  type YScale,
} from './ticks';

export type { SeriesRole, XAxis, YScale };

export interface SeriesOptions {
  /**
   * Colour from the theme's run palette instead of the role's colour: one per overlaid run. Past
   * the palette's length the colours repeat, dashed.
   */
  paletteIndex?: number;
}

export interface LossChartOptions {
  title?: string;
  /** Initial EMA weight, 0..1 (default 0.6, TensorBoard's). */
  smoothing?: number;
}

interface SeriesEntry {
  data: SeriesData;
  paletteIndex: number | undefined;
  visible: boolean;
  item: HTMLLIElement;
  button: HTMLButtonElement;
  swatch: HTMLSpanElement;
  labelEl: HTMLSpanElement;
  valueEl: HTMLSpanElement;
}

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

// Drawn back to front: a compared run behind, per-epoch marks in front.
const ROLE_ORDER: readonly SeriesRole[] = ['compare', 'train', 'progressive', 'validation', 'epoch'];
// Per-epoch and validation points are few and each one matters: drawn unsmoothed, with dots.
const SPARSE_ROLES: ReadonlySet<SeriesRole> = new Set<SeriesRole>(['validation', 'epoch']);
const MIN_DRAG_PX = 4;

export class LossChart {
  /** Diagnostics for the benchmark: main-thread milliseconds of the last draw, and draw count. */
  lastDrawMs = 0;
  drawCount = 0;
  /** Main-thread cost of the last whole frame (draw, style, paint, commit). */
  lastFrameCostMs = 0;

  private readonly root: HTMLDivElement;
  private readonly titleEl: HTMLSpanElement;
  private readonly legend: HTMLUListElement;
  private readonly referenceItem: HTMLLIElement;
  private readonly referenceText: HTMLSpanElement;
  private readonly plot: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly selection: HTMLDivElement;
  private readonly series = new Map<string, SeriesEntry>();
  private readonly columns = new ColumnBuffer();
  private readonly extentColumns = new ColumnBuffer();
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private readonly cleanups: (() => void)[] = [];

  private theme: ChartTheme;
  private xAxis: XAxis = 'samples';
  private yScale: YScale = 'linear';
  private smoothing: number;
  private reference: { value: number; label: string } | undefined;
  /** Zoomed x range; undefined follows all the data as it grows. */
  private view: [number, number] | undefined;
  private shownRange: [number, number] = [0, 1];
  private plotRect: Rect = { left: 0, top: 0, width: 0, height: 0 };
  private cssWidth = 0;
  private cssHeight = 0;
  private frameRequest = 0;
  private dataTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pacer = new RedrawPacer();
  private readonly costProbe = new MessageChannel();
  private probeStartedAt = NaN;
  private drag: { pointerId: number; startX: number; currentX: number } | undefined;
  private disposed = false;

  constructor(container: HTMLElement, options: LossChartOptions = {}) {
    this.smoothing = clampSmoothing(options.smoothing ?? 0.6);
    const doc = container.ownerDocument;
    this.root = el(doc, 'div', 'loss-chart');
    const header = el(doc, 'div', 'loss-chart__header');
    this.titleEl = el(doc, 'span', 'loss-chart__title');
    this.titleEl.textContent = options.title ?? '';
    this.titleEl.hidden = !options.title;
    this.legend = el(doc, 'ul', 'loss-chart__legend');
    this.legend.setAttribute('aria-label', 'Series');
    this.referenceItem = el(doc, 'li', 'loss-chart__legend-entry loss-chart__legend-entry--reference');
    const refSwatch = el(doc, 'span', 'loss-chart__swatch loss-chart__swatch--dashed');
    refSwatch.setAttribute('aria-hidden', 'true');
    this.referenceText = el(doc, 'span', 'loss-chart__label');
    this.referenceItem.append(refSwatch, this.referenceText);
    this.referenceItem.hidden = true;
    this.legend.append(this.referenceItem);
    header.append(this.titleEl, this.legend);

    this.plot = el(doc, 'div', 'loss-chart__plot');
    this.plot.tabIndex = 0;
    this.plot.setAttribute('role', 'img');
    this.plot.setAttribute('aria-roledescription', 'loss chart');
    this.plot.setAttribute('aria-keyshortcuts', '+ - 0 ArrowLeft ArrowRight');
    this.plot.title = 'Drag to zoom · double-click or 0 to reset · + / − zoom · ← / → pan';
    this.canvas = el(doc, 'canvas', 'loss-chart__canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.selection = el(doc, 'div', 'loss-chart__selection');
    this.plot.append(this.canvas, this.selection);
    this.root.append(header, this.plot);
    container.append(this.root);

    // willReadFrequently keeps the canvas in CPU memory, rasterised on this thread: the frame pacer
    // can then measure what a frame really costs. An accelerated canvas on a software GL stack
    // (VMs, remote desktops, SwiftShader) rasterises in the GPU process instead, unseen by the
    // pacer, competing for the cores the training loop runs on. Two polylines of a few thousand
    // vertices are cheap to rasterise on the CPU.
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('LossChart: canvas 2D context unavailable');
    this.ctx = ctx;
    this.theme = readTheme(this.root);

    // Drawing inside the observer callback (not a frame later) avoids a blank frame: resizing a
    // canvas clears it.
    this.resizeObserver = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      this.cssWidth = box.width;
      this.cssHeight = box.height;
      this.draw();
    });
    this.resizeObserver.observe(this.plot);
    this.costProbe.port1.onmessage = () => this.onProbe();

    // VS Code switches themes by changing the body class and the variables in <html style>; two
    // dark themes differ only in the latter.
    this.themeObserver = new MutationObserver(() => this.refreshTheme());
    this.themeObserver.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
    this.themeObserver.observe(doc.documentElement, {
      attributes: true,
      attributeFilter: ['style', 'class'],
    });

    this.listen(this.plot, 'pointerdown', (e) => this.onPointerDown(e as PointerEvent));
    this.listen(this.plot, 'pointermove', (e) => this.onPointerMove(e as PointerEvent));
    this.listen(this.plot, 'pointerup', (e) => this.onPointerUp(e as PointerEvent));
    this.listen(this.plot, 'pointercancel', () => this.cancelDrag());
    this.listen(this.plot, 'dblclick', () => this.resetZoom());
    this.listen(this.plot, 'keydown', (e) => this.onKeyDown(e as KeyboardEvent));
    // A devicePixelRatio change (window dragged to another screen, zoom) arrives as a resize.
    const win = doc.defaultView;
    if (win) this.listen(win, 'resize', () => this.scheduleDraw());
  }

  /** Adds a curve, or relabels an existing one (its points are kept). */
  addSeries(id: string, label: string, role: SeriesRole, options: SeriesOptions = {}): void {
    const existing = this.series.get(id);
    if (existing) {
      existing.data.label = label;
      existing.data.role = role;
      existing.paletteIndex = options.paletteIndex;
      existing.labelEl.textContent = label;
      this.paintSwatch(existing);
      this.scheduleDraw();
      return;
    }
    const doc = this.root.ownerDocument;
    const data = new SeriesData(id, label, role, SPARSE_ROLES.has(role) ? 0 : this.smoothing);
    const item = el(doc, 'li', 'loss-chart__legend-entry');
    // A button, so a curve can be hidden and shown again from the keyboard.
    const button = el(doc, 'button', 'loss-chart__legend-item');
    button.type = 'button';
    button.setAttribute('aria-pressed', 'true');
    const swatch = el(doc, 'span', 'loss-chart__swatch');
    swatch.setAttribute('aria-hidden', 'true');
    const labelEl = el(doc, 'span', 'loss-chart__label');
    labelEl.textContent = label;
    const valueEl = el(doc, 'span', 'loss-chart__value');
    button.append(swatch, labelEl, valueEl);
    item.append(button);
    this.legend.insertBefore(item, this.referenceItem);
    const entry: SeriesEntry = {
      data,
      paletteIndex: options.paletteIndex,
      visible: true,
      item,
      button,
      swatch,
      labelEl,
      valueEl,
    };
    button.addEventListener('click', () => {
      entry.visible = !entry.visible;
      button.setAttribute('aria-pressed', String(entry.visible));
      this.scheduleDraw();
    });
    this.paintSwatch(entry);
    this.series.set(id, entry);
    this.scheduleDraw();
  }

  removeSeries(id: string): void {
    const entry = this.series.get(id);
    if (!entry) return;
    entry.item.remove();
    this.series.delete(id);
    this.scheduleDraw();
  }

  /**
   * Appends many points at once in O(points): x must not decrease within a series. The arrays are
   * copied, so the caller may reuse them. Never draws synchronously.
   */
  append(id: string, samples: ArrayLike<number>, timeMs: ArrayLike<number>, loss: ArrayLike<number>): void {
    const entry = this.series.get(id);
    if (!entry) throw new Error(`LossChart.append: unknown series "${id}" (call addSeries first)`);
    entry.data.append(samples, timeMs, loss);
    this.scheduleDataDraw();
  }

  /** The closed-form least-squares loss, drawn as a dashed line; undefined removes it. */
  setReferenceLine(value: number | undefined, label: string): void {
    this.reference = value !== undefined && Number.isFinite(value) ? { value, label } : undefined;
    this.referenceItem.hidden = !this.reference;
    this.referenceText.textContent = this.reference ? `${label} ${formatValue(this.reference.value)}` : '';
    this.scheduleDraw();
  }

  setXAxis(axis: XAxis): void {
    if (axis === this.xAxis) return;
    this.xAxis = axis;
    this.view = undefined; // a sample range means nothing on a time axis
    this.scheduleDraw();
  }

  setYScale(scale: YScale): void {
    this.yScale = scale;
    this.scheduleDraw();
  }

  /** EMA weight 0..1 for the per-step curves; 0 draws the raw line only. O(points) once. */
  setSmoothing(weight: number): void {
    const w = clampSmoothing(weight);
    if (w === this.smoothing) return;
    this.smoothing = w;
    for (const { data } of this.series.values()) if (!SPARSE_ROLES.has(data.role)) data.setSmoothing(w);
    this.scheduleDraw();
  }

  setTitle(title: string): void {
    this.titleEl.textContent = title;
    this.titleEl.hidden = !title;
  }

  resetZoom(): void {
    this.view = undefined;
    this.scheduleDraw();
  }

  /** Back to a blank chart: every series, the reference line and the zoom go. */
  clear(): void {
    for (const id of [...this.series.keys()]) this.removeSeries(id);
    this.setReferenceLine(undefined, '');
    this.resetZoom();
  }

  /** A PNG data URL of the plot on the theme's background (the legend is DOM, not included). */
  toImage(): string {
    this.draw();
    const copy = this.root.ownerDocument.createElement('canvas');
    copy.width = this.canvas.width;
    copy.height = this.canvas.height;
    const ctx = copy.getContext('2d');
    if (!ctx) return this.canvas.toDataURL('image/png');
    ctx.fillStyle = this.theme.background === 'transparent' ? '#fff' : this.theme.background;
    ctx.fillRect(0, 0, copy.width, copy.height);
    ctx.drawImage(this.canvas, 0, 0);
    return copy.toDataURL('image/png');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    clearTimeout(this.dataTimer);
    this.costProbe.port1.close();
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    for (const cleanup of this.cleanups) cleanup();
    this.series.clear();
    this.root.remove();
  }

  // ---- scheduling -------------------------------------------------------------------------------

  /**
   * At most one frame is ever requested. While the webview is hidden the browser holds it back,
   * so nothing is drawn and nothing piles up; it runs when the panel is shown again.
   */
  private scheduleDraw(): void {
    if (this.disposed || this.frameRequest) return;
    clearTimeout(this.dataTimer);
    this.dataTimer = undefined;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      if (this.draw()) this.measureFrame();
    });
  }

  /** New data: the next frame, unless the pacer wants the chart to leave the thread alone longer. */
  private scheduleDataDraw(): void {
    if (this.disposed || this.frameRequest || this.dataTimer !== undefined) return;
    const delay = this.pacer.delayFor(performance.now());
    if (delay <= 0) {
      this.scheduleDraw();
      return;
    }
    this.dataTimer = setTimeout(() => {
      this.dataTimer = undefined;
      this.scheduleDraw();
    }, delay);
  }

  /**
   * A message posted from the frame callback is delivered once the browser has finished that frame
   * (style, layout, paint, commit), so the time until it arrives is what the frame cost this thread.
   */
  private measureFrame(): void {
    this.probeStartedAt = performance.now() - this.lastDrawMs;
    // Spaced from the start of this frame, not from when its cost is known: otherwise data that
    // arrives while the probe is in flight would get a second frame at once.
    this.pacer.frameStarted(this.probeStartedAt);
    this.costProbe.port2.postMessage(null);
  }

  private onProbe(): void {
    const started = this.probeStartedAt;
    if (Number.isNaN(started)) return;
    this.probeStartedAt = NaN;
    this.lastFrameCostMs = performance.now() - started;
    this.pacer.recordCost(this.lastFrameCostMs);
  }

  private refreshTheme(): void {
    this.theme = readTheme(this.root);
    for (const entry of this.series.values()) this.paintSwatch(entry);
    this.scheduleDraw();
  }

  private colourOf(entry: SeriesEntry): string {
    const { palette, roles } = this.theme;
    return entry.paletteIndex === undefined
      ? roles[entry.data.role]
      : palette[entry.paletteIndex % palette.length]!;
  }

  private isDashed(entry: SeriesEntry): boolean {
    return (
      entry.data.role === 'compare' ||
      (entry.paletteIndex !== undefined && entry.paletteIndex >= this.theme.palette.length)
    );
  }

  private paintSwatch(entry: SeriesEntry): void {
    entry.swatch.style.color = this.colourOf(entry);
    entry.swatch.classList.toggle('loss-chart__swatch--dashed', this.isDashed(entry));
    const refSwatch = this.referenceItem.firstElementChild as HTMLElement | null;
    if (refSwatch) refSwatch.style.color = this.theme.reference;
  }

  // ---- drawing ----------------------------------------------------------------------------------

  /** Draws now; false when there is nothing to draw on (hidden, zero size, disposed). */
  private draw(): boolean {
    if (this.disposed || this.cssWidth < 1 || this.cssHeight < 1) return false;
    const started = performance.now();
    const dpr = this.root.ownerDocument.defaultView?.devicePixelRatio || 1;
    const pixelWidth = Math.round(this.cssWidth * dpr);
    const pixelHeight = Math.round(this.cssHeight * dpr);
    if (this.canvas.width !== pixelWidth || this.canvas.height !== pixelHeight) {
      this.canvas.width = pixelWidth;
      this.canvas.height = pixelHeight;
    }
    const ctx = this.ctx;
    const theme = this.theme;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssWidth, this.cssHeight);
    const fontPx = Math.max(11, Math.round(theme.fontSizePx * 0.92));
    ctx.font = `${fontPx}px ${theme.fontFamily}`;
    ctx.lineJoin = 'round';

    const visible = this.visibleSeries();
    const full = this.fullRange(visible);
    const [x0, x1] = this.view ?? full ?? [0, 1];
    this.shownRange = [x0, x1];
    const yRange = this.yRange(visible, x0, x1);
    const yScale = new AxisScale(this.yScale, yRange[0], yRange[1]);

    // Layout from the labels' measured widths, so long tick labels never overlap the y axis title.
    const yTicks =
      this.yScale === 'log' ? logTicks(yRange[0], yRange[1], 6) : linearTicks(yRange[0], yRange[1], 6);
    const yLabels = yTicks.values.map((v) => formatValue(v, this.yScale === 'log' ? undefined : yTicks.step));
    const yLabelWidth = Math.max(0, ...yLabels.map((s) => ctx.measureText(s).width));
    const lineGap = Math.round(fontPx * 0.5);
    const left = Math.ceil(fontPx + lineGap * 2 + yLabelWidth + 6);
    const bottom = Math.ceil(fontPx * 2 + lineGap * 3);
    const top = Math.ceil(fontPx * 0.75);
    const right = Math.ceil(fontPx * 1.5);
    const rect: Rect = {
      left,
      top,
      width: Math.max(10, this.cssWidth - left - right),
      height: Math.max(10, this.cssHeight - top - bottom),
    };
    this.plotRect = rect;
    const xTicks = this.xTicks(x0, x1, Math.max(2, Math.floor(rect.width / 90)));
    const xOf = (x: number): number => rect.left + ((x - x0) / (x1 - x0)) * rect.width;
    const yOf = (y: number): number => rect.top + (1 - yScale.fraction(y)) * rect.height;

    this.drawGridAndAxes(rect, xTicks, yTicks, yLabels, xOf, yOf, fontPx, lineGap);

    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.left, rect.top - 1, rect.width + 1, rect.height + 2);
    ctx.clip();
    if (!full) {
      ctx.fillStyle = theme.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('No loss values yet', rect.left + rect.width / 2, rect.top + rect.height / 2);
    }
    const columnCount = Math.max(1, Math.round(rect.width * dpr));
    for (const role of ROLE_ORDER) {
      for (const entry of visible) {
        if (entry.data.role === role) this.drawSeries(entry, x0, x1, columnCount, dpr, rect, xOf, yOf);
      }
    }
    if (this.reference) this.drawReference(this.reference, rect, yOf, fontPx);
    ctx.restore();

    if (this.view) {
      const hint = 'zoomed · double-click or 0 resets';
      this.textPatch(hint, rect.left + 4, rect.top + 2, fontPx);
      ctx.fillStyle = theme.muted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(hint, rect.left + 6, rect.top + 4);
    }
    this.updateLegendAndLabel(visible);
    this.drawCount++;
    this.lastDrawMs = performance.now() - started;
    return true;
  }

  private visibleSeries(): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const entry of this.series.values()) if (entry.visible && entry.data.length > 0) out.push(entry);
    return out;
  }

  private fullRange(visible: SeriesEntry[]): [number, number] | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (const { data } of visible) {
      const xs = data.xs(this.xAxis);
      lo = Math.min(lo, xs.get(0));
      hi = Math.max(hi, xs.get(data.length - 1));
    }
    if (!(hi >= lo)) return undefined;
    return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
  }

  /** The y extent of what is on screen (raw values, and the reference line), made nice. */
  private yRange(visible: SeriesEntry[], x0: number, x1: number): [number, number] {
    const log = this.yScale === 'log';
    let lo = Infinity;
    let hi = -Infinity;
    for (const { data } of visible) {
      // Exact min/max over the range does not depend on the column count; 64 keeps it cheap.
      const cols = decimateToColumns(
        {
          xs: data.xs(this.xAxis),
          ys: data.loss,
          length: data.length,
          pyramid: data.rawPyramid,
          x0,
          x1,
          columns: 64,
          positiveOnly: log,
        },
        this.extentColumns,
      );
      for (let c = 0; c < 64; c++) {
        if (cols.min[c]! < lo) lo = cols.min[c]!;
        if (cols.max[c]! > hi) hi = cols.max[c]!;
      }
    }
    if (this.reference && (!log || this.reference.value > 0)) {
      lo = Math.min(lo, this.reference.value);
      hi = Math.max(hi, this.reference.value);
    }
    if (!(hi >= lo)) return log ? [0.1, 1] : [0, 1];
    return log ? niceLogRange(lo, hi) : niceRange(lo, hi, 6);
  }

  private xTicks(x0: number, x1: number, target: number): { ticks: Ticks; labels: string[] } {
    const ticks = this.xAxis === 'time' ? timeTicks(x0, x1, target) : linearTicks(x0, x1, target);
    const labels = ticks.values.map((v) =>
      this.xAxis === 'time' ? formatDuration(v, ticks.step) : formatCount(v, ticks.step),
    );
    return { ticks, labels };
  }

  private drawGridAndAxes(
    rect: Rect,
    x: { ticks: Ticks; labels: string[] },
    yTicks: Ticks,
    yLabels: string[],
    xOf: (v: number) => number,
    yOf: (v: number) => number,
    fontPx: number,
    lineGap: number,
  ): void {
    const ctx = this.ctx;
    const theme = this.theme;
    const bottom = rect.top + rect.height;
    // Grid lines on half pixels stay one device pixel wide and crisp.
    const crisp = (v: number): number => Math.round(v) + 0.5;
    ctx.lineWidth = 1;
    ctx.strokeStyle = theme.grid;
    ctx.globalAlpha = theme.highContrast ? 0.8 : 0.45;
    ctx.beginPath();
    for (const v of yTicks.values) {
      const py = crisp(yOf(v));
      ctx.moveTo(rect.left, py);
      ctx.lineTo(rect.left + rect.width, py);
    }
    for (const v of x.ticks.values) {
      const px = crisp(xOf(v));
      ctx.moveTo(px, rect.top);
      ctx.lineTo(px, bottom);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;

    ctx.strokeStyle = theme.muted;
    ctx.beginPath();
    ctx.moveTo(crisp(rect.left), rect.top);
    ctx.lineTo(crisp(rect.left), crisp(bottom));
    ctx.lineTo(rect.left + rect.width, crisp(bottom));
    ctx.stroke();

    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    yTicks.values.forEach((v, i) => ctx.fillText(yLabels[i]!, rect.left - 6, yOf(v)));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    x.ticks.values.forEach((v, i) => ctx.fillText(x.labels[i]!, xOf(v), bottom + lineGap));

    ctx.fillStyle = theme.foreground;
    ctx.fillText(
      this.xAxis === 'time' ? 'time since start' : 'samples seen',
      rect.left + rect.width / 2,
      bottom + lineGap * 2 + fontPx,
    );
    ctx.save();
    ctx.translate(lineGap, rect.top + rect.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'top';
    ctx.fillText(this.yScale === 'log' ? 'loss (log scale)' : 'loss', 0, 0);
    ctx.restore();
  }

  private drawSeries(
    entry: SeriesEntry,
    x0: number,
    x1: number,
    columnCount: number,
    dpr: number,
    rect: Rect,
    xOf: (v: number) => number,
    yOf: (v: number) => number,
  ): void {
    const ctx = this.ctx;
    const { data } = entry;
    const colour = this.colourOf(entry);
    const smoothed = !SPARSE_ROLES.has(data.role) && this.smoothing > 0;
    const xs = data.xs(this.xAxis);
    const base = {
      xs,
      length: data.length,
      x0,
      x1,
      columns: columnCount,
      positiveOnly: this.yScale === 'log',
    };
    ctx.strokeStyle = colour;
    ctx.setLineDash(this.isDashed(entry) ? [6, 4] : []);
    const lineWidth = this.theme.highContrast ? 2 : 1.5;

    const raw = decimateToColumns({ ...base, ys: data.loss, pyramid: data.rawPyramid }, this.columns);
    // Faint raw line under the smoothed one, as TensorBoard shows it: the noise stays visible.
    ctx.globalAlpha = smoothed ? (this.theme.highContrast ? 0.45 : 0.28) : 1;
    // Where several points share a column the raw line is a zigzag of long vertical strokes. Any
    // width above one device pixel makes Skia outline that self-overlapping path (~20 ms a frame
    // in software rendering); a one-device-pixel hairline is drawn directly (~1 ms) and, that
    // dense, reads as a band anyway.
    const dense = raw.pointCount > columnCount;
    ctx.lineWidth = dense ? 1 / dpr : smoothed ? 1 : lineWidth;
    this.strokeColumns(raw, xs, data.loss, rect, dpr, xOf, yOf);
    if (smoothed) {
      const sm = decimateToColumns({ ...base, ys: data.smoothed, pyramid: data.smoothPyramid }, this.columns);
      ctx.globalAlpha = 1;
      ctx.lineWidth = lineWidth;
      // The trend line goes through each column's mean: one vertex per column, so it stays a clean
      // line (and cheap to stroke) however many noisy points a column holds.
      this.strokeColumnMeans(sm, xs, data.smoothed, rect, dpr, xOf, yOf);
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);

    if (SPARSE_ROLES.has(data.role) && raw.pointCount > 0 && raw.pointCount <= rect.width / 6) {
      ctx.fillStyle = colour;
      const ys = data.loss;
      const from = lowerBound(xs, data.length, x0);
      const to = upperBound(xs, data.length, x1);
      ctx.beginPath();
      for (let i = from; i < to; i++) {
        const py = yOf(ys.get(i));
        if (!Number.isFinite(py)) continue;
        const px = xOf(xs.get(i));
        ctx.moveTo(px + 2.5, py);
        ctx.arc(px, py, 2.5, 0, Math.PI * 2);
      }
      ctx.fill();
    }
  }

  /** One polyline through each column's first → min → max → last value (M4 decimation). */
  private strokeColumns(
    cols: ColumnBuffer,
    xs: IndexedValues,
    ys: IndexedValues,
    rect: Rect,
    dpr: number,
    xOf: (v: number) => number,
    yOf: (v: number) => number,
  ): void {
    const ctx = this.ctx;
    ctx.beginPath();
    const to = polylineTo(ctx);
    if (cols.before >= 0) to(xOf(xs.get(cols.before)), yOf(ys.get(cols.before)));
    const { first, last, min, max } = cols;
    for (let c = 0; c < first.length; c++) {
      const f = first[c]!;
      if (Number.isNaN(f)) continue;
      const px = rect.left + (c + 0.5) / dpr;
      to(px, yOf(f));
      if (min[c] !== max[c]) {
        to(px, yOf(min[c]!));
        to(px, yOf(max[c]!));
      }
      to(px, yOf(last[c]!));
    }
    if (cols.after >= 0) to(xOf(xs.get(cols.after)), yOf(ys.get(cols.after)));
    ctx.stroke();
  }

  private strokeColumnMeans(
    cols: ColumnBuffer,
    xs: IndexedValues,
    ys: IndexedValues,
    rect: Rect,
    dpr: number,
    xOf: (v: number) => number,
    yOf: (v: number) => number,
  ): void {
    const ctx = this.ctx;
    ctx.beginPath();
    const to = polylineTo(ctx);
    if (cols.before >= 0) to(xOf(xs.get(cols.before)), yOf(ys.get(cols.before)));
    const { sum, count } = cols;
    for (let c = 0; c < count.length; c++) {
      if (count[c]! > 0) to(rect.left + (c + 0.5) / dpr, yOf(sum[c]! / count[c]!));
    }
    if (cols.after >= 0) to(xOf(xs.get(cols.after)), yOf(ys.get(cols.after)));
    ctx.stroke();
  }

  private drawReference(
    ref: { value: number; label: string },
    rect: Rect,
    yOf: (v: number) => number,
    fontPx: number,
  ): void {
    const py = yOf(ref.value);
    if (!Number.isFinite(py)) return;
    const ctx = this.ctx;
    ctx.strokeStyle = this.theme.reference;
    ctx.lineWidth = this.theme.highContrast ? 2 : 1.25;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(rect.left, Math.round(py) + 0.5);
    ctx.lineTo(rect.left + rect.width, Math.round(py) + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
    const text = `${ref.label} ${formatValue(ref.value)}`;
    // Above the line unless that would leave the plot.
    const above = py - rect.top > fontPx + 8;
    const textWidth = ctx.measureText(text).width;
    const right = rect.left + rect.width - 6;
    const baseline = above ? py - 4 : py + 4;
    this.textPatch(text, right - textWidth - 3, above ? baseline - fontPx - 2 : baseline - 1, fontPx);
    ctx.fillStyle = this.theme.reference;
    ctx.textAlign = 'right';
    ctx.textBaseline = above ? 'bottom' : 'top';
    ctx.fillText(text, right, baseline);
  }

  /** A patch of the editor background behind a label, so it stays readable over a noise band. */
  private textPatch(text: string, left: number, top: number, fontPx: number): void {
    if (this.theme.background === 'transparent') return;
    const ctx = this.ctx;
    ctx.fillStyle = this.theme.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(left, top, ctx.measureText(text).width + 6, fontPx + 3);
    ctx.globalAlpha = 1;
  }

  private updateLegendAndLabel(visible: SeriesEntry[]): void {
    const parts: string[] = [];
    for (const entry of this.series.values()) {
      const last = entry.data.lastLoss;
      const text = Number.isFinite(last) ? formatValue(last) : '';
      if (entry.valueEl.textContent !== text) entry.valueEl.textContent = text;
      if (entry.visible && text) parts.push(`${entry.data.label} ${text}`);
    }
    const count = visible.reduce((n, e) => n + e.data.length, 0);
    const label = `Loss chart, ${count} points${parts.length ? `; latest: ${parts.join(', ')}` : ''}${this.view ? ' (zoomed)' : ''}`;
    if (this.plot.getAttribute('aria-label') !== label) this.plot.setAttribute('aria-label', label);
  }

  // ---- interaction ------------------------------------------------------------------------------

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const x = this.localX(e);
    const r = this.plotRect;
    if (x < r.left || x > r.left + r.width) return;
    this.drag = { pointerId: e.pointerId, startX: x, currentX: x };
    this.plot.setPointerCapture(e.pointerId);
    this.plot.focus();
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.drag || e.pointerId !== this.drag.pointerId) return;
    const r = this.plotRect;
    this.drag.currentX = Math.min(r.left + r.width, Math.max(r.left, this.localX(e)));
    const from = Math.min(this.drag.startX, this.drag.currentX);
    const width = Math.abs(this.drag.currentX - this.drag.startX);
    const s = this.selection.style;
    s.left = `${from}px`;
    s.width = `${width}px`;
    s.top = `${r.top}px`;
    s.height = `${r.height}px`;
    this.selection.classList.toggle('is-active', width >= MIN_DRAG_PX);
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag || e.pointerId !== drag.pointerId) return;
    this.cancelDrag();
    if (Math.abs(drag.currentX - drag.startX) < MIN_DRAG_PX) return;
    const a = this.xAtPixel(Math.min(drag.startX, drag.currentX));
    const b = this.xAtPixel(Math.max(drag.startX, drag.currentX));
    if (b > a) {
      this.view = [a, b];
      this.scheduleDraw();
    }
  }

  private cancelDrag(): void {
    if (this.drag && this.plot.hasPointerCapture(this.drag.pointerId))
      this.plot.releasePointerCapture(this.drag.pointerId);
    this.drag = undefined;
    this.selection.classList.remove('is-active');
  }

  private onKeyDown(e: KeyboardEvent): void {
    switch (e.key) {
      case '+':
      case '=':
        this.zoomBy(0.5);
        break;
      case '-':
      case '_':
        this.zoomBy(2);
        break;
      case '0':
        this.resetZoom();
        break;
      case 'ArrowLeft':
        this.panBy(-0.2);
        break;
      case 'ArrowRight':
        this.panBy(0.2);
        break;
      case 'Escape':
        if (!this.drag) return;
        this.cancelDrag();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private zoomBy(factor: number): void {
    const [a, b] = this.shownRange;
    const centre = (a + b) / 2;
    const half = ((b - a) * factor) / 2;
    this.setView(centre - half, centre + half);
  }

  private panBy(fraction: number): void {
    if (!this.view) return; // the whole range is already on screen
    const [a, b] = this.view;
    const shift = (b - a) * fraction;
    this.setView(a + shift, b + shift);
  }

  /** Clamps to the data; a view that covers all of it goes back to following the data. */
  private setView(a: number, b: number): void {
    const full = this.fullRange(this.visibleSeries());
    if (!full) return;
    const width = b - a;
    if (width >= full[1] - full[0]) {
      this.view = undefined;
    } else {
      if (a < full[0]) [a, b] = [full[0], full[0] + width];
      if (b > full[1]) [a, b] = [full[1] - width, full[1]];
      this.view = [a, b];
    }
    this.scheduleDraw();
  }

  private localX(e: PointerEvent): number {
    return e.clientX - this.plot.getBoundingClientRect().left;
  }

  private xAtPixel(px: number): number {
    const [a, b] = this.shownRange;
    return a + ((px - this.plotRect.left) / this.plotRect.width) * (b - a);
  }

  private listen(target: EventTarget, type: string, handler: (e: Event) => void): void {
    target.addEventListener(type, handler);
    this.cleanups.push(() => target.removeEventListener(type, handler));
  }
}

/** lineTo that starts the path on its first call and skips points a log scale cannot place. */
function polylineTo(ctx: CanvasRenderingContext2D): (px: number, py: number) => void {
  let started = false;
  return (px, py) => {
    if (!Number.isFinite(py)) return;
    if (started) ctx.lineTo(px, py);
    else {
      ctx.moveTo(px, py);
      started = true;
    }
  };
}

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  return node;
}
