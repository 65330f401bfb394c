// Batch preprocessing: missing values, one-hot encoding, the seeded validation split and
// standardisation with training-split statistics only (tfjs-examples boston-housing style).
import type { LoadedColumn } from '../csv/types';
import { SeededRandom, seededPermutation } from './rng';
import { checkClassCount, orderClasses, type Task } from './task';
import {
  DEFAULT_CATEGORY_CAP,
  OTHER_CATEGORY,
  TrainingInputError,
  type BatchData,
  type Preprocessing,
  type TrainConfig,
} from './types';

/** Row-major float32 design matrices and targets (`targetWidth` columns: 1, or K one-hot classes). */
export interface PreparedBatch {
  featureNames: string[];
  columns: number;
  targetWidth: number;
  trainX: Float32Array;
  trainY: Float32Array;
  trainRows: number;
  validX: Float32Array;
  validY: Float32Array;
  validRows: number;
  preprocessing: Preprocessing;
  rowsUsed: number;
  rowsSkipped: number;
}

interface EncodedFeature {
  column: LoadedColumn;
  /** Category: code → one-hot slot within this feature (the "other" slot for rare codes). */
  slotOfCode?: Int32Array;
  width: number;
  names: string[];
}

function columnLength(column: LoadedColumn): number {
  return column.kind === 'numeric' ? column.values.length : column.codes.length;
}

/** One-hot plan: the most frequent `cap − 1` categories get a column, the rest share "__other__". */
export function planCategories(
  column: Extract<LoadedColumn, { kind: 'category' }>,
  cap: number,
): EncodedFeature {
  const counts = new Float64Array(column.categories.length);
  for (const code of column.codes) if (code >= 0) counts[code]++;
  const used = [...counts.keys()].filter((code) => counts[code] > 0);
  // Most frequent first; ties keep first-appearance order, so the plan is deterministic.
  used.sort((a, b) => counts[b] - counts[a] || a - b);
  const capped = used.length > cap;
  const kept = capped ? used.slice(0, cap - 1) : used;
  const slotOfCode = new Int32Array(column.categories.length).fill(capped ? kept.length : -1);
  kept.forEach((code, slot) => (slotOfCode[code] = slot));
  const categoryNames = kept.map((code) => column.categories[code]);
  if (capped) categoryNames.push(OTHER_CATEGORY);
  return {
    column,
    slotOfCode,
    width: categoryNames.length,
    names: categoryNames.map((category) => `${column.name}=${category}`),
  };
}

/** Target → numbers: regression values, a 0/1 label, or one-hot classes. */
function encodeTarget(
  target: LoadedColumn,
  task: Task,
): { classes?: string[]; width: number; valueAt(row: number): number } {
  if (task.kind === 'regression') {
    if (target.kind !== 'numeric')
      throw new TrainingInputError(
        `target "${target.name}" is not numeric; regression needs a numeric target (try --model logistic or softmax)`,
      );
    return { width: 1, valueAt: (row) => target.values[row] };
  }
  let classes: string[];
  let classOfRow: (row: number) => number;
  if (target.kind === 'category') {
    const present = new Set<number>();
    for (const code of target.codes) if (code >= 0) present.add(code);
    classes = orderClasses([...present].map((code) => target.categories[code]));
    const classOfCode = new Int32Array(target.categories.length).fill(-1);
    classes.forEach((name, index) => (classOfCode[target.categories.indexOf(name)] = index));
    classOfRow = (row) => (target.codes[row] < 0 ? -1 : classOfCode[target.codes[row]]);
  } else {
    const distinct = new Set<number>();
    for (const value of target.values) {
      if (!Number.isNaN(value)) distinct.add(value);
      if (distinct.size > 1000)
        throw new TrainingInputError(
          `target "${target.name}" has over 1000 distinct values; classification needs a class column`,
        );
    }
    classes = orderClasses([...distinct].map(String));
    const index = new Map(classes.map((name, i) => [Number(name), i]));
    classOfRow = (row) => (Number.isNaN(target.values[row]) ? -1 : index.get(target.values[row])!);
  }
  checkClassCount(target.name, classes, task.loss);
  return { classes, width: task.loss === 'logistic' ? 1 : classes.length, valueAt: classOfRow };
}

/**
 * The rows to train on, in file order: those with a target and (when dropping) every feature;
 * undefined when that is every row (known from the columns' sums, without a pass over the rows).
 */
