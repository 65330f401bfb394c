// Synthetic regression CSV for the benchmarks: y = sum(w_i x_i) + b + N(0, 1), numeric only.
// Usage: node --import tsx bench/generate.ts OUT ROWS [FEATURES] [SEED]
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_FEATURES = 16;
export const DEFAULT_SEED = 42;

/** Mulberry32: small, fast, seedable; the same seed gives the same file everywhere. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface GeneratedDataset {
  path: string;
  rows: number;
  features: number;
  /** True weights w_1..w_n and bias b: a fit should recover them (noise std 1). */
  weights: number[];
  bias: number;
  bytes: number;
}

/**
 * Write `rows` rows of `x1..xN,y` with x_i ~ N(0, 1) (6 significant digits) and
 * y = sum(w_i x_i) + b + N(0, 1). The weights are drawn from the seed, in [-5, 5].
 */
export function generateRegressionCsv(
  path: string,
  rows: number,
  features = DEFAULT_FEATURES,
  seed = DEFAULT_SEED,
): GeneratedDataset {
  const random = seededRandom(seed);
  const weights = Array.from({ length: features }, () => Math.round((random() * 10 - 5) * 100) / 100);
  const bias = Math.round((random() * 10 - 5) * 100) / 100;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const header = [...Array.from({ length: features }, (_, i) => `x${i + 1}`), 'y'].join(',') + '\n';
    bytes += writeSync(fd, header);
    let block = '';
    const x = new Float64Array(features);
    for (let row = 0; row < rows; row++) {
      let y = bias;
      for (let i = 0; i < features; i++) {
        x[i] = Number(gaussian(random).toPrecision(6));
        y += weights[i] * x[i];
        block += x[i] + ',';
      }
      y += gaussian(random);
      block += Number(y.toPrecision(8)) + '\n';
      if (block.length > 1 << 20) {
        bytes += writeSync(fd, block);
        block = '';
      }
    }
    bytes += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return { path, rows, features, weights, bias, bytes };
}

if (process.argv[1] && /generate\.ts$/.test(process.argv[1])) {
  const [out, rowsText, featuresText, seedText] = process.argv.slice(2);
  if (!out || !rowsText || !/^\d+$/.test(rowsText)) {
    process.stderr.write('usage: node --import tsx bench/generate.ts OUT ROWS [FEATURES] [SEED]\n');
    process.exit(2);
  }
  const dataset = generateRegressionCsv(
    out,
    Number(rowsText),
    featuresText ? Number(featuresText) : undefined,
    seedText ? Number(seedText) : undefined,
  );
  process.stdout.write(JSON.stringify(dataset) + '\n');
}
