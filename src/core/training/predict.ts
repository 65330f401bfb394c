// A saved run's model applied to new rows, with exactly the preprocessing of training: missing
// values per the report's policy (`mean`: the imputed training means; `drop`: no prediction for the
// row), one-hot maps with the "__other__" slot for categories training did not give a column, and
// standardisation (MLP inputs; linear models carry it in their original-unit weights). Pure float64
// arithmetic, no tfjs: the CLI and both extension hosts share it, and it streams chunk by chunk.
import type { RunReport } from '../report';
import type { ColumnRequest, RowChunk } from '../csv/types';
import { OTHER_CATEGORY } from './types';

/** The report is valid JSON for the schema but its model and preprocessing do not fit together. */
export class ReportModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportModelError';
  }
}

/** regression: a value in the target's units; binary: logistic; multiclass: softmax (and MLP classifiers). */
export type PredictionKind = 'regression' | 'binary' | 'multiclass';

/** Predictions for one chunk of rows, in row order. */
export interface PredictionBlock {
  rows: number;
  /** Regression: ŷ. Binary: P(classes[1]). Multiclass: the probability of the predicted class. NaN: no prediction. */
  values: Float64Array;
  /** Classification: index into `classes` of the predicted class; −1 for no prediction. */
  classIndex: Int32Array;
  /** Rows left without a prediction (a missing feature under the `drop` policy). */
  missing: number;
}

interface NumericInput {
  kind: 'numeric';
  name: string;
  /** Encoded column. */
  column: number;
  /** NaN: drop the row when the value is missing. */
  fill: number;
}

interface CategoryInput {
  kind: 'category';
  name: string;
  slotOfCategory: Map<string, number>;
  /** Encoded column of "__other__", or −1 when training gave every category its own column. */
  otherColumn: number;
  /** Per chunk-dictionary code, the encoded column (−1: none); extended as the dictionary grows. */
  columnOfCode: number[];
}

type FeatureInput = NumericInput | CategoryInput;

interface DenseLayer {
  inputs: number;
  outputs: number;
  /** Row-major [inputs × outputs]. */
  weights: Float64Array;
  bias: Float64Array;
  activation: 'linear' | 'relu' | 'tanh';
}

export class Predictor {
  readonly kind: PredictionKind;
  /** The report's class names, in the model's output order (classification). */
  readonly classes: readonly string[];
  /** The columns to read from a CSV, in the order of the chunks' values. */
  readonly requests: ColumnRequest[];
  private readonly inputs: FeatureInput[];
  private readonly encodedWidth: number;
  private readonly means: Float64Array;
  private readonly inverseScales: Float64Array;
  private readonly standardize: boolean;
  private readonly dropMissingCategory: boolean;
  private readonly layers: DenseLayer[];
  private readonly x: Float64Array;
  private readonly activations: Float64Array[];

  private constructor(
    kind: PredictionKind,
    classes: string[],
    inputs: FeatureInput[],
    encodedWidth: number,
    standardization: { means: number[]; scales: number[] } | undefined,
    layers: DenseLayer[],
    missing: 'drop' | 'mean',
  ) {
    this.dropMissingCategory = missing === 'drop';
    this.kind = kind;
    this.classes = classes;
    this.inputs = inputs;
    this.requests = inputs.map((input) => ({ name: input.name, kind: input.kind }));
    this.encodedWidth = encodedWidth;
    this.standardize = standardization !== undefined;
    this.means = Float64Array.from(standardization?.means ?? []);
    this.inverseScales = Float64Array.from(standardization?.scales ?? [], (s) => 1 / s);
    this.layers = layers;
    this.x = new Float64Array(encodedWidth);
    this.activations = layers.map((layer) => new Float64Array(layer.outputs));
  }

