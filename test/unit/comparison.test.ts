// The comparison report and the helpers to compare runs: time to within 1% of the optimum, the
// configuration rows of N reports and which of them differ, and a strict schema from one source.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isPlainRelativePath,
  buildComparison,
  comparisonJsonSchema,
  configDifferences,
  configRows,
  runLabels,
  timeToOptimumMs,
  validateComparison,
  workspacePathOf,
} from '../../src/core/comparison';
import { buildReport, type RunReport } from '../../src/core/report';
import { selectBackend, trainBatch, trainOnline } from '../../src/core/training/index';
import { TEXTBOOK, chunksOf, config, numeric, textbookData } from './training-helpers';

const point = (elapsedMs: number, loss: number) => ({
  samplesSeen: elapsedMs,
  elapsedMs,
  epoch: 0,
  loss,
  kind: 'step' as const,
});

describe('timeToOptimumMs', () => {
  const optimum = { mse: 2, loss: 1 };
  it('is the time of the first point within 1% of the closed-form loss', () => {
    const history = [point(0, 10), point(5, 1.5), point(9, 1.0101), point(12, 1.0099), point(20, 1)];
    assert.equal(timeToOptimumMs(history, optimum), 12);
  });
  it('counts a point exactly at the 1% bound, and one below the optimum', () => {
    assert.equal(timeToOptimumMs([point(3, 1.01)], optimum), 3);
    assert.equal(timeToOptimumMs([point(4, 0.5)], optimum), 4);
  });
  it('is null when the curve never gets there or there is no optimum', () => {
    assert.equal(timeToOptimumMs([point(1, 5), point(2, 1.02)], optimum), null);
    assert.equal(timeToOptimumMs([point(1, 1)], undefined), null);
    assert.equal(timeToOptimumMs([], optimum), null);
  });
});

