// The Predictor against the training engine: applied to the training file, a saved run's model must
// give back the report's train metrics (every row is in the train split: validationSplit 0), for
// each model, both modes and both missing-value policies.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRowChunks } from '../../src/core/csv/index';
import type { ColumnKind } from '../../src/core/csv/types';
import type { RunReport } from '../../src/core/report';
import { DEFAULT_CONFIG, selectBackend, type TrainConfig } from '../../src/core/training/index';
import { PROBABILITY_EPSILON } from '../../src/core/training/metrics';
import { predictionLines, Predictor } from '../../src/core/training/predict';
import { resolveColumns, trainAndReport } from '../../src/cli/train';
import { fileChunksSync } from '../../src/node/fileSource';

const examples = join(__dirname, '../../examples');

async function train(file: string, target: string, features: string[], config: Partial<TrainConfig>) {
  const absolute = join(examples, file);
  const full: TrainConfig = { ...DEFAULT_CONFIG, validationSplit: 0, ...config };
  const columns = await resolveColumns(file, absolute, target, features, full);
  const { report } = await trainAndReport({
    absolute,
    cwd: examples,
    columns,
    config: full,
    backend: 'cpu',
    started: performance.now(),
  });
  return { report, targetKind: columns.targetKind };
}

/** The report's train metrics recomputed from the Predictor's output over the same file. */
async function metricsFromPredictions(file: string, report: RunReport, targetKind: ColumnKind) {
  const predictor = Predictor.fromReport(report);
  const requests = [...predictor.requests, { name: report.dataset.target, kind: targetKind }];
  let squared = 0;
  let sumY = 0;
  let sumY2 = 0;
  let logLoss = 0;
  let correct = 0;
  let counted = 0;
  let empty = 0;
  for await (const chunk of readRowChunks(fileChunksSync(join(examples, file)), requests, {
    chunkRows: 700,
  })) {
    const features = predictor.requests.length;
    // The predictor reads only its own columns: hand it a view without the target.
    const values = new Float64Array(chunk.rows * features);
    for (let r = 0; r < chunk.rows; r++)
      for (let f = 0; f < features; f++) values[r * features + f] = chunk.values[r * chunk.width + f];
    const block = predictor.predict({ ...chunk, width: features, values });
    for (let r = 0; r < chunk.rows; r++) {
      const t = chunk.values[r * chunk.width + features];
      if (Number.isNaN(block.values[r])) {
        empty++;
        continue;
      }
      if (Number.isNaN(t) || (targetKind === 'category' && t < 0)) continue; // no target: not a training row
      counted++;
      if (predictor.kind === 'regression') {
        squared += (block.values[r] - t) ** 2;
        sumY += t;
        sumY2 += t * t;
        continue;
      }
      // 0/1 logistic targets are read as numbers (see the CLI's targetKindFor), others as categories.
      const label = targetKind === 'category' ? chunk.categories[features]![t] : String(t);
      const truth = predictor.classes.indexOf(label);
      assert.ok(truth >= 0, `class "${label}" is not in the report`);
      const predicted = block.classIndex[r];
      if (predicted === truth) correct++;
      const pTruth =
        predictor.kind === 'binary'
          ? truth === 1
            ? block.values[r]
            : 1 - block.values[r]
          : predicted === truth
            ? block.values[r]
            : NaN;
      if (!Number.isNaN(pTruth))
        logLoss += -Math.log(Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, pTruth)));
    }
  }
  return {
    counted,
    empty,
    mse: squared / counted,
    accuracy: correct / counted,
    logLoss: logLoss / counted,
    sumY,
    sumY2,
  };
}

function assertClose(actual: number, expected: number, relative: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.max(1e-12, Math.abs(expected)),
    `${what}: ${actual} from predictions vs ${expected} in the report`,
  );
}

