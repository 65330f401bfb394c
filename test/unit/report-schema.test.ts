// The run report: built from a real run, valid against its own schema; the validator is strict.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildReport,
  downsampleHistory,
  reportJsonSchema,
  validateReport,
  type RunReport,
} from '../../src/core/report';
import { selectBackend, trainBatch, type LossPoint } from '../../src/core/training/index';
import { TEXTBOOK, config, numeric, textbookData } from './training-helpers';

describe('run report', () => {
  let report: RunReport;
  before(async () => {
    const backend = await selectBackend('cpu', { browser: false });
    const { x, y } = textbookData();
    const settings = config({ ...TEXTBOOK, mode: 'batch', epochs: 2000 });
    const result = await trainBatch({ features: [numeric('x', x)], target: numeric('y', y) }, settings);
    report = buildReport({
      tool: { name: 'csv-trainer', version: '0.1.0' },
      mode: 'batch',
      config: settings,
      result,
      dataset: {
        path: 'examples/textbook.csv',
        sha256: 'a'.repeat(64),
        rows: 100,
        target: 'y',
        features: ['x'],
      },
      backend,
      durationMs: 1234,
    });
  });

  it('a built report validates, survives JSON, and has a bounded history', () => {
    assert.deepEqual(validateReport(report), []);
    assert.deepEqual(validateReport(JSON.parse(JSON.stringify(report))), []);
    assert.ok(report.history.length <= 1000);
    assert.equal(report.config.loss, 'mse');
    assert.ok(report.timing.samplesPerSecond > 0);
    assert.ok(report.optimum && report.optimum.mse > 0);
  });

  it('rejects wrong types, enums, non-finite numbers, unknown and missing keys', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately breaking an untyped copy
    const broken = (mutate: (r: Record<string, any>) => void): string[] => {
      const copy = JSON.parse(JSON.stringify(report));
      mutate(copy);
      return validateReport(copy);
    };
    assert.match(broken((r) => (r.status = 'done')).join(), /status: must be one of/);
    assert.match(broken((r) => (r.metrics.train.mse = null)).join(), /finite number/);
    assert.match(broken((r) => (r.model.weights.x = 'NaN')).join(), /finite number/);
    assert.match(broken((r) => (r.surprise = 1)).join(), /unknown property "surprise"/);
    assert.match(broken((r) => delete r.dataset.sha256).join(), /missing "sha256"/);
    assert.match(broken((r) => (r.dataset.sha256 = 'xyz')).join(), /does not match/);
    assert.match(broken((r) => (r.schemaVersion = 2)).join(), /must be 1/);
    assert.match(broken((r) => (r.config.batchSize = 1.5)).join(), /integer/);
    assert.notDeepEqual(validateReport(null), []);
    assert.deepEqual(validateReport({ ...report, metrics: { train: { logLoss: 0.3, accuracy: 0.9 } } }), []);
  });

  it('the JSON Schema is plain JSON with the documented top-level fields', () => {
    const schema = JSON.parse(JSON.stringify(reportJsonSchema));
    assert.equal(schema.type, 'object');
    for (const key of [
      'schemaVersion',
      'tool',
      'status',
      'mode',
      'createdAt',
      'dataset',
      'config',
      'backend',
      'model',
      'metrics',
      'history',
      'timing',
      'preprocessing',
    ])
      assert.ok(schema.required.includes(key), key);
    assert.deepEqual(schema.properties.status.enum, ['completed', 'stopped', 'diverged', 'failed']);
    assert.equal(schema.additionalProperties, false);
  });

  it('history downsampling keeps the first and last points and drops non-finite ones', () => {
    const points: LossPoint[] = Array.from({ length: 5000 }, (_, i) => ({
      samplesSeen: i,
      elapsedMs: i,
      epoch: i,
      loss: i === 7 ? NaN : 1 / (i + 1),
      kind: 'epoch',
    }));
    const kept = downsampleHistory(points, 100);
    assert.equal(kept.length, 100);
    assert.equal(kept[0].samplesSeen, 0);
    assert.equal(kept[99].samplesSeen, 4999);
    assert.ok(kept.every((p) => Number.isFinite(p.loss)));
  });
});
