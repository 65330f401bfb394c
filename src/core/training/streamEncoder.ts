// Online preprocessing, one row at a time in stream order: missing values (drop, or the running
// mean), one-hot slots assigned as categories appear (the first cap − 1 get their own column, later
// ones share "__other__"), running (Welford) standardisation, and the target as a value or a class.
// Also accumulates the normal equations of the raw data (linear models), from which the exact MSE of
// the final weights over the whole stream and the least-squares optimum follow without a second pass.
import type { RowChunk } from '../csv/types';
import { NormalEquations } from './closedForm';
import type { Task } from './task';
import {
  DEFAULT_CATEGORY_CAP,
  OTHER_CATEGORY,
  TrainingInputError,
  type OnlineLayout,
  type Preprocessing,
  type TrainConfig,
} from './types';

/** Largest number of classes an online softmax model allocates. */
export const MAX_ONLINE_CLASSES = 64;
/** Normal equations are kept up to this many encoded columns (their cost is quadratic). */
const MAX_NORMAL_EQUATION_COLUMNS = 64;
const POSITIVE_LABELS = new Set(['true', 'yes', 'y', '1', 't']);

interface FeatureSlots {
  start: number;
  kind: 'numeric' | 'category';
  width: number;
  /** Category code → slot offset (−1: not yet assigned). */
  slotOfCode: number[];
  slotNames: string[];
}

export class StreamEncoder {
  readonly columns: number;
  readonly normalEquations?: NormalEquations;
  private readonly slots: FeatureSlots[];
  private readonly raw: Float64Array;
  private readonly imputeSum: Float64Array;
  private readonly imputeCount: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private count = 0;
  /** Σ y² over the rows kept (a regression target): what predicting 0 everywhere would cost. */
  private targetSquares = 0;
  private frozen = false;
  private dropped = 0;
  private csvSkipped = 0;
  private classNames: string[] = [];
  private positiveCode = -1;
  private readonly labelSeen = new Uint8Array(MAX_ONLINE_CLASSES);
  private labelsSeen = 0;
  private readonly standardize: boolean;
  private readonly numericOnly: boolean;
  private readonly imputing: boolean;
  private readonly isCategory: Uint8Array;
  /** Offsets in the chunk of the rows `encodeNumeric` keeps. */
  private keptRows = new Int32Array(0);
  /** 1 / (rows so far) for each kept row of the chunk. */
  private inverseCounts = new Float64Array(0);
  /** The kept rows of a chunk with category features, raw (`encodeMixed`). */
  private rawRows = new Float64Array(0);

  constructor(
    private readonly layout: OnlineLayout,
    private readonly config: TrainConfig,
    private readonly task: Task,
    categoryCap = DEFAULT_CATEGORY_CAP,
  ) {
    if (task.kind === 'regression' && layout.targetKind !== 'numeric')
      throw new TrainingInputError(
        `target "${layout.target}" is not numeric; regression needs a numeric target (try --model logistic or softmax)`,
      );
    if (layout.features.length === 0) throw new TrainingInputError('no features to train on');
    let start = 0;
    this.slots = layout.features.map((name, i) => {
      const kind = layout.featureKinds[i];
      const width = kind === 'numeric' ? 1 : Math.max(2, categoryCap);
      const slot: FeatureSlots = {
        start,
        kind,
        width,
        slotOfCode: [],
        slotNames: kind === 'numeric' ? [name] : [],
      };
      start += width;
      return slot;
    });
    this.columns = start;
    this.raw = new Float64Array(this.columns);
    this.imputeSum = new Float64Array(layout.features.length);
    this.imputeCount = new Float64Array(layout.features.length);
    this.mean = new Float64Array(this.columns);
    this.m2 = new Float64Array(this.columns);
    this.standardize = config.normalize === 'standard';
    this.numericOnly = layout.featureKinds.every((kind) => kind === 'numeric');
    this.imputing = config.missing === 'mean';
    this.isCategory = Uint8Array.from(layout.featureKinds, (kind) => (kind === 'category' ? 1 : 0));
    if (task.loss === 'squared' && this.columns + 1 <= MAX_NORMAL_EQUATION_COLUMNS)
      this.normalEquations = new NormalEquations(this.columns, config.bias);
  }