function keptRowsOf(
  encoded: EncodedFeature[],
  complete: boolean[],
  target: { valueAt(row: number): number },
  targetComplete: boolean,
  task: Task,
  missing: TrainConfig['missing'],
  rows: number,
): Int32Array | undefined {
  const dropping = missing === 'drop';
  if (targetComplete && (!dropping || complete.every(Boolean))) return undefined;
  // Missing features marked column by column: a tight loop per column, not a closure per cell.
  const missingFeature = new Uint8Array(dropping ? rows : 0);
  if (dropping)
    encoded.forEach(({ column }, index) => {
      if (complete[index]) return;
      if (column.kind === 'numeric') {
        const values = column.values;
        for (let row = 0; row < rows; row++) if (values[row] !== values[row]) missingFeature[row] = 1;
      } else {
        const codes = column.codes;
        for (let row = 0; row < rows; row++) if (codes[row] < 0) missingFeature[row] = 1;
      }
    });
  const keptRows = new Int32Array(rows);
  let keptCount = 0;
  for (let row = 0; row < rows; row++) {
    const t = target.valueAt(row);
    if (t !== t || (t < 0 && task.kind === 'classification')) continue;
    if (dropping && missingFeature[row] === 1) continue;
    keptRows[keptCount++] = row;
  }
  return keptRows.subarray(0, keptCount);
}

/**
 * Writes rows first..last of one numeric column into column `at` of the row-major matrix `x`;
 * missing cells read as `fill`, which is undefined for a column with none (no check per cell).
 */
function fillColumn(
  x: Float32Array,
  columns: number,
  at: number,
  values: Float32Array,
  order: Uint32Array | undefined,
  first: number,
  last: number,
  mean: number,
  scale: number,
  fill: number | undefined,
): void {
  if (fill === undefined)
    for (let i = first; i < last; i++)
      x[i * columns + at] = (values[order === undefined ? i : order[i]] - mean) * scale;
  else
    for (let i = first; i < last; i++) {
      const v = values[order === undefined ? i : order[i]];
      x[i * columns + at] = ((v === v ? v : fill) - mean) * scale;
    }
}

/** Bytes of the matrix filled per block of rows (see prepareBatch). */
const FILL_BLOCK_BYTES = 32 * 1024;

/**
 * Mean and scale of a numeric column over the first `rows` of `order` (missing cells → `fill`);
 * without an order, over its first `rows` rows. A column with no missing cell (`complete`) is
 * summed without a check on each cell: the check made the loops 4× slower here.
 */
function numericStatistics(
  values: Float32Array,
  order: Uint32Array | undefined,
  rows: number,
  fill: number,
  complete: boolean,
): [number, number] {
  const mean = (complete ? sumOf(values, order, rows) : sumFilled(values, order, rows, fill, 0, 1)) / rows;
  const squares = complete
    ? squaresAbout(values, order, rows, mean)
    : sumFilled(values, order, rows, fill, mean, 2);
  return [mean, scaleOf(squares / rows, mean)];
}

// One loop per function below: V8 optimises a long loop while it runs, and code after it that has
// not run yet sends the call back to the interpreter (with both loops in one function, and the
// checks inside them, these statistics took 6× their time).

function sumOf(values: Float32Array, order: Uint32Array | undefined, rows: number): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += values[order === undefined ? i : order[i]];
  return sum;
}

function squaresAbout(
  values: Float32Array,
  order: Uint32Array | undefined,
  rows: number,
  mean: number,
): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const d = values[order === undefined ? i : order[i]] - mean;
    sum += d * d;
  }
  return sum;
}

/** Σ (v − centre)^power, power 1 or 2, with missing cells read as `fill`. */
function sumFilled(
  values: Float32Array,
  order: Uint32Array | undefined,
  rows: number,
  fill: number,
  centre: number,
  power: 1 | 2,
): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[order === undefined ? i : order[i]];
    const d = (v === v ? v : fill) - centre;
    sum += power === 1 ? d : d * d;
  }
  return sum;
}

/**
 * Whether a numeric column has a missing (NaN) cell; one with an infinite value (beyond the
 * float32 range, ±3.4e38, it was read as ±Infinity) is refused here, naming the column: its
 * training would only overflow. Its plain sum of squares is NaN only with a missing cell (the scan
 * then finds it) and infinite only with an infinite value; summing is 4× faster than checking
 * each cell.
 */
function hasMissing(values: Float32Array, name: string): boolean {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < values.length; i += 2) {
    s0 += values[i] * values[i];
    s1 += values[i + 1] * values[i + 1];
  }
  if (i < values.length) s0 += values[i] * values[i];
  const squares = s0 + s1;
  if (squares === Infinity || (squares !== squares && values.some((v) => Math.abs(v) === Infinity)))
    throw new TrainingInputError(
      `column "${name}" has a value too large to train on (beyond ±3.4e38, the float32 range); rescale the column or remove that row`,
    );
  if (squares === squares) return false;
  for (let row = 0; row < values.length; row++) if (values[row] !== values[row]) return true;
  return false;
}

