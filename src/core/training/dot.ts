// The dot product of the training kernels' hot loops: online SGD (onlineKernel.ts) and the fused
// mini-batch kernel (batchKernel.ts).

/**
 * Σ w[j] · x[offset + j] for j < p, in four partial sums: four short add chains instead of one long
 * one, which is what paces the loops that call it (V8 inlines it there).
 */
export function dot(w: Float64Array, x: Float32Array, offset: number, p: number): number {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let j = 0;
  for (; j + 3 < p; j += 4) {
    z0 += w[j] * x[offset + j];
    z1 += w[j + 1] * x[offset + j + 1];
    z2 += w[j + 2] * x[offset + j + 2];
    z3 += w[j + 3] * x[offset + j + 3];
  }
  for (; j < p; j++) z0 += w[j] * x[offset + j];
  return z0 + z1 + (z2 + z3);
}