  /** After the first pass the statistics are complete; later passes reuse them unchanged. */
  freeze(): void {
    this.frozen = true;
  }

  get rowsSkipped(): number {
    return this.dropped + this.csvSkipped;
  }

  get rowsUsed(): number {
    return this.count;
  }

  /** Mean of y² over the rows kept: the MSE of predicting 0 everywhere (regression). */
  get targetMeanSquare(): number {
    return this.targetSquares / Math.max(1, this.count);
  }

  /**
   * Encodes a chunk into `out` (grown as needed): rows of `columns` standardised features then the
   * target. Returns the buffer and the number of rows kept.
   */
  encode(chunk: RowChunk, out: Float32Array): { rows: Float32Array; count: number } {
    const width = this.layout.features.length + 1;
    if (chunk.width !== width)
      throw new Error(`chunk has ${chunk.width} columns, expected ${width} (features then target)`);
    const stride = this.columns + 1;
    if (out.length < chunk.rows * stride) out = new Float32Array(chunk.rows * stride);
    if (!this.frozen) this.csvSkipped = chunk.skippedRows;
    const { values } = chunk;
    const featureCount = this.layout.features.length;
    const columns = this.columns;
    const { raw, mean, m2 } = this;
    if (!this.imputing)
      return {
        rows: out,
        count: this.numericOnly ? this.encodeNumeric(chunk, out) : this.encodeMixed(chunk, out),
      };
    // Imputing (missing: mean): row by row, every row with a target kept.
    let kept = 0;
    for (let r = 0; r < chunk.rows; r++) {
      const base = r * width;
      const y = this.keptTarget(values[base + featureCount], chunk);
      if (y !== y) continue;
      if (this.numericOnly) {
        for (let f = 0; f < featureCount; f++) {
          const v = values[base + f];
          if (v === v) {
            raw[f] = v;
            if (!this.frozen) {
              this.imputeSum[f] += v;
              this.imputeCount[f]++;
            }
          } else raw[f] = this.imputeCount[f] > 0 ? this.imputeSum[f] / this.imputeCount[f] : 0;
        }
      } else {
        raw.fill(0);
        for (let f = 0; f < featureCount; f++) {
          const slot = this.slots[f];
          const v = values[base + f];
          if (slot.kind === 'numeric') {
            if (v !== v) {
              raw[slot.start] = this.imputeCount[f] > 0 ? this.imputeSum[f] / this.imputeCount[f] : 0;
            } else {
              raw[slot.start] = v;
              if (!this.frozen) {
                this.imputeSum[f] += v;
                this.imputeCount[f]++;
              }
            }
          } else if (v >= 0) {
            const offset = this.categorySlot(slot, v, chunk.categories[f]);
            if (offset >= 0) raw[slot.start + offset] = 1;
          }
        }
      }
      const out0 = kept * stride;
      if (!this.frozen) {
        const n = ++this.count;
        this.targetSquares += y * y;
        this.normalEquations?.add(raw, 0, y);
        if (this.standardize) {
          // Welford: the statistics include this row before it is standardised.
          const inverseN = 1 / n;
          for (let c = 0; c < columns; c++) {
            const delta = raw[c] - mean[c];
            mean[c] += delta * inverseN;
            m2[c] += delta * (raw[c] - mean[c]);
          }
        }
      }
      if (this.standardize) {
        const inverseN = 1 / this.count;
        for (let c = 0; c < columns; c++) {
          const std = Math.sqrt(m2[c] * inverseN);
          const m = mean[c];
          out[out0 + c] = (raw[c] - m) / standardScale(std, m);
        }
      } else {
        for (let c = 0; c < columns; c++) out[out0 + c] = raw[c];
      }
      out[out0 + columns] = y;
      kept++;
    }
    return { rows: out, count: kept };
  }