/** The same for one one-hot column: 1 where the row's category has this slot, else 0. */
function oneHotStatistics(
  codes: Int32Array,
  slotOfCode: Int32Array,
  slot: number,
  order: Uint32Array | undefined,
  rows: number,
): [number, number] {
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const code = codes[order === undefined ? i : order[i]];
    if (code >= 0 && slotOfCode[code] === slot) sum += 1;
  }
  const mean = sum / rows;
  let squares = 0;
  for (let i = 0; i < rows; i++) {
    const code = codes[order === undefined ? i : order[i]];
    const d = (code >= 0 && slotOfCode[code] === slot ? 1 : 0) - mean;
    squares += d * d;
  }
  return [mean, scaleOf(squares / rows, mean)];
}

/** Standard deviation, or 1 for a constant column. */
function scaleOf(variance: number, mean: number): number {
  const std = Math.sqrt(variance);
  return std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
}

export function prepareBatch(
  data: BatchData,
  config: TrainConfig,
  task: Task,
  categoryCap = DEFAULT_CATEGORY_CAP,
): PreparedBatch {
  const rows = columnLength(data.target);
  for (const feature of data.features)
    if (columnLength(feature) !== rows)
      throw new TrainingInputError(
        `column "${feature.name}" has ${columnLength(feature)} rows, the target ${rows}`,
      );
  if (data.features.length === 0) throw new TrainingInputError('no features to train on');

  const encoded: EncodedFeature[] = data.features.map((column) =>
    column.kind === 'numeric'
      ? { column, width: 1, names: [column.name] }
      : planCategories(column, Math.max(2, categoryCap)),
  );
  const target = encodeTarget(data.target, task);

  // Rows kept: target present, and (when dropping) every feature present.
  const complete = encoded.map(
    ({ column }) => column.kind === 'numeric' && !hasMissing(column.values, column.name),
  );
  // A regression target with no missing value is kept whole (a class target is checked per row).
  const targetComplete =
    task.kind === 'regression' &&
    data.target.kind === 'numeric' &&
    !hasMissing(data.target.values, data.target.name);
  const kept = keptRowsOf(encoded, complete, target, targetComplete, task, config.missing, rows);
  const keptCount = kept?.length ?? rows;
  const rowsSkipped = rows - keptCount;
  if (keptCount === 0)
    throw new TrainingInputError('no usable rows (every row misses the target or a feature)');

  // The validation split comes from a seeded shuffle, never from the file's tail.
  const validRows =
    config.validationSplit > 0 ? Math.min(keptCount - 1, Math.floor(keptCount * config.validationSplit)) : 0;
  const trainRows = keptCount - validRows;
  // Each split keeps file order (the split itself is random): training without shuffling sees
  // rows in file order, and filling the matrix reads the columns sequentially, not at random.
  // Without a validation split that order is the file's (no permutation to draw and sort back).
  // Every row kept and no split: the order is the file's, and no order array is made (the loops
  // below then read the columns directly).
  let rowOrder: Uint32Array | undefined;
  if (validRows > 0) {
    const order = seededPermutation(keptCount, new SeededRandom(config.seed));
    order.subarray(0, trainRows).sort();
    order.subarray(trainRows).sort();
    if (kept) for (let i = 0; i < keptCount; i++) order[i] = kept[order[i]];
    rowOrder = order;
  } else if (kept) rowOrder = Uint32Array.from(kept);

  // Mean imputation uses training-split means.
  const imputed: Record<string, number> = {};
  const imputeValue = new Float64Array(encoded.length);
  if (config.missing === 'mean') {
    encoded.forEach((f, index) => {
      if (f.column.kind !== 'numeric') return;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < trainRows; i++) {
        const v = f.column.values[rowOrder === undefined ? i : rowOrder[i]];
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      imputeValue[index] = count > 0 ? sum / count : 0;
      imputed[f.column.name] = imputeValue[index];
    });
  }

  // Statistics first, from the columns (training split only; constant columns keep scale 1), then
  // one row-major pass that writes every row already standardised: the matrix is written once and
  // never re-read here (filling it column by column, then standardising it in place, crossed the
  // whole matrix 16 + 3 times for 16 features).
  const columns = encoded.reduce((sum, f) => sum + f.width, 0);
  const standardize = config.normalize === 'standard';
  const means = new Float64Array(columns);
  const scales = new Float64Array(columns).fill(1);
  const offsets: number[] = [];
  encoded.reduce((offset, f) => (offsets.push(offset), offset + f.width), 0);
  // Cell values as the matrix holds them (float32), so the statistics are those of the matrix.
  const fills = encoded.map((_, index) => Math.fround(imputeValue[index]));
  if (standardize)
    encoded.forEach((f, index) => {
      const column = f.column;
      const at = offsets[index];
      if (column.kind === 'numeric') {
        const [mean, scale] = numericStatistics(
          column.values,
          rowOrder,
          trainRows,
          fills[index],
          complete[index],
        );
        means[at] = mean;
        scales[at] = scale;
      } else
        for (let slot = 0; slot < f.width; slot++) {
          const [mean, scale] = oneHotStatistics(column.codes, f.slotOfCode!, slot, rowOrder, trainRows);
          means[at + slot] = mean;
          scales[at + slot] = scale;
        }
    });
  const inverse = scales.map((scale) => 1 / scale);

  const x = new Float32Array(keptCount * columns);
  const y = new Float32Array(keptCount * target.width);
  const numeric = encoded.flatMap((f, index) =>
    f.column.kind === 'numeric'
      ? [{ values: f.column.values, at: offsets[index], fill: fills[index], complete: complete[index] }]
      : [],
  );
  const numericValues = numeric.map((n) => n.values);
  const numericAt = Int32Array.from(numeric, (n) => n.at);
  const numericFill = Float64Array.from(numeric, (n) => n.fill);
  const numericComplete = numeric.map((n) => n.complete);
  const categorical = encoded.flatMap((f, index) =>
    f.column.kind === 'category'
      ? [{ codes: f.column.codes, slotOfCode: f.slotOfCode!, at: offsets[index], width: f.width }]
      : [],
  );
  // Numeric columns by blocks of rows: each column is read sequentially while the block's rows
  // (32 KB) stay in cache between columns.
  const blockRows = Math.max(1, Math.floor(FILL_BLOCK_BYTES / (4 * columns)));
  for (let first = 0; first < keptCount; first += blockRows) {
    const last = Math.min(keptCount, first + blockRows);
    for (let k = 0; k < numericValues.length; k++) {
      const values = numericValues[k];
      const at = numericAt[k];
      const fill = numericFill[k];
      const mean = standardize ? means[at] : 0;
      const scale = standardize ? inverse[at] : 1;
      fillColumn(
        x,
        columns,
        at,
        values,
        rowOrder,
        first,
        last,
        mean,
        scale,
        numericComplete[k] ? undefined : fill,
      );
    }
  }
  for (let i = 0; categorical.length > 0 && i < keptCount; i++) {
    const row = rowOrder === undefined ? i : rowOrder[i];
    const base = i * columns;
    for (let k = 0; k < categorical.length; k++) {
      const { codes, slotOfCode, at, width } = categorical[k];
      const code = codes[row];
      // A missing category (mean policy) leaves every one-hot column at 0.
      const hot = code >= 0 ? slotOfCode[code] : -1;
      for (let slot = 0; slot < width; slot++) {
        const value = slot === hot ? 1 : 0;
        x[base + at + slot] = standardize ? (value - means[at + slot]) * inverse[at + slot] : value;
      }
    }
  }
  const rowAt = (i: number) => (rowOrder === undefined ? i : rowOrder[i]);
  if (target.width === 1) for (let i = 0; i < keptCount; i++) y[i] = target.valueAt(rowAt(i));
  else for (let i = 0; i < keptCount; i++) y[i * target.width + target.valueAt(rowAt(i))] = 1;

  const categoryMaps: Record<string, string[]> = {};
  for (const f of encoded)
    if (f.column.kind === 'category')
      categoryMaps[f.column.name] = f.names.map((n) => n.slice(f.column.name.length + 1));
  const featureNames = encoded.flatMap((f) => f.names);
  return {
    featureNames,
    columns,
    targetWidth: target.width,
    trainX: x.subarray(0, trainRows * columns),
    trainY: y.subarray(0, trainRows * target.width),
    trainRows,
    validX: x.subarray(trainRows * columns),
    validY: y.subarray(trainRows * target.width),
    validRows,
    rowsUsed: keptCount,
    rowsSkipped,
    preprocessing: {
      features: featureNames,
      means: Array.from(means),
      scales: Array.from(scales),
      categoryMaps,
      ...(target.classes ? { targetClasses: target.classes } : {}),
      missing: config.missing,
      ...(config.missing === 'mean' ? { imputed } : {}),
    },
  };
}
