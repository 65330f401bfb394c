// `csv-trainer rerun`: same file, config and seed ⇒ the same weights on the same backend; a changed
// or missing dataset is refused (exit 2, no report written).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliIn } from './cliHarness';
import type { RunReport } from '../../src/core/report';

describe('csv-trainer rerun', () => {
  let cwd: string;
  const run = (...argv: string[]) => runCliIn(cwd, argv);
  const read = (file: string): RunReport => JSON.parse(readFileSync(join(cwd, file), 'utf8'));
  /** A short logistic run on purchases.csv, its report in first.json (or the reports folder). */
  const trainFirst = async (out: string[] = ['--out', 'first.json']) => {
    const result = await run(
      'train',
      'purchases.csv',
      '--target',
      'purchased',
      '--model',
      'logistic',
      '--mode',
      'batch',
      '--epochs',
      '2',
      ...out,
      '--quiet',
    );
    assert.equal(result.code, 0, result.stderr);
  };
  const reports = () =>
    existsSync(join(cwd, '.csv-trainer', 'runs')) ? readdirSync(join(cwd, '.csv-trainer', 'runs')) : [];

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'csv-trainer-rerun-'));
    copyFileSync(join(__dirname, '../../examples/purchases.csv'), join(cwd, 'purchases.csv'));
    copyFileSync(join(__dirname, '../../examples/housing.csv'), join(cwd, 'housing.csv'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  const runs: [string, string[]][] = [
    [
      'batch MLP with a shuffled validation split and a categorical feature',
      [
        'housing.csv',
        '--target',
        'price_k',
        '--model',
        'mlp',
        '--hidden',
        '8',
        '--mode',
        'batch',
        '--epochs',
        '3',
        '--seed',
        '7',
        '--lr',
        '0.001',
        '--features',
        'area_m2,rooms,neighborhood',
      ],
    ],
    [
      'online logistic',
      ['purchases.csv', '--target', 'purchased', '--model', 'logistic', '--mode', 'online', '--lr', '0.05'],
    ],
  ];
  for (const [name, args] of runs)
    it(`same file, config and seed: identical weights (${name})`, async () => {
      const first = await run('train', ...args, '--backend', 'cpu', '--out', 'first.json', '--quiet');
      assert.equal(first.code, 0, first.stderr);
      const again = await run('rerun', 'first.json', '--out', 'again.json');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /weights: identical to first\.json/);
      const [a, b] = [read('first.json'), read('again.json')];
      assert.deepEqual(b.model, a.model);
      assert.deepEqual(b.config, a.config);
      assert.deepEqual(b.preprocessing, a.preprocessing);
      assert.deepEqual(b.metrics, a.metrics);
      assert.equal(b.dataset.sha256, a.dataset.sha256);
      assert.equal(b.backend.name, 'cpu');
    });

  it('a report in the reports folder finds its dataset from another working directory', async () => {
    await trainFirst([]);
    const [name] = reports();
    const report = join(cwd, '.csv-trainer', 'runs', name);
    const elsewhere = cwd;
    cwd = tmpdir();
    try {
      const result = await run('rerun', report, '--out', join(elsewhere, 'again.json'), '--quiet');
      assert.equal(result.code, 0, result.stderr);
    } finally {
      cwd = elsewhere;
    }
    assert.deepEqual(read('again.json').model, JSON.parse(readFileSync(report, 'utf8')).model);
  });

  it('exit 2, nothing written: the dataset changed since the run', async () => {
    await trainFirst();
    appendFileSync(join(cwd, 'purchases.csv'), '30,40,2,1.5,mobile,1\n');
    const before = readdirSync(cwd).sort();
    const result = await run('rerun', 'first.json');
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^csv-trainer: purchases\.csv: changed since the run \(sha256 [0-9a-f]{12}…, first\.json has [0-9a-f]{12}…\); not re-running\n$/,
    );
    assert.deepEqual(readdirSync(cwd).sort(), before);
    assert.deepEqual(reports(), []);
  });

  it('exit 2: the dataset is gone; an unknown option', async () => {
    await trainFirst();
    rmSync(join(cwd, 'purchases.csv'));
    const gone = await run('rerun', 'first.json');
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /purchases\.csv: the run's dataset is missing/);
    const flag = await run('rerun', 'first.json', '--seed', '3');
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option "--seed"/);
  });
});
