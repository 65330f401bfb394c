// `csv-trainer compare` in-process through runCli: both run reports, the comparison report that
// links them, weights near the closed form, and bad input that writes nothing.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliIn } from './cliHarness';
import { validateComparison } from '../../src/core/comparison';
import { validateReport } from '../../src/core/report';

/** Ordinary least squares for y = a + b·x, straight from the CSV: the floor both runs should reach. */
function closedForm(csv: string): { bias: number; slope: number } {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const names = header.split(',');
  const points = lines
    .map((line) => line.split(',').map(Number))
    .map((cells) => ({ x: cells[names.indexOf('x')], y: cells[names.indexOf('y')] }));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  const slope =
    points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return { bias: my - slope * mx, slope };
}

describe('csv-trainer compare', () => {
  let cwd: string;
  const runsFolder = () => join(cwd, '.csv-trainer', 'runs');
  const run = (...args: string[]) => runCliIn(cwd, ['compare', ...args]);
  const textbookArgs = [
    'textbook.csv',
    '--target',
    'y',
    '--normalize',
    'none',
    '--lr',
    '0.01',
    '--batch-size',
    '10',
    '--epochs',
    '200',
    '--online-passes',
    '200',
  ];

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'csv-trainer-compare-'));
    copyFileSync(join(__dirname, '../fixtures/workspace/textbook.csv'), join(cwd, 'textbook.csv'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('exit 0: writes both run reports and a comparison that links them; both reach the closed form', async () => {
    const result = await run(...textbookArgs);
    assert.equal(result.code, 0, result.stderr);
    const files = readdirSync(runsFolder());
    const comparisonName = files.find((name) => name.endsWith('-compare.json'));
    assert.ok(comparisonName, `a comparison report among ${files.join(', ')}`);
    const comparison = JSON.parse(readFileSync(join(runsFolder(), comparisonName), 'utf8'));
    assert.deepEqual(validateComparison(comparison), [], 'the comparison report validates');
    assert.equal(comparison.schemaVersion, 1);
    assert.equal(comparison.kind, 'comparison');
    assert.equal(comparison.dataset.path, 'textbook.csv');
    assert.equal(comparison.dataset.rows, 100);
    assert.deepEqual(
      comparison.runs.map((r: { mode: string }) => r.mode),
      ['batch', 'online'],
    );
    assert.ok(comparison.optimum.mse > 0);

    const seeds = new Set<number>();
    const expected = closedForm(readFileSync(join(cwd, 'textbook.csv'), 'utf8'));
    for (const entry of comparison.runs) {
      const reportPath = join(runsFolder(), entry.report);
      assert.ok(existsSync(reportPath), `${entry.mode} report ${entry.report} exists`);
      const report = JSON.parse(readFileSync(reportPath, 'utf8'));
      assert.deepEqual(validateReport(report), [], `${entry.mode} report validates`);
      assert.equal(report.mode, entry.mode);
      assert.equal(report.dataset.sha256, comparison.dataset.sha256);
      seeds.add(report.config.seed);
      assert.ok(
        Math.abs(report.model.weights.x - expected.slope) < 0.1,
        `${entry.mode} slope ${report.model.weights.x} vs ${expected.slope}`,
      );
      assert.ok(
        Math.abs(report.model.bias - expected.bias) < 0.1,
        `${entry.mode} bias ${report.model.bias} vs ${expected.bias}`,
      );
      assert.ok(entry.peakRssBytes > 0 && entry.samplesPerSecond > 0);
      assert.ok(entry.timeToOptimumMs === null || entry.timeToOptimumMs >= 0);
      assert.ok(
        Math.abs(entry.metrics.train.mse - comparison.optimum.mse) < 0.01 * comparison.optimum.mse,
        `${entry.mode} train MSE within 1% of the optimum`,
      );
    }
    assert.equal(seeds.size, 1, 'both runs use the same seed');
    assert.equal(files.length, 3, 'two run reports and one comparison');
    assert.match(result.stdout, /^batch\s+completed/m);
    assert.match(result.stdout, /^online\s+completed/m);
    assert.match(result.stdout, /least-squares optimum: MSE/);
  });

  it('--json prints the comparison report itself', async () => {
    const result = await run(
      ...textbookArgs,
      '--epochs',
      '20',
      '--online-passes',
      '2',
      '--json',
      '--out-dir',
      'cmp',
    );
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    const [comparisonName] = readdirSync(join(cwd, 'cmp')).filter((name) => name.endsWith('-compare.json'));
    assert.deepEqual(printed, JSON.parse(readFileSync(join(cwd, 'cmp', comparisonName), 'utf8')));
    assert.equal(existsSync(join(cwd, '.csv-trainer')), false, '--out-dir replaces the default folder');
  });

  it('exit 2 on a bad target: one line, nothing written', async () => {
    const result = await run('textbook.csv', '--target', 'nope');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /textbook\.csv: unknown target column "nope"/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(cwd, '.csv-trainer')), false);
  });

  it('exit 2 on an --out-dir that is a file, before training: one line, nothing written', async () => {
    const result = await run('textbook.csv', '--target', 'y', '--out-dir', 'textbook.csv');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^csv-trainer: --out-dir textbook\.csv: .*textbook\.csv is not a folder\n$/);
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(cwd, '.csv-trainer')), false);
  });
});