  /** From a report that passed `validateReport`; a model that does not fit its preprocessing throws ReportModelError. */
  static fromReport(report: RunReport): Predictor {
    const { preprocessing, model, dataset } = report;
    const fail = (message: string): never => {
      throw new ReportModelError(message);
    };
    const encoded = preprocessing.features;
    if (preprocessing.means.length !== encoded.length || preprocessing.scales.length !== encoded.length)
      fail(
        `preprocessing has ${encoded.length} features but ${preprocessing.means.length} means and ${preprocessing.scales.length} scales`,
      );
    if (preprocessing.scales.some((s) => s <= 0)) fail('preprocessing has a scale that is not positive');
    const indexOf = new Map(encoded.map((name, i) => [name, i]));
    const categoryMaps = new Map(Object.entries(preprocessing.categoryMaps));
    const imputed = new Map(Object.entries(preprocessing.imputed ?? {}));
    const inputs: FeatureInput[] = dataset.features.map((name) => {
      const categories = categoryMaps.get(name);
      if (categories === undefined) {
        const column = indexOf.get(name) ?? fail(`feature "${name}" is not among the preprocessed features`);
        const fill =
          preprocessing.missing === 'mean'
            ? (imputed.get(name) ?? fail(`no imputed value for feature "${name}" (missing policy "mean")`))
            : NaN;
        return { kind: 'numeric', name, column, fill };
      }
      const slotOfCategory = new Map<string, number>();
      for (const category of categories)
        slotOfCategory.set(
          category,
          indexOf.get(`${name}=${category}`) ?? fail(`one-hot column "${name}=${category}" is missing`),
        );
      const otherColumn = slotOfCategory.get(OTHER_CATEGORY) ?? -1;
      return { kind: 'category', name, slotOfCategory, otherColumn, columnOfCode: [] };
    });
    const classes = preprocessing.targetClasses ?? [];

    if (model.type === 'mlp') {
      const raw = model.layers ?? fail('the MLP has no layers');
      if (raw.length === 0) fail('the MLP has no layers');
      const layers = raw.map((layer, i) => denseLayer(layer, i, fail));
      for (let i = 1; i < layers.length; i++)
        if (layers[i].inputs !== layers[i - 1].outputs)
          fail(
            `MLP layer ${i + 1} takes ${layers[i].inputs} inputs, layer ${i} gives ${layers[i - 1].outputs}`,
          );
      layers[0] = firstLayerOverEncoded(layers[0], inputs, encoded.length, categoryMaps, fail);
      const outputs = layers[layers.length - 1].outputs;
      const kind: PredictionKind = classes.length > 0 ? 'multiclass' : 'regression';
      if (kind === 'regression' ? outputs !== 1 : outputs !== classes.length)
        fail(
          `the MLP has ${outputs} outputs for ${kind === 'regression' ? 'one value' : `${classes.length} classes`}`,
        );
      return new Predictor(
        kind,
        classes,
        inputs,
        encoded.length,
        preprocessing,
        layers,
        preprocessing.missing,
      );
    }

    // GLMs: weights in the original units, so no standardisation at prediction time.
    const weightOf = (weights: Record<string, number>, owner: string) => {
      const byName = new Map(Object.entries(weights));
      return Float64Array.from(
        encoded,
        (name) => byName.get(name) ?? fail(`${owner} has no weight for feature "${name}"`),
      );
    };
    if (model.type === 'softmax') {
      if (classes.length < 2) fail('a softmax model needs at least two target classes');
      const classWeights = new Map(Object.entries(model.classWeights ?? {}));
      const classBias = new Map(Object.entries(model.classBias ?? {}));
      const k = classes.length;
      const weights = new Float64Array(encoded.length * k);
      const bias = new Float64Array(k);
      classes.forEach((name, c) => {
        const perClass = weightOf(
          classWeights.get(name) ?? fail(`no weights for class "${name}"`),
          `class "${name}"`,
        );
        perClass.forEach((w, j) => (weights[j * k + c] = w));
        bias[c] = classBias.get(name) ?? fail(`no bias for class "${name}"`);
      });
      const layer: DenseLayer = { inputs: encoded.length, outputs: k, weights, bias, activation: 'linear' };
      return new Predictor(
        'multiclass',
        classes,
        inputs,
        encoded.length,
        undefined,
        [layer],
        preprocessing.missing,
      );
    }
    if (model.type === 'logistic' && classes.length !== 2)
      fail(`a logistic model needs two target classes (the report has ${classes.length})`);
    const layer: DenseLayer = {
      inputs: encoded.length,
      outputs: 1,
      weights: weightOf(model.weights, 'the model'),
      bias: Float64Array.of(model.bias),
      activation: 'linear',
    };
    const kind: PredictionKind = model.type === 'logistic' ? 'binary' : 'regression';
    return new Predictor(kind, classes, inputs, encoded.length, undefined, [layer], preprocessing.missing);
  }