  /**
   * `encode` for numeric features without imputation, the common case, a column at a time: the
   * running statistics of a column stay in registers through the chunk instead of being read and
   * written back for every row (the same operations in the same order: the same numbers).
   */
  private encodeNumeric(chunk: RowChunk, out: Float32Array): number {
    const { values } = chunk;
    const featureCount = this.layout.features.length;
    const width = featureCount + 1;
    const columns = this.columns;
    const stride = columns + 1;
    const classification = this.task.kind === 'classification';
    if (this.keptRows.length < chunk.rows) this.keptRows = new Int32Array(chunk.rows);
    const keptRows = this.keptRows;
    // A regression target is the value itself (a call per row would box it: garbage).
    const targetAsIs = this.task.loss === 'squared';
    let kept = 0;
    rows: for (let r = 0; r < chunk.rows; r++) {
      const base = r * width;
      const y = targetAsIs
        ? values[base + featureCount]
        : this.encodeTarget(values[base + featureCount], chunk);
      if (y !== y) {
        if (!this.frozen) this.dropped++;
        continue;
      }
      for (let f = 0; f < featureCount; f++) {
        const v = values[base + f];
        if (v !== v) {
          if (!this.frozen) this.dropped++;
          continue rows;
        }
      }
      if (classification) this.countLabel(y);
      out[kept * stride + columns] = y;
      if (!this.frozen) this.targetSquares += y * y;
      keptRows[kept++] = base;
    }
    // A regression target is the value itself: the rows as they are (features, then the target).
    return this.encodeColumns(values, keptRows, kept, out);
  }

  /**
   * `encode` with category features and missing rows dropped: the rows kept are laid out raw
   * (one-hot slots filled, then the target) in row order, then encoded a column at a time as
   * `encodeNumeric` does: the same operations in the same order as the general path.
   */
  private encodeMixed(chunk: RowChunk, out: Float32Array): number {
    const { values } = chunk;
    const featureCount = this.layout.features.length;
    const width = featureCount + 1;
    const columns = this.columns;
    const stride = columns + 1;
    const classification = this.task.kind === 'classification';
    const { isCategory, slots } = this;
    if (this.keptRows.length < chunk.rows) this.keptRows = new Int32Array(chunk.rows);
    if (this.rawRows.length < chunk.rows * stride) this.rawRows = new Float64Array(chunk.rows * stride);
    const { keptRows, rawRows } = this;
    let kept = 0;
    rows: for (let r = 0; r < chunk.rows; r++) {
      const base = r * width;
      const y = this.encodeTarget(values[base + featureCount], chunk);
      if (y !== y) {
        if (!this.frozen) this.dropped++;
        continue;
      }
      for (let f = 0; f < featureCount; f++) {
        const v = values[base + f];
        if (v !== v || (isCategory[f] === 1 && v < 0)) {
          if (!this.frozen) this.dropped++;
          continue rows;
        }
      }
      if (classification) this.countLabel(y);
      const at = kept * stride;
      for (let c = 0; c < columns; c++) rawRows[at + c] = 0;
      for (let f = 0; f < featureCount; f++) {
        const slot = slots[f];
        const v = values[base + f];
        if (isCategory[f] === 0) rawRows[at + slot.start] = v;
        else {
          const known = slot.slotOfCode[v];
          const offset =
            known !== undefined && known >= 0 ? known : this.categorySlot(slot, v, chunk.categories[f]);
          if (offset >= 0) rawRows[at + slot.start + offset] = 1;
        }
      }
      rawRows[at + columns] = y;
      out[at + columns] = y;
      if (!this.frozen) this.targetSquares += y * y;
      keptRows[kept++] = at;
    }
    return this.encodeColumns(rawRows, keptRows, kept, out);
  }

