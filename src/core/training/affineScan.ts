// Online SGD for squared loss as a parallel scan of affine maps, in tfjs ops (the GPU-friendly path).
//
// One update w ← w − α (w·x̃ − y) x̃ is the affine map w ↦ (I − α x̃x̃ᵀ) w + α y x̃. In homogeneous
// coordinates each is a (q+1)×(q+1) matrix M_t = [[I − α x̃x̃ᵀ, α y x̃], [0, 1]], and running a block
// in order is the product M_n ⋯ M_1. Maps compose associatively, so an inclusive Hillis–Steele scan
// (⌈log₂ n⌉ batched matMuls) yields every prefix product: every pre-update weight vector (for
// progressive validation) and the final one, exactly the sequential result up to float32 rounding.
import * as tf from '@tensorflow/tfjs-core';

export interface ScanBlockResult {
  /** Prediction of each row with the weights before its own update (progressive validation). */
  predictions: tf.Tensor1D;
  /** Weights after the block, [q]. */
  weights: tf.Tensor1D;
}

/**
 * `inputs`: [n, q] rows x̃ (features, then a 1 when the model has a bias); `targets`: [n];
 * `initial`: [q] weights before the block.
 */
export function affineScanBlock(
  inputs: tf.Tensor2D,
  targets: tf.Tensor1D,
  initial: tf.Tensor1D,
  learningRate: number,
): ScanBlockResult {
  return tf.tidy(() => {
    const [n, q] = inputs.shape;
    const column = tf.reshape(inputs, [n, q, 1]);
    const outer = tf.matMul(column, column, false, true); // [n, q, q] = x̃x̃ᵀ
    const linear = tf.sub(tf.reshape(tf.eye(q), [1, q, q]), tf.mul(learningRate, outer));
    const offset = tf.reshape(tf.mul(learningRate, tf.mul(inputs, tf.reshape(targets, [n, 1]))), [n, q, 1]);
    const lastRow = tf.concat([tf.zeros([n, 1, q]), tf.ones([n, 1, 1])], 2);
    let prefix = tf.concat([tf.concat([linear, offset], 2), lastRow], 1) as tf.Tensor3D; // [n, q+1, q+1]
    const identity = tf.reshape(tf.eye(q + 1), [1, q + 1, q + 1]);
    for (let span = 1; span < n; span *= 2) {
      // prefix[i] ← prefix[i] · prefix[i − span]; rows before `span` compose with the identity.
      const earlier = tf.concat(
        [tf.tile(identity, [span, 1, 1]), tf.slice(prefix, [0, 0, 0], [n - span, q + 1, q + 1])],
        0,
      );
      prefix = tf.matMul(prefix, earlier) as tf.Tensor3D;
    }
    const start = tf.reshape(tf.concat([initial, tf.ones([1])]), [1, q + 1, 1]);
    const after = tf.reshape(tf.matMul(prefix, tf.tile(start, [n, 1, 1])), [n, q + 1]); // weights after row i
    const before = tf.concat([tf.reshape(start, [1, q + 1]), tf.slice(after, [0, 0], [n - 1, q + 1])], 0);
    const predictions = tf.sum(tf.mul(inputs, tf.slice(before, [0, 0], [n, q])), 1) as tf.Tensor1D;
    const weights = tf.reshape(tf.slice(after, [n - 1, 0], [1, q]), [q]) as tf.Tensor1D;
    return { predictions, weights };
  });
}
