// Model builders and their update rules, all in tfjs ops: generalised linear models (linear,
// logistic, softmax: one weight matrix) and a small MLP. Weights are drawn from our own seeded RNG.
import * as tf from '@tensorflow/tfjs-core';
// Gradients for autodiff (MLP); tfjs-core alone registers none.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { SeededRandom } from './rng';
import type { LossKind } from './task';
import type { Activation, ModelType, OptimizerName, TrainConfig } from './types';

export interface DenseLayer {
  weights: tf.Variable;
  bias?: tf.Variable;
  activation: Activation | 'linear';
}

/**
 * The trainable parameters. A GLM is one dense layer with a linear output (the link function is
 * in the loss); an MLP adds hidden layers. Linear/logistic/softmax start at zero, as the usual
 * references do; MLP weights are Glorot-uniform from the seed.
 */
export class ModelParameters {
  readonly layers: DenseLayer[];

  constructor(
    readonly type: ModelType,
    inputs: number,
    outputs: number,
    config: Pick<TrainConfig, 'hidden' | 'activation' | 'bias' | 'seed'>,
  ) {
    const sizes =
      type === 'mlp' ? [inputs, ...config.hidden.filter((h) => h > 0), outputs] : [inputs, outputs];
    const rng = new SeededRandom(config.seed ^ 0x9e3779b9);
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
      const initial = new Float32Array(fanIn * fanOut);
      if (type === 'mlp') {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        for (let j = 0; j < initial.length; j++) initial[j] = (rng.next() * 2 - 1) * limit;
      }
      const isOutput = i + 2 === sizes.length;
      // Hidden layers always get a bias; `bias: false` is about the model's intercept.
      const withBias = isOutput ? config.bias : true;
      this.layers.push({
        weights: tf.tidy(() => tf.variable(tf.tensor2d(initial, [fanIn, fanOut]), true)),
        bias: withBias ? tf.tidy(() => tf.variable(tf.zeros([fanOut]), true)) : undefined,
        activation: isOutput ? 'linear' : config.activation,
      });
    }
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => (l.bias ? [l.weights, l.bias] : [l.weights]));
  }

  /** Raw outputs (before the link): ŷ for regression, logits for classification. */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    for (const layer of this.layers) {
      h = tf.matMul(h, layer.weights as tf.Tensor2D);
      if (layer.bias) h = tf.add(h, layer.bias);
      if (layer.activation === 'relu') h = tf.relu(h);
      else if (layer.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  }

  /** A copy of every parameter, to restore the last finite weights after a divergence. */
  snapshot(): Float32Array[] {
    return this.variables.map((v) => v.dataSync().slice() as Float32Array);
  }

  restore(values: Float32Array[]): void {
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Mean loss over a batch: squared uses the textbook J = 1/(2m) Σ (ŷ − y)². */
export function batchLoss(loss: LossKind, output: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  switch (loss) {
    case 'squared':
      return tf.mul(0.5, tf.mean(tf.sum(tf.squaredDifference(output, target), 1)));
    case 'logistic':
      // max(z,0) − z·y + log(1 + e^−|z|): the stable form of −y log σ(z) − (1−y) log(1−σ(z)).
      return tf.mean(
        tf.add(tf.sub(tf.relu(output), tf.mul(output, target)), tf.log1p(tf.exp(tf.neg(tf.abs(output))))),
      );
    case 'softmax':
      return tf.mean(tf.sub(tf.logSumExp(output, 1), tf.sum(tf.mul(target, output), 1)));
  }
}

/** d loss / d output for the three losses: (link(z) − y) / m — the GLM gradients need no autodiff. */
function outputResidual(loss: LossKind, output: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor2D {
  if (loss === 'squared') return tf.sub(output, target);
  if (loss === 'logistic') return tf.sub(tf.sigmoid(output), target);
  return tf.sub(tf.softmax(output), target);
}

export class GradientOptimizer {
  private readonly first: tf.Variable[] = [];
  private readonly second: tf.Variable[] = [];
  private steps = 0;
  static readonly MOMENTUM = 0.9;
  static readonly BETA1 = 0.9;
  static readonly BETA2 = 0.999;
  static readonly EPSILON = 1e-8;

  constructor(
    readonly name: OptimizerName,
    variables: tf.Variable[],
  ) {
    if (name !== 'sgd')
      for (const v of variables) this.first.push(tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    if (name === 'adam')
      for (const v of variables) this.second.push(tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  }

  /** Call inside `tf.tidy`. */
  apply(variables: tf.Variable[], gradients: tf.Tensor[], learningRate: number): void {
    this.steps++;
    if (this.name === 'adam') {
      const { BETA1, BETA2, EPSILON } = GradientOptimizer;
      const stepSize = (learningRate * Math.sqrt(1 - BETA2 ** this.steps)) / (1 - BETA1 ** this.steps);
      variables.forEach((v, i) => {
        this.first[i].assign(tf.add(tf.mul(BETA1, this.first[i]), tf.mul(1 - BETA1, gradients[i])));
        this.second[i].assign(
          tf.add(tf.mul(BETA2, this.second[i]), tf.mul(1 - BETA2, tf.square(gradients[i]))),
        );
        v.assign(
          tf.sub(v, tf.mul(stepSize, tf.div(this.first[i], tf.add(tf.sqrt(this.second[i]), EPSILON)))),
        );
      });
    } else if (this.name === 'momentum') {
      variables.forEach((v, i) => {
        this.first[i].assign(tf.add(tf.mul(GradientOptimizer.MOMENTUM, this.first[i]), gradients[i]));
        v.assign(tf.sub(v, tf.mul(learningRate, this.first[i])));
      });
    } else {
      variables.forEach((v, i) => v.assign(tf.sub(v, tf.mul(learningRate, gradients[i]))));
    }
  }

  dispose(): void {
    for (const v of [...this.first, ...this.second]) v.dispose();
  }
}

/**
 * One gradient step on a batch; returns the batch's mean loss (before the update) as a kept
 * scalar the caller disposes. No synchronisation with the backend happens here.
 */
export function trainStep(
  model: ModelParameters,
  optimizer: GradientOptimizer,
  loss: LossKind,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  learningRate: number,
): tf.Scalar {
  return tf.tidy(() => {
    const variables = model.variables;
    if (model.type !== 'mlp') {
      // GLM: ∇W = Xᵀ(link(XW + b) − y) / m, ∇b = mean(link(XW + b) − y).
      const layer = model.layers[0];
      const output = model.forward(x);
      const value = batchLoss(loss, output, y);
      const residual = outputResidual(loss, output, y);
      const m = x.shape[0];
      const gradients: tf.Tensor[] = [tf.div(tf.matMul(x, residual, true, false), m)];
      if (layer.bias) gradients.push(tf.mean(residual, 0));
      optimizer.apply(variables, gradients, learningRate);
      return value;
    }
    const { value, grads } = tf.variableGrads(() => batchLoss(loss, model.forward(x), y), variables);
    optimizer.apply(
      variables,
      variables.map((v) => grads[v.name]),
      learningRate,
    );
    return value;
  });
}