describe('comparison report', () => {
  let batch: RunReport;
  let online: RunReport;
  before(async () => {
    const backend = await selectBackend('cpu', { browser: false });
    const { x, y } = textbookData();
    const dataset = { path: 'textbook.csv', sha256: 'b'.repeat(64), rows: 100, target: 'y', features: ['x'] };
    const tool = { name: 'csv-trainer', version: '0.1.0' };
    const batchConfig = config({ ...TEXTBOOK, mode: 'batch', epochs: 300, validationSplit: 0 });
    batch = buildReport({
      tool,
      mode: 'batch',
      config: batchConfig,
      result: await trainBatch({ features: [numeric('x', x)], target: numeric('y', y) }, batchConfig),
      dataset,
      backend,
      durationMs: 10,
    });
    const onlineConfig = config({ ...TEXTBOOK, mode: 'online', epochs: 50, validationSplit: 0 });
    online = buildReport({
      tool,
      mode: 'online',
      config: onlineConfig,
      result: await trainOnline(
        chunksOf([x, y]),
        { features: ['x'], target: 'y', featureKinds: ['numeric'], targetKind: 'numeric' },
        onlineConfig,
      ),
      dataset,
      backend,
      durationMs: 10,
    });
  });

  it('links the runs, takes the online optimum, and validates (also after JSON)', () => {
    const comparison = buildComparison([
      { report: batch, reportPath: 'a-batch.json', memory: { peakRssBytes: 1000 } },
      { report: online, reportPath: 'a-online.json', memory: { peakTensorBytes: 0, memoryNote: 'tensors' } },
    ]);
    assert.deepEqual(validateComparison(comparison), []);
    assert.deepEqual(validateComparison(JSON.parse(JSON.stringify(comparison))), []);
    assert.deepEqual(
      comparison.runs.map((r) => [r.mode, r.report]),
      [
        ['batch', 'a-batch.json'],
        ['online', 'a-online.json'],
      ],
    );
    assert.deepEqual(comparison.optimum, online.optimum);
    assert.equal(comparison.runs[0]!.peakRssBytes, 1000);
    assert.equal('peakRssBytes' in comparison.runs[1]!, false, 'no memory figure is made up');
    assert.equal(comparison.runs[0]!.timeToOptimumMs, timeToOptimumMs(batch.history, batch.optimum));
  });

  it('the validator is strict: unknown keys, wrong kinds, non-finite numbers, bad null', () => {
    const good = buildComparison([{ report: batch, reportPath: 'b.json', memory: {} }]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately breaking an untyped copy
    const broken = (mutate: (c: Record<string, any>) => void): string[] => {
      const copy = JSON.parse(JSON.stringify(good));
      mutate(copy);
      return validateComparison(copy);
    };
    assert.match(broken((c) => (c.kind = 'run')).join(), /kind: must be "comparison"/);
    assert.match(broken((c) => (c.runs[0].surprise = 1)).join(), /unknown property "surprise"/);
    assert.match(broken((c) => (c.runs[0].samplesPerSecond = null)).join(), /finite number/);
    assert.match(broken((c) => (c.runs[0].timeToOptimumMs = 'soon')).join(), /timeToOptimumMs/);
    assert.deepEqual(
      broken((c) => (c.runs[0].timeToOptimumMs = null)),
      [],
    );
    assert.match(broken((c) => delete c.dataset.sha256).join(), /missing "sha256"/);
    assert.match(validateComparison(batch).join(), /unknown property|missing "kind"/);
  });

  it('the JSON Schema comes from the same source and allows null for an unreached optimum', () => {
    assert.equal(comparisonJsonSchema.title, 'CSV Trainer comparison report');
    const run = comparisonJsonSchema.properties!.runs!.items!;
    assert.deepEqual(run.required, [
      'mode',
      'report',
      'status',
      'samplesPerSecond',
      'durationMs',
      'metrics',
      'timeToOptimumMs',
      'backend',
    ]);
    assert.deepEqual(
      run.properties!.timeToOptimumMs!.anyOf!.map((s) => s.type),
      ['number', 'null'],
    );
  });
});

describe('configRows / configDifferences', () => {
  const base = {
    mode: 'batch',
    status: 'completed',
    tool: { name: 'csv-trainer', version: '0.1.0' },
    dataset: { path: 'a.csv', sha256: 'c'.repeat(64), rowsUsed: 10, target: 'y', features: ['x'] },
    config: {
      model: 'linear',
      hidden: [64],
      learningRate: 0.01,
      batchSize: 32,
      epochs: 10,
      seed: 42,
      shuffle: true,
      normalize: 'standard',
      bias: true,
      validationSplit: 0,
      optimizer: 'sgd',
      loss: 'mse',
      missing: 'drop',
    },
    backend: { name: 'cpu', reason: 'asked for' },
  };
  const report = (patch: (r: typeof base) => void): RunReport => {
    const copy = structuredClone(base);
    patch(copy);
    return copy as unknown as RunReport;
  };

  it('one row per setting, one cell per report, in order', () => {
    const rows = configRows([report(() => {}), report((r) => (r.config.learningRate = 0.1))]);
    const lr = rows.find((r) => r.key === 'config.learningRate')!;
    assert.deepEqual(lr.values, ['0.01', '0.1']);
    assert.equal(lr.differs, true);
    const seed = rows.find((r) => r.key === 'config.seed')!;
    assert.deepEqual(seed, { key: 'config.seed', label: 'seed', values: ['42', '42'], differs: false });
    for (const key of [
      'config.model',
      'config.batchSize',
      'config.epochs',
      'config.normalize',
      'config.bias',
      'config.optimizer',
      'backend.name',
      'dataset.path',
      'dataset.sha256',
    ])
      assert.ok(
        rows.some((r) => r.key === key),
        key,
      );
    assert.equal(
      rows.some((r) => r.key === 'config.hidden'),
      false,
      'no MLP, no hidden layers row',
    );
    assert.equal(
      rows.some((r) => r.key === 'backend.renderer'),
      false,
      'no report has a renderer',
    );
  });

  it('differences only: the rows where N reports do not all agree; a missing value counts', () => {
    const reports = [
      report(() => {}),
      report((r) => (r.mode = 'online')),
      report((r) => Object.assign(r.backend, { name: 'webgl', renderer: 'ANGLE' })),
    ];
    assert.deepEqual(
      configDifferences(reports).map((r) => [r.key, r.values]),
      [
        ['mode', ['batch', 'online', 'batch']],
        ['config.batchSize', ['32', '1', '32']],
        ['backend.name', ['cpu', 'cpu', 'webgl']],
        ['backend.renderer', ['—', '—', 'ANGLE']],
      ],
    );
    assert.deepEqual(configDifferences([report(() => {}), report(() => {})]), []);
  });
});

describe('runLabels', () => {
  it('shortens report names to mode and time, with the date only where the days differ', () => {
    assert.deepEqual(
      runLabels(['2026-11-28T23-25-35-481-online.json', '2026-11-28T23-25-34-028-batch.json']),
      ['online 23:25:35.481', 'batch 23:25:34.028'],
    );
    assert.deepEqual(
      runLabels(['2026-11-28T23-25-35-481-online.json', '2026-11-29T01-02-03-004-batch-2.json']),
      ['online 2026-11-28 23:25:35.481', 'batch-2 2026-11-29 01:02:03.004'],
    );
  });
  it('keeps other names, and the full names when short labels would collide', () => {
    assert.deepEqual(runLabels(['mine.json', '2026-11-28T23-25-35-481-online.json']), [
      'mine',
      'online 23:25:35.481',
    ]);
    assert.deepEqual(runLabels(['a/x.json', 'b/x.json'].map((p) => p.split('/').pop()!)), ['x', 'x']);
  });
});

describe('links a comparison may hold', () => {
  it('plain names below the folder pass; anything that climbs out or is absolute does not', () => {
    for (const ok of [
      '2026-11-28T10-00-00Z-batch.json',
      'runs/a-online.json',
      '.csv-trainer/runs/x-compare.json',
    ])
      assert.ok(isPlainRelativePath(ok), ok);
    for (const bad of [
      '',
      '/etc/passwd',
      '../secret.json',
      'runs/../../x.json',
      './a.json',
      'a//b.json',
      'C:/x.json',
      'a\\..\\b.json',
    ])
      assert.ok(!isPlainRelativePath(bad), bad);
  });

  it('a saved view path finds its workspace folder: by name where there are several', () => {
    const runs = '.csv-trainer/runs/x-compare.json';
    assert.deepEqual(workspacePathOf(runs, ['only']), { folder: 0, path: runs });
    assert.deepEqual(workspacePathOf(`data/${runs}`, ['site', 'data']), { folder: 1, path: runs });
    // The longest folder name that fits wins; a path naming no folder is read as in the first.
    assert.deepEqual(workspacePathOf(`a/b/${runs}`, ['a/b', 'a']), { folder: 0, path: runs });
    assert.deepEqual(workspacePathOf(runs, ['site', 'data']), { folder: 0, path: runs });
    assert.equal(workspacePathOf(runs, []), undefined);
    assert.equal(workspacePathOf(`data/../${runs}`, ['site', 'data']), undefined);
    assert.equal(workspacePathOf('/etc/x.json', ['site', 'data']), undefined);
  });
});