  /** Predictions for a chunk whose values hold `requests`, in order (as `readRowChunks` gives them). */
  predict(chunk: RowChunk): PredictionBlock {
    const width = this.inputs.length;
    if (chunk.width !== width) throw new Error(`chunk has ${chunk.width} columns, expected ${width}`);
    this.extendCategoryCodes(chunk);
    const values = new Float64Array(chunk.rows);
    const classIndex = new Int32Array(chunk.rows).fill(-1);
    let missing = 0;
    const x = this.x;
    rows: for (let r = 0; r < chunk.rows; r++) {
      x.fill(0);
      const base = r * width;
      for (let f = 0; f < width; f++) {
        const input = this.inputs[f];
        const v = chunk.values[base + f];
        if (input.kind === 'numeric') {
          if (v === v) x[input.column] = v;
          else if (input.fill === input.fill) x[input.column] = input.fill;
          else {
            values[r] = NaN;
            missing++;
            continue rows;
          }
        } else if (v >= 0) {
          const column = input.columnOfCode[v];
          if (column >= 0) x[column] = 1;
        } else if (this.dropMissingCategory) {
          values[r] = NaN;
          missing++;
          continue rows;
        }
        // A missing category under the mean policy leaves every one-hot column at 0, as in training.
      }
      this.forward(r, values, classIndex);
    }
    return { rows: chunk.rows, values, classIndex, missing };
  }

  private forward(r: number, values: Float64Array, classIndex: Int32Array): void {
    let h = this.x;
    if (this.standardize) {
      const { means, inverseScales } = this;
      for (let c = 0; c < this.encodedWidth; c++) h[c] = (h[c] - means[c]) * inverseScales[c];
    }
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const out = this.activations[l];
      const { inputs, outputs, weights, bias } = layer;
      out.set(bias);
      for (let i = 0; i < inputs; i++) {
        const xi = h[i];
        if (xi === 0) continue;
        const row = i * outputs;
        for (let o = 0; o < outputs; o++) out[o] += xi * weights[row + o];
      }
      if (layer.activation === 'relu') for (let o = 0; o < outputs; o++) out[o] = out[o] > 0 ? out[o] : 0;
      else if (layer.activation === 'tanh') for (let o = 0; o < outputs; o++) out[o] = Math.tanh(out[o]);
      h = out;
    }
    if (this.kind === 'regression') {
      values[r] = h[0];
    } else if (this.kind === 'binary') {
      const p = 1 / (1 + Math.exp(-h[0]));
      values[r] = p;
      classIndex[r] = p >= 0.5 ? 1 : 0;
    } else {
      let best = 0;
      for (let k = 1; k < h.length; k++) if (h[k] > h[best]) best = k;
      let sum = 0;
      for (let k = 0; k < h.length; k++) sum += Math.exp(h[k] - h[best]);
      values[r] = 1 / sum;
      classIndex[r] = best;
    }
  }

  /** Maps codes of the chunk's category dictionaries (which only grow) to encoded columns. */
  private extendCategoryCodes(chunk: RowChunk): void {
    this.inputs.forEach((input, f) => {
      if (input.kind !== 'category') return;
      const dictionary = chunk.categories[f] ?? [];
      for (let code = input.columnOfCode.length; code < dictionary.length; code++)
        input.columnOfCode.push(input.slotOfCategory.get(dictionary[code]) ?? input.otherColumn);
    });
  }

  /** The predictions CSV's header (`row` is the 1-based data row of the input). */
  csvHeader(): string {
    const columns =
      this.kind === 'regression'
        ? ['row', 'prediction']
        : this.kind === 'binary'
          ? ['row', 'prediction', `probability_${this.classes[1]}`]
          : ['row', 'prediction', 'probability'];
    return columns.map(csvField).join(',') + '\n';
  }

  /** The block as CSV lines; `firstRow` is the 1-based data row of its first row. Empty fields: no prediction. */
  csvRows(block: PredictionBlock, firstRow: number): string {
    const quoted = this.classes.map(csvField);
    let text = '';
    for (let r = 0; r < block.rows; r++) {
      const value = block.values[r];
      const row = firstRow + r;
      if (value !== value) text += this.kind === 'regression' ? `${row},\n` : `${row},,\n`;
      else if (this.kind === 'regression') text += `${row},${value}\n`;
      else text += `${row},${quoted[block.classIndex[r]]},${value}\n`;
    }
    return text;
  }
}

