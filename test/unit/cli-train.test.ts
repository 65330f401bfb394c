// `csv-trainer train` in-process through runCli: exit codes 0 / 2 / 3, what is written, and where.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliIn } from './cliHarness';
import { validateReport } from '../../src/core/report';

describe('csv-trainer train', () => {
  let cwd: string;
  const run = (...args: string[]) => runCliIn(cwd, ['train', ...args]);
  const reports = () =>
    existsSync(join(cwd, '.csv-trainer', 'runs')) ? readdirSync(join(cwd, '.csv-trainer', 'runs')) : [];

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'csv-trainer-cli-'));
    copyFileSync(join(__dirname, '../../examples/textbook.csv'), join(cwd, 'textbook.csv'));
    copyFileSync(join(__dirname, '../../examples/purchases.csv'), join(cwd, 'purchases.csv'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('exit 0: batch on the textbook data writes a valid report with weights near 4 + 3x', async () => {
    const result = await run(
      'textbook.csv',
      '--target',
      'y',
      '--mode',
      'batch',
      '--lr',
      '0.01',
      '--batch-size',
      '10',
      '--epochs',
      '1000',
      '--normalize',
      'none',
      '--validation-split',
      '0',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no progress on a non-terminal stderr');
    const [name] = reports();
    assert.match(name, /-batch\.json$/);
    const report = JSON.parse(readFileSync(join(cwd, '.csv-trainer', 'runs', name), 'utf8'));
    assert.deepEqual(validateReport(report), []);
    assert.equal(report.dataset.path, 'textbook.csv');
    assert.equal(
      report.dataset.sha256,
      createHash('sha256')
        .update(readFileSync(join(cwd, 'textbook.csv')))
        .digest('hex'),
    );
    assert.deepEqual(report.dataset.features, ['x']);
    assert.ok(Math.abs(report.model.weights.x - 3) < 0.2 && Math.abs(report.model.bias - 4) < 0.3);
    assert.ok(Math.abs(report.metrics.train.mse - report.optimum.mse) < 1e-3);
  });

  it('exit 0: online logistic with --out, categorical feature and default features', async () => {
    const result = await run(
      'purchases.csv',
      '--target',
      'purchased',
      '--mode',
      'online',
      '--model',
      'logistic',
      '--features',
      'age,income_k,visits,time_on_site_min,device',
      '--lr',
      '0.05',
      '--epochs',
      '2',
      '--out',
      'out/p.json',
      '--quiet',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'p.json'), 'utf8'));
    assert.deepEqual(validateReport(report), []);
    assert.ok(report.metrics.progressive.accuracy > 0.6);
    assert.ok(report.preprocessing.features.includes('device=mobile'));
    const again = await run(
      'purchases.csv',
      '--target',
      'purchased',
      '--mode',
      'online',
      '--model',
      'logistic',
      '--out',
      'out/p.json',
      '--quiet',
    );
    assert.equal(again.code, 0);
    assert.ok(existsSync(join(cwd, 'out', 'p-2.json')), 'an existing report is never replaced');
  });

  for (const mode of ['online', 'batch'])
    it(`${mode} logistic: 0/1 labels (read as numbers) train the same model as no/yes labels`, async () => {
      const text = readFileSync(join(cwd, 'purchases.csv'), 'utf8');
      const named = text.replace(/,0$/gm, ',no').replace(/,1$/gm, ',yes');
      assert.notEqual(named, text);
      writeFileSync(join(cwd, 'named.csv'), named);
      const options = ['--target', 'purchased', '--features', 'age,income_k,visits,device', '--mode', mode];
      const flags = [...options, '--model', 'logistic', '--lr', '0.05', '--epochs', '2', '--quiet'];
      assert.equal((await run('purchases.csv', ...flags, '--out', 'numbers.json')).code, 0);
      assert.equal((await run('named.csv', ...flags, '--out', 'names.json')).code, 0);
      const numbers = JSON.parse(readFileSync(join(cwd, 'numbers.json'), 'utf8'));
      const names = JSON.parse(readFileSync(join(cwd, 'names.json'), 'utf8'));
      assert.deepEqual(numbers.preprocessing.targetClasses, ['0', '1']);
      assert.deepEqual(names.preprocessing.targetClasses, ['no', 'yes']);
      assert.deepEqual(numbers.model, names.model);
      assert.deepEqual(numbers.metrics, names.metrics);
      assert.equal(numbers.dataset.rowsUsed, names.dataset.rowsUsed);
    });

  const badInputs: [string, string[], RegExp][] = [
    [
      'unknown target',
      ['textbook.csv', '--target', 'nope', '--mode', 'batch'],
      /textbook\.csv: unknown target column "nope"/,
    ],
    [
      'unknown feature',
      ['textbook.csv', '--target', 'y', '--features', 'x,z', '--mode', 'batch'],
      /unknown feature column "z"/,
    ],
    [
      'non-numeric regression target',
      ['purchases.csv', '--target', 'device', '--mode', 'batch'],
      /not numeric/,
    ],
    [
      'one-class target',
      ['one-class.csv', '--target', 'label', '--mode', 'batch', '--model', 'logistic'],
      /one class/,
    ],
    [
      'no usable rows',
      ['empty-target.csv', '--target', 'y', '--features', 'x', '--mode', 'batch'],
      /no usable rows|empty/,
    ],
    [
      'bad --lr',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--lr', 'fast'],
      /textbook\.csv: --lr must be/,
    ],
    [
      'bad --epochs',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '0'],
      /--epochs must be/,
    ],
    ['bad --mode', ['textbook.csv', '--target', 'y', '--mode', 'stream'], /--mode must be batch or online/],
    [
      'bad --backend',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--backend', 'webgl'],
      /--backend must be/,
    ],
    [
      'unknown option',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--fast'],
      /unknown option "--fast"/,
    ],
    ['missing file', ['missing.csv', '--target', 'y', '--mode', 'batch'], /missing\.csv: no such file/],
    ['FILE is a folder', ['sub', '--target', 'y', '--mode', 'batch'], /cannot read sub: it is a directory/],
    ['missing FILE', ['--target', 'y', '--mode', 'batch'], /missing FILE; usage: csv-trainer train --help/],
    [
      '--epochs in hexadecimal',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '0x10'],
      /--epochs must be an integer/,
    ],
    [
      '--out an existing folder',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--out', 'sub'],
      /--out sub is a folder; name the report file, such as sub\/report\.json/,
    ],
    [
      '--out ending in a slash',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--out', 'new/'],
      /--out new\/ is a folder/,
    ],
    [
      '--out not a .json name',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--out', 'run.txt'],
      /--out must name a \.json file \(got "run\.txt"\)/,
    ],
    [
      '--out through a file',
      ['textbook.csv', '--target', 'y', '--mode', 'batch', '--out', 'textbook.csv/run.json'],
      /--out textbook\.csv\/run\.json: .*textbook\.csv is not a folder/,
    ],
    ['--out empty', ['textbook.csv', '--target', 'y', '--mode', 'batch', '--out='], /--out needs a value/],
    [
      'a row with too many fields (the line said once)',
      ['ragged.csv', '--target', 'y', '--mode', 'online'],
      /^csv-trainer: ragged\.csv:4: expected 2 fields \(as in the header\), found 3\n$/,
    ],
  ];
  for (const [label, args, message] of badInputs) {
    it(`exit 2, one line, nothing written: ${label}`, async () => {
      writeFileSync(join(cwd, 'one-class.csv'), 'x,label\n1,a\n2,a\n3,a\n');
      writeFileSync(join(cwd, 'empty-target.csv'), 'x,y\n1,\n2,\n');
      writeFileSync(join(cwd, 'ragged.csv'), 'x,y\n1,2\n2,4\n3,6,9\n4,8\n');
      mkdirSync(join(cwd, 'sub'));
      const before = readdirSync(cwd).sort();
      const result = await run(...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(reports(), []);
      assert.deepEqual(readdirSync(cwd).sort(), before, 'nothing written');
      assert.deepEqual(readdirSync(join(cwd, 'sub')), []);
    });
  }

  it('a numeric feature with one stray text value is numeric and that row is skipped, in both modes', async () => {
    const lines = ['x,z,y'];
    for (let i = 0; i < 300; i++)
      lines.push(`${i === 40 ? 'abc' : (i % 17) / 4},${(i % 5) / 2},${4 + (i % 13)}`);
    writeFileSync(join(cwd, 'typo.csv'), lines.join('\n') + '\n');
    for (const mode of ['batch', 'online']) {
      const result = await run(
        'typo.csv',
        '--target',
        'y',
        '--mode',
        mode,
        '--epochs',
        '2',
        '--out',
        `${mode}.json`,
      );
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(readFileSync(join(cwd, `${mode}.json`), 'utf8'));
      assert.deepEqual(report.dataset.features, ['x', 'z'], mode);
      assert.equal(report.dataset.rowsSkipped, 1, mode);
      assert.equal(report.dataset.rowsUsed, 299, mode);
    }
  });

  it('a renamed duplicate header is named in the summary, and the new name is what trains', async () => {
    writeFileSync(
      join(cwd, 'dup.csv'),
      'x,x,y\n' + [1, 2, 3, 4, 5, 6].map((i) => `${i},${i % 3},${2 * i}`).join('\n') + '\n',
    );
    const result = await run(
      'dup.csv',
      '--target',
      'y',
      '--mode',
      'batch',
      '--epochs',
      '2',
      '--out',
      'dup.json',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /\n {2}note: line 1: duplicate column name "x" \(column 2\) renamed to "x_2"\n/,
    );
    const report = JSON.parse(readFileSync(join(cwd, 'dup.json'), 'utf8'));
    assert.deepEqual(report.dataset.features, ['x', 'x_2']);
  });

  it('--help prints the usage of train on stdout and exits 0', async () => {
    const result = await run('--help');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^usage: csv-trainer train FILE --target COL/);
    assert.equal(result.stderr, '');
  });

  it('exit 2: a reports folder that is a symlink out of the working directory is refused', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'csv-trainer-outside-'));
    try {
      mkdirSync(join(cwd, '.csv-trainer'));
      symlinkSync(outside, join(cwd, '.csv-trainer', 'runs'));
      const result = await run('textbook.csv', '--target', 'y', '--mode', 'online');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /outside the workspace/);
      assert.deepEqual(readdirSync(outside), []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('exit 3: divergence writes the report with status "diverged" and says what to try', async () => {
    const result = await run(
      'textbook.csv',
      '--target',
      'y',
      '--mode',
      'online',
      '--lr',
      '10',
      '--normalize',
      'none',
      '--epochs',
      '10',
    );
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /lower learning rate/);
    const [name] = reports();
    const report = JSON.parse(readFileSync(join(cwd, '.csv-trainer', 'runs', name), 'utf8'));
    assert.equal(report.status, 'diverged');
    assert.deepEqual(validateReport(report), []);
  });

  it('an online MLP regressor learns a target in the hundreds at the default learning rate (standardised target)', async () => {
    copyFileSync(join(__dirname, '../../examples/housing.csv'), join(cwd, 'housing.csv'));
    const result = await run('housing.csv', '--target', 'price_k', '--mode', 'online', '--model', 'mlp');
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(readFileSync(join(cwd, '.csv-trainer', 'runs', reports()[0]), 'utf8'));
    assert.deepEqual(validateReport(report), []);
    assert.equal(report.status, 'completed');
    // In the target's units: an MSE of ~1e-3 would be the standardised scale leaking through.
    assert.ok(report.metrics.train.r2 > 0.85, `train R² ${report.metrics.train.r2}`);
    assert.ok(report.metrics.progressive.r2 > 0.8, `progressive R² ${report.metrics.progressive.r2}`);
    assert.ok(report.metrics.train.mse > 100, `train MSE ${report.metrics.train.mse}`);
  });

  it('exit 3: an online MLP that diverges in its first rows writes a valid report without progressive metrics', async () => {
    copyFileSync(join(__dirname, '../../examples/housing.csv'), join(cwd, 'housing.csv'));
    const result = await run(
      'housing.csv',
      '--target',
      'price_k',
      '--mode',
      'online',
      '--model',
      'mlp',
      '--lr',
      '10',
    );
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /diverged after [1-9]\d* samples/);
    const report = JSON.parse(readFileSync(join(cwd, '.csv-trainer', 'runs', reports()[0]), 'utf8'));
    assert.deepEqual(validateReport(report), []);
    assert.equal(report.status, 'diverged');
    assert.equal(report.metrics.progressive, undefined, 'nothing was scored before the divergence');
    assert.ok(Number.isFinite(report.metrics.train.mse));
  });

  // 2 MB is parsed on the main thread, 6 MB in the reader thread (src/node/rowWorker.ts); either
  // way the run stops in the first chunk, long before the reader has seen the whole file.
  for (const megabytes of [2, 6]) {
    it(`a run stopped early (diverged) still records the sha256 of the whole file (${megabytes} MB)`, async () => {
      const lines = ['x,y'];
      for (let i = 0; bytesOf(lines) < megabytes * 1e6; i++) lines.push(`${(i % 1000) * 37},${i % 1000}`);
      writeFileSync(join(cwd, 'big.csv'), lines.join('\n') + '\n');
      const result = await run(
        'big.csv',
        '--target',
        'y',
        '--mode',
        'online',
        '--lr',
        '10',
        '--normalize',
        'none',
      );
      assert.equal(result.code, 3, result.stderr);
      const report = JSON.parse(readFileSync(join(cwd, '.csv-trainer', 'runs', reports()[0]), 'utf8'));
      assert.equal(report.status, 'diverged');
      assert.ok(report.timing.samplesSeen < 20000, `saw ${report.timing.samplesSeen} samples`);
      const expected = createHash('sha256')
        .update(readFileSync(join(cwd, 'big.csv')))
        .digest('hex');
      assert.equal(report.dataset.sha256, expected);
    });
  }
});

function bytesOf(lines: string[]): number {
  return lines.length * 10;
}
