// Trained parameters → the report's model, with linear weights un-standardised into the data's
// original units (w / scale, b − Σ w·mean / scale) so that `y = 4.2 + 2.97·x` can be read off.
import type { ModelType, Preprocessing, TrainedModel } from './types';

/**
 * `weights` row-major [features × outputs], `bias` [outputs] (zeros when the model has none).
 * One output: linear or logistic; several: softmax, one per class in `preprocessing.targetClasses`.
 */
export function exportLinearModel(
  type: ModelType,
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  outputs: number,
  preprocessing: Pick<Preprocessing, 'features' | 'means' | 'scales' | 'targetClasses'>,
): TrainedModel {
  const { features, means, scales } = preprocessing;
  const perOutput = (k: number) => {
    const named: Record<string, number> = {};
    let intercept = bias[k] ?? 0;
    features.forEach((name, j) => {
      const w = weights[j * outputs + k] / scales[j];
      named[name] = w;
      intercept -= w * means[j];
    });
    return { named, intercept };
  };
  if (outputs === 1) {
    const { named, intercept } = perOutput(0);
    return { type, weights: named, bias: intercept };
  }
  const classWeights: Record<string, Record<string, number>> = {};
  const classBias: Record<string, number> = {};
  const classes = preprocessing.targetClasses ?? [];
  for (let k = 0; k < outputs; k++) {
    const { named, intercept } = perOutput(k);
    const name = classes[k] ?? String(k);
    classWeights[name] = named;
    classBias[name] = intercept;
  }
  return { type, weights: {}, bias: 0, classWeights, classBias };
}

/** MLP layers as plain arrays (inputs are the standardised features of `preprocessing`). */
export function exportMlpLayers(
  layers: {
    weights: Float32Array | number[];
    shape: [number, number];
    bias?: ArrayLike<number>;
    activation: string;
  }[],
): TrainedModel {
  return {
    type: 'mlp',
    weights: {},
    bias: 0,
    layers: layers.map((layer) => {
      const [rows, cols] = layer.shape;
      const matrix: number[][] = [];
      for (let r = 0; r < rows; r++) matrix.push(Array.from(layer.weights.slice(r * cols, (r + 1) * cols)));
      return {
        weights: matrix,
        bias: layer.bias ? Array.from(layer.bias) : new Array(cols).fill(0),
        activation: layer.activation,
      };
    }),
  };
}
