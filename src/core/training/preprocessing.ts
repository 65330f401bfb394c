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

function isMissing(column: LoadedColumn, row: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[row]) : column.codes[row] < 0;
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
  const keptRows = new Int32Array(rows);
  let keptCount = 0;
  const dropOnMissing = config.missing === 'drop';
  for (let row = 0; row < rows; row++) {
    const t = target.valueAt(row);
    if (t !== t || (t < 0 && task.kind === 'classification')) continue;
    if (dropOnMissing && encoded.some((f) => isMissing(f.column, row))) continue;
    keptRows[keptCount++] = row;
  }
  const kept = keptRows.subarray(0, keptCount);
  const rowsSkipped = rows - kept.length;
  if (kept.length === 0)
    throw new TrainingInputError('no usable rows (every row misses the target or a feature)');

  // The validation split comes from a seeded shuffle, never from the file's tail.
  const rng = new SeededRandom(config.seed);
  const order = seededPermutation(kept.length, rng);
  const validRows =
    config.validationSplit > 0
      ? Math.min(kept.length - 1, Math.floor(kept.length * config.validationSplit))
      : 0;
  const trainRows = kept.length - validRows;
  // Each split keeps file order (the split itself is random): training without shuffling sees
  // rows in file order, and filling the matrix reads the columns sequentially, not at random.
  order.subarray(0, trainRows).sort();
  order.subarray(trainRows).sort();
  const rowOrder = new Uint32Array(kept.length);
  for (let i = 0; i < kept.length; i++) rowOrder[i] = kept[order[i]];

  // Mean imputation uses training-split means.
  const imputed: Record<string, number> = {};
  const imputeValue = new Float64Array(encoded.length);
  if (config.missing === 'mean') {
    encoded.forEach((f, index) => {
      if (f.column.kind !== 'numeric') return;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < trainRows; i++) {
        const v = f.column.values[rowOrder[i]];
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      imputeValue[index] = count > 0 ? sum / count : 0;
      imputed[f.column.name] = imputeValue[index];
    });
  }

  // Column by column: tight loops, no closure per row.
  const columns = encoded.reduce((sum, f) => sum + f.width, 0);
  const x = new Float32Array(kept.length * columns);
  const y = new Float32Array(kept.length * target.width);
  let offset = 0;
  encoded.forEach((f, index) => {
    if (f.column.kind === 'numeric') {
      const values = f.column.values;
      const fill = imputeValue[index];
      for (let i = 0; i < kept.length; i++) {
        const v = values[rowOrder[i]];
        x[i * columns + offset] = v === v ? v : fill;
      }
    } else {
      const codes = f.column.codes;
      const slotOfCode = f.slotOfCode!;
      // A missing category (mean policy) leaves every one-hot column at 0.
      for (let i = 0; i < kept.length; i++) {
        const code = codes[rowOrder[i]];
        if (code >= 0 && slotOfCode[code] >= 0) x[i * columns + offset + slotOfCode[code]] = 1;
      }
    }
    offset += f.width;
  });
  if (target.width === 1) for (let i = 0; i < kept.length; i++) y[i] = target.valueAt(rowOrder[i]);
  else for (let i = 0; i < kept.length; i++) y[i * target.width + target.valueAt(rowOrder[i])] = 1;

  // Standardisation statistics from the training split only; constant columns keep scale 1.
  const means = new Float64Array(columns);
  const scales = new Float64Array(columns).fill(1);
  if (config.normalize === 'standard') {
    for (let i = 0; i < trainRows; i++) {
      const base = i * columns;
      for (let c = 0; c < columns; c++) means[c] += x[base + c];
    }
    for (let c = 0; c < columns; c++) means[c] /= trainRows;
    const sumSquares = new Float64Array(columns);
    for (let i = 0; i < trainRows; i++) {
      const base = i * columns;
      for (let c = 0; c < columns; c++) {
        const d = x[base + c] - means[c];
        sumSquares[c] += d * d;
      }
    }
    for (let c = 0; c < columns; c++) {
      const std = Math.sqrt(sumSquares[c] / trainRows);
      scales[c] = std > 1e-12 * Math.max(1, Math.abs(means[c])) ? std : 1;
    }
    const inverse = scales.map((scale) => 1 / scale);
    for (let i = 0; i < kept.length; i++) {
      const base = i * columns;
      for (let c = 0; c < columns; c++) x[base + c] = (x[base + c] - means[c]) * inverse[c];
    }
  }

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
    rowsUsed: kept.length,
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