  /**
   * The kept rows of `values` (row `k` at `keptRows[k]`: `columns` raw features, then the target)
   * into the normal equations and the running statistics, and standardised into `out`, a column at
   * a time. Returns `kept`.
   */
  private encodeColumns(values: Float64Array, keptRows: Int32Array, kept: number, out: Float32Array): number {
    const columns = this.columns;
    const stride = columns + 1;
    if (!this.frozen) this.normalEquations?.addRows(values, keptRows, kept);
    const countBefore = this.count;
    if (!this.frozen) this.count += kept;
    if (!this.standardize) {
      for (let k = 0; k < kept; k++) {
        const from = keptRows[k];
        const to = k * stride;
        for (let c = 0; c < columns; c++) out[to + c] = values[from + c];
      }
      return kept;
    }
    if (this.inverseCounts.length < kept) this.inverseCounts = new Float64Array(kept);
    const inverse = this.inverseCounts;
    for (let k = 0; k < kept; k++) inverse[k] = this.frozen ? 1 / this.count : 1 / (countBefore + k + 1);
    const { mean, m2 } = this;
    const learning = !this.frozen;
    // Two columns per pass: two independent Welford chains overlap in the pipeline.
    for (let c = 0; c < columns; c += 2) {
      const pair = c + 1 < columns;
      const d = pair ? c + 1 : c;
      let ma = mean[c];
      let sa = m2[c];
      let mb = mean[d];
      let sb = m2[d];
      for (let k = 0; k < kept; k++) {
        const from = keptRows[k];
        const inverseN = inverse[k];
        const xa = values[from + c];
        const xb = values[from + d];
        if (learning) {
          // Welford: the statistics include this row before it is standardised.
          const deltaA = xa - ma;
          ma += deltaA * inverseN;
          sa += deltaA * (xa - ma);
          const deltaB = xb - mb;
          mb += deltaB * inverseN;
          sb += deltaB * (xb - mb);
        }
        const stdA = Math.sqrt(sa * inverseN);
        const stdB = Math.sqrt(sb * inverseN);
        const to = k * stride;
        out[to + c] = (xa - ma) / standardScale(stdA, ma);
        if (pair) out[to + d] = (xb - mb) / standardScale(stdB, mb);
      }
      mean[c] = ma;
      m2[c] = sa;
      if (pair) {
        mean[d] = mb;
        m2[d] = sb;
      }
    }
    return kept;
  }

  private scaleOf(c: number): number {
    const n = this.count;
    const std = n > 0 ? Math.sqrt(this.m2[c] / n) : 0;
    return standardScale(std, this.mean[c]);
  }

  private categorySlot(slot: FeatureSlots, code: number, dictionary: string[] | undefined): number {
    const known = slot.slotOfCode[code];
    if (known !== undefined && known >= 0) return known;
    if (this.frozen) return slot.slotNames.length === slot.width ? slot.width - 1 : -1;
    const name = dictionary?.[code] ?? String(code);
    let offset: number;
    if (slot.slotNames.length < slot.width - 1) {
      offset = slot.slotNames.length;
      slot.slotNames.push(name);
    } else {
      offset = slot.width - 1;
      if (slot.slotNames.length < slot.width) slot.slotNames.push(OTHER_CATEGORY);
    }
    slot.slotOfCode[code] = offset;
    return offset;
  }

  /** The row's target encoded and its label counted; NaN (the row dropped, and counted) without one. */
  private keptTarget(value: number, chunk: RowChunk): number {
    const y = this.encodeTarget(value, chunk);
    if (y !== y) {
      if (!this.frozen) this.dropped++;
    } else if (this.task.kind === 'classification') this.countLabel(y);
    return y;
  }

  /** Only the labels of rows that are kept count (a class seen only on dropped rows is not one). */
  private countLabel(y: number): void {
    if (this.labelSeen[y] === 0) {
      this.labelSeen[y] = 1;
      this.labelsSeen++;
    }
  }