describe('Predictor reproduces the train metrics of the run that saved it', () => {
  before(async () => {
    await selectBackend('cpu', { browser: false });
  });

  const housingFeatures = ['area_m2', 'rooms', 'age_years', 'distance_km', 'neighborhood', 'has_garden'];
  const purchaseFeatures = ['age', 'income_k', 'visits', 'time_on_site_min', 'device'];
  const cases: {
    name: string;
    file: string;
    target: string;
    features: string[];
    config: Partial<TrainConfig>;
  }[] = [
    {
      name: 'linear batch, drop',
      file: 'housing.csv',
      target: 'price_k',
      features: housingFeatures,
      config: { epochs: 20 },
    },
    {
      name: 'linear batch, mean imputation',
      file: 'housing.csv',
      target: 'price_k',
      features: housingFeatures,
      config: { epochs: 20, missing: 'mean' },
    },
    {
      // drop, not mean: online mean imputation uses the running mean of the rows seen so far,
      // so the normal-equation MSE is over values the final imputed means no longer give.
      name: 'linear online (normal-equation MSE)',
      file: 'housing.csv',
      target: 'price_k',
      features: housingFeatures,
      config: { mode: 'online', epochs: 1, shuffle: false },
    },
    {
      name: 'logistic batch',
      file: 'purchases.csv',
      target: 'purchased',
      features: purchaseFeatures,
      config: { model: 'logistic', epochs: 10, learningRate: 0.1 },
    },
    {
      name: 'logistic online',
      file: 'purchases.csv',
      target: 'purchased',
      features: purchaseFeatures,
      config: { mode: 'online', model: 'logistic', epochs: 2, shuffle: false, learningRate: 0.05 },
    },
    {
      name: 'softmax batch',
      file: 'housing.csv',
      target: 'neighborhood',
      features: ['area_m2', 'rooms', 'distance_km', 'price_k', 'has_garden'],
      config: { model: 'softmax', epochs: 10, learningRate: 0.1 },
    },
    {
      name: 'mlp batch regression',
      file: 'housing.csv',
      target: 'price_k',
      features: housingFeatures,
      config: { model: 'mlp', hidden: [8, 4], epochs: 5, missing: 'mean', optimizer: 'adam' },
    },
    {
      name: 'mlp batch classification (tanh)',
      file: 'purchases.csv',
      target: 'purchased',
      features: purchaseFeatures,
      config: { model: 'mlp', hidden: [6], activation: 'tanh', epochs: 5, optimizer: 'adam' },
    },
    {
      name: 'mlp online regression (target standardised, the scale folded into the last layer)',
      file: 'housing.csv',
      target: 'price_k',
      features: housingFeatures,
      config: { mode: 'online', model: 'mlp', hidden: [8], epochs: 2, shuffle: false },
    },
    {
      name: 'mlp online with a categorical feature (unused one-hot inputs)',
      file: 'purchases.csv',
      target: 'purchased',
      features: purchaseFeatures,
      config: { mode: 'online', model: 'mlp', hidden: [5], epochs: 2, shuffle: false },
    },
  ];

  for (const c of cases)
    it(c.name, async () => {
      const { report, targetKind } = await train(c.file, c.target, c.features, c.config);
      assert.equal(report.status, 'completed');
      const got = await metricsFromPredictions(c.file, report, targetKind);
      assert.equal(got.counted, report.dataset.rowsUsed, 'one prediction per training row');
      if (report.preprocessing.missing === 'mean') assert.equal(got.empty, 0);
      else assert.equal(got.empty + got.counted, report.dataset.rowsUsed + report.dataset.rowsSkipped);
      const trainMetrics = report.metrics.train;
      if ('mse' in trainMetrics) {
        assertClose(got.mse, trainMetrics.mse, 1e-5, 'MSE');
      } else {
        assert.ok(
          Math.abs(got.accuracy - trainMetrics.accuracy) <= 1 / got.counted + 1e-12,
          `accuracy ${got.accuracy} from predictions vs ${trainMetrics.accuracy} in the report`,
        );
        // Log-loss needs the true class's probability; the CSV gives it for binary models.
        if (report.model.type === 'logistic')
          assertClose(got.logLoss, trainMetrics.logLoss, 1e-4, 'log-loss');
      }
    });
});

describe('Predictor input handling', () => {
  const report = (overrides: Partial<RunReport['preprocessing']> = {}, model?: Partial<RunReport['model']>) =>
    ({
      dataset: { features: ['x', 'color'] },
      model: {
        type: 'linear',
        weights: { x: 2, 'color=red': 10, 'color=__other__': 100 },
        bias: 1,
        ...model,
      },
      preprocessing: {
        features: ['x', 'color=red', 'color=__other__'],
        means: [0, 0, 0],
        scales: [1, 1, 1],
        categoryMaps: { color: ['red', '__other__'] },
        missing: 'drop',
        ...overrides,
      },
    }) as unknown as RunReport;
  const chunk = (rows: [number, number][], categories: string[]) => ({
    rows: rows.length,
    width: 2,
    values: Float64Array.from(rows.flat()),
    firstLine: 2,
    categories: [undefined, categories],
    skippedRows: 0,
  });

  it('one-hot with the "other" slot for unseen categories; drop leaves the row empty', () => {
    const predictor = Predictor.fromReport(report());
    const block = predictor.predict(
      chunk(
        [
          [1, 0],
          [1, 1],
          [NaN, 0],
          [1, -1],
        ],
        ['red', 'mauve'],
      ),
    );
    assert.deepEqual(Array.from(block.values), [13, 103, NaN, NaN]);
    assert.equal(block.missing, 2);
    assert.equal(predictor.csvRows(block, 1), '1,13\n2,103\n3,\n4,\n');
  });

  it('mean policy: the imputed training mean for numbers, all-zero one-hot for a missing category', () => {
    const predictor = Predictor.fromReport(report({ missing: 'mean', imputed: { x: 5 } }));
    const block = predictor.predict(
      chunk(
        [
          [NaN, 0],
          [1, -1],
        ],
        ['red'],
      ),
    );
    assert.deepEqual(Array.from(block.values), [21, 3]);
    assert.equal(block.missing, 0);
  });

  it('an unseen category without an "other" slot adds nothing', () => {
    const predictor = Predictor.fromReport(
      report(
        { features: ['x', 'color=red'], means: [0, 0], scales: [1, 1], categoryMaps: { color: ['red'] } },
        { weights: { x: 2, 'color=red': 10 } },
      ),
    );
    assert.deepEqual(Array.from(predictor.predict(chunk([[1, 0]], ['blue'])).values), [3]);
  });

  it('a report whose weights do not fit its features is refused', () => {
    assert.throws(
      () => Predictor.fromReport(report({}, { weights: { x: 2 } })),
      /no weight for feature "color=red"/,
    );
    assert.throws(
      () => Predictor.fromReport(report({ missing: 'mean' })),
      /no imputed value for feature "x"/,
    );
  });

  it('predictionLines pulls one chunk per block of lines (streams, holds no file)', async () => {
    const predictor = Predictor.fromReport(report());
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield chunk([[1, 0]], ['red']);
      }
    }
    const summary = { rows: 0, missing: 0 };
    const lines = predictionLines(predictor, endless(), summary);
    assert.equal((await lines.next()).value, 'row,prediction\n');
    assert.equal(pulled, 0, 'the header needs no row');
    assert.equal((await lines.next()).value, '1,13\n');
    assert.equal((await lines.next()).value, '2,13\n');
    assert.equal(pulled, 2);
    await lines.return(undefined);
    assert.deepEqual(summary, { rows: 2, missing: 0 });
  });
});