function denseLayer(
  layer: { weights: number[][]; bias: number[]; activation: string },
  index: number,
  fail: (message: string) => never,
): DenseLayer {
  const inputs = layer.weights.length;
  const outputs = layer.bias.length;
  if (inputs === 0 || outputs === 0) fail(`MLP layer ${index + 1} is empty`);
  if (layer.weights.some((row) => row.length !== outputs))
    fail(`MLP layer ${index + 1} has weight rows of a length other than its ${outputs} outputs`);
  const activation = layer.activation;
  if (activation !== 'linear' && activation !== 'relu' && activation !== 'tanh')
    fail(`MLP layer ${index + 1} has the unknown activation "${activation}"`);
  const weights = new Float64Array(inputs * outputs);
  layer.weights.forEach((row, i) => weights.set(row, i * outputs));
  return {
    inputs,
    outputs,
    weights,
    bias: Float64Array.from(layer.bias),
    activation: activation as DenseLayer['activation'],
  };
}

/**
 * The first layer's rows as encoded columns. A batch MLP has one row per encoded column. An online
 * MLP allocated `cap` one-hot rows per categorical feature before knowing its categories, and the
 * report keeps only those that received a category: the unused rows only ever saw 0 and are dropped.
 */
function firstLayerOverEncoded(
  layer: DenseLayer,
  inputs: FeatureInput[],
  encodedWidth: number,
  categoryMaps: Map<string, string[]>,
  fail: (message: string) => never,
): DenseLayer {
  if (layer.inputs === encodedWidth) return layer;
  const numeric = inputs.filter((input) => input.kind === 'numeric').length;
  const categorical = inputs.length - numeric;
  const cap = categorical > 0 ? (layer.inputs - numeric) / categorical : NaN;
  if (
    !Number.isInteger(cap) ||
    inputs.some((i) => i.kind === 'category' && categoryMaps.get(i.name)!.length > cap)
  )
    fail(`the MLP takes ${layer.inputs} inputs, the preprocessing gives ${encodedWidth}`);
  const weights = new Float64Array(encodedWidth * layer.outputs);
  const copyRow = (from: number, to: number) =>
    weights.set(layer.weights.subarray(from * layer.outputs, (from + 1) * layer.outputs), to * layer.outputs);
  let row = 0;
  for (const input of inputs) {
    if (input.kind === 'numeric') copyRow(row++, input.column);
    else {
      categoryMaps
        .get(input.name)!
        .forEach((category, j) => copyRow(row + j, input.slotOfCategory.get(category)!));
      row += cap;
    }
  }
  return { ...layer, inputs: encodedWidth, weights };
}

export interface PredictionSummary {
  /** Input rows read. */
  rows: number;
  /** Rows without a prediction: a missing feature under the report's `drop` policy. */
  missing: number;
}

/** The predictions CSV, header first, one line per input row in order; counts into `summary` as it goes. */
export async function* predictionLines(
  predictor: Predictor,
  chunks: AsyncIterable<RowChunk>,
  summary: PredictionSummary,
): AsyncGenerator<string> {
  yield predictor.csvHeader();
  for await (const chunk of chunks) {
    const block = predictor.predict(chunk);
    const firstRow = summary.rows + 1;
    summary.rows += block.rows;
    summary.missing += block.missing;
    yield predictor.csvRows(block, firstRow);
  }
}

/** `data.csv` → `data.predictions.csv`. */
export function predictionsFileName(csvName: string): string {
  return `${csvName.replace(/\.(csv|tsv|txt)$/i, '')}.predictions.csv`;
}

/** A CSV field, quoted when it holds a delimiter, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