  /** NaN: the row has no usable target. */
  private encodeTarget(value: number, chunk: RowChunk): number {
    if (Number.isNaN(value) || (value < 0 && this.layout.targetKind === 'category')) return NaN;
    const { loss } = this.task;
    if (loss === 'squared') return value;
    const dictionary = chunk.categories[this.layout.features.length];
    if (loss === 'logistic') {
      if (this.layout.targetKind === 'numeric') {
        if (this.classNames.length === 0) this.classNames = ['0', '1'];
        if (value === 1) return 1;
        if (value === 0 || value === -1) return 0;
        throw new TrainingInputError(
          `target "${this.layout.target}" has the value ${value}; online logistic regression needs 0/1 labels`,
        );
      }
      if (value >= 2)
        throw new TrainingInputError(
          `target "${this.layout.target}" has more than two classes; logistic regression is binary (use --model softmax)`,
        );
      if (this.positiveCode < 0) {
        // Decided at the first label: "true"/"yes"/1-like names are the positive class.
        const first = dictionary?.[0] ?? '0';
        this.positiveCode = POSITIVE_LABELS.has(first.trim().toLowerCase()) ? 0 : 1;
      }
      if (this.classNames.length < 2 && (dictionary?.length ?? 0) >= 2)
        this.classNames = [dictionary![1 - this.positiveCode], dictionary![this.positiveCode]];
      else if (this.classNames.length === 0) this.classNames = [dictionary?.[0] ?? '0'];
      return value === this.positiveCode ? 1 : 0;
    }
    if (this.layout.targetKind === 'numeric' && (!Number.isInteger(value) || value < 0))
      throw new TrainingInputError(
        `target "${this.layout.target}" has the value ${value}; online softmax needs class codes 0, 1, 2, …`,
      );
    if (value >= MAX_ONLINE_CLASSES)
      throw new TrainingInputError(`target "${this.layout.target}" has over ${MAX_ONLINE_CLASSES} classes`);
    if (dictionary) {
      if (dictionary.length !== this.classNames.length)
        this.classNames = dictionary.slice(0, MAX_ONLINE_CLASSES);
    } else while (this.classNames.length <= value) this.classNames.push(String(this.classNames.length));
    return value;
  }

  /** Distinct labels met so far (a one-class target cannot be trained). */
  get distinctLabels(): number {
    return this.labelsSeen;
  }

  /** Classes in label order, as seen so far. */
  get classes(): string[] {
    return this.classNames;
  }

  /**
   * A numeric column (or the regression target) whose running statistics overflowed: it holds
   * values whose squares overflow a double (beyond about ±1.3e154), which no learning rate trains.
   */
  overflowedColumn(): string | undefined {
    const found = this.slots.findIndex(
      (slot) =>
        slot.kind === 'numeric' &&
        this.standardize &&
        !(Number.isFinite(this.m2[slot.start]) && Number.isFinite(this.mean[slot.start])),
    );
    if (found >= 0) return this.layout.features[found];
    return Number.isFinite(this.targetSquares) ? undefined : this.layout.target;
  }

  /** Encoded columns that ever received a value (unused one-hot slots are left out of reports). */
  usedColumns(): number[] {
    const used: number[] = [];
    for (const slot of this.slots) for (let i = 0; i < slot.slotNames.length; i++) used.push(slot.start + i);
    return used;
  }

  /** Final statistics, restricted to `usedColumns()`. */
  preprocessing(): Preprocessing {
    const used = this.usedColumns();
    const names: string[] = [];
    const categoryMaps: Record<string, string[]> = {};
    this.slots.forEach((slot, f) => {
      const column = this.layout.features[f];
      if (slot.kind === 'numeric') names.push(column);
      else {
        categoryMaps[column] = [...slot.slotNames];
        for (const n of slot.slotNames) names.push(`${column}=${n}`);
      }
    });
    const imputed: Record<string, number> = {};
    if (this.config.missing === 'mean')
      this.layout.features.forEach((name, f) => {
        if (this.slots[f].kind === 'numeric')
          imputed[name] = this.imputeCount[f] > 0 ? this.imputeSum[f] / this.imputeCount[f] : 0;
      });
    return {
      features: names,
      means: used.map((c) => (this.standardize ? this.mean[c] : 0)),
      scales: used.map((c) => (this.standardize ? this.scaleOf(c) : 1)),
      categoryMaps,
      ...(this.task.kind === 'classification' ? { targetClasses: this.classes } : {}),
      missing: this.config.missing,
      ...(this.config.missing === 'mean' ? { imputed } : {}),
    };
  }
}

/** A column's standard deviation as a divisor: 1 for a constant column (relative to its mean). */
function standardScale(std: number, mean: number): number {
  return std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
}
