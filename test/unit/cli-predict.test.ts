// `csv-trainer predict` in-process through runCli: one prediction per input row in order, the
// report's model and preprocessing applied, never overwriting, and bad input refused with exit 2
// and nothing written.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliIn } from './cliHarness';
import type { RunReport } from '../../src/core/report';

describe('csv-trainer predict', () => {
  let cwd: string;
  const run = (...argv: string[]) => runCliIn(cwd, argv);
  const train = async (...args: string[]): Promise<RunReport> => {
    const result = await run('train', ...args, '--out', 'run.json', '--quiet', '--backend', 'cpu');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(readFileSync(join(cwd, 'run.json'), 'utf8'));
  };
  const lines = (file: string) => readFileSync(join(cwd, file), 'utf8').trimEnd().split('\n');

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'csv-trainer-predict-'));
    for (const name of ['textbook.csv', 'purchases.csv', 'housing.csv'])
      copyFileSync(join(__dirname, '../../examples', name), join(cwd, name));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('linear: one row per input row, in order, y = bias + w·x from the report', async () => {
    const report = await train('textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '50');
    const result = await run('predict', 'run.json', 'textbook.csv');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /predicted 100 of 100 rows/);
    assert.match(result.stdout, /predictions: textbook\.predictions\.csv/);
    const output = lines('textbook.predictions.csv');
    assert.equal(output[0], 'row,prediction');
    assert.equal(output.length, 101);
    const input = lines('textbook.csv').slice(1);
    input.forEach((line, i) => {
      const [row, value] = output[i + 1].split(',');
      assert.equal(Number(row), i + 1);
      const expected = report.model.bias + report.model.weights.x * Number(line.split(',')[0]);
      assert.ok(Math.abs(Number(value) - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `row ${i + 1}`);
    });
  });

  it('logistic: the predicted label and the probability of the positive class', async () => {
    await train('purchases.csv', '--target', 'purchased', '--model', 'logistic', '--mode', 'batch');
    const result = await run('predict', 'run.json', 'purchases.csv', '--out', 'out/p.csv', '--quiet');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const output = lines('out/p.csv');
    assert.equal(output[0], 'row,prediction,probability_1');
    assert.equal(output.length, 3001);
    for (const line of output.slice(1)) {
      const [, label, p] = line.split(',');
      assert.equal(label, Number(p) >= 0.5 ? '1' : '0');
    }
  });

  it('softmax: class label and its probability; categorical features one-hot encoded', async () => {
    await train(
      'housing.csv',
      '--target',
      'neighborhood',
      '--features',
      'area_m2,price_k,has_garden',
      '--model',
      'softmax',
      '--mode',
      'batch',
    );
    assert.equal((await run('predict', 'run.json', 'housing.csv')).code, 0);
    const output = lines('housing.predictions.csv');
    assert.equal(output[0], 'row,prediction,probability');
    assert.equal(output.length, 2001);
    const classes = new Set(['airport', 'harbor', 'hillcrest', 'old town', 'riverside']);
    for (const line of output.slice(1)) {
      const [, label, p] = line.split(',');
      assert.ok(classes.has(label), label);
      assert.ok(Number(p) >= 0.2 && Number(p) <= 1, p);
    }
  });

  it('drop policy: a row missing a feature gets an empty prediction, counted', async () => {
    await train('textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '5');
    writeFileSync(join(cwd, 'new.csv'), 'x\n1\n\nNA\n2\n');
    const result = await run('predict', 'run.json', 'new.csv');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /predicted 2 of 3 rows .*\(1 left empty/);
    const output = lines('new.predictions.csv');
    // The empty line is no row (the CSV reader skips blank lines); "NA" is a missing value.
    assert.deepEqual(
      output.map((l) => l.split(',')[0]),
      ['row', '1', '2', '3'],
    );
    assert.equal(output[2], '2,');
  });

  it('never overwrites: the default name takes -2; an existing --out is refused', async () => {
    await train('textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '5');
    assert.equal((await run('predict', 'run.json', 'textbook.csv')).code, 0);
    assert.equal((await run('predict', 'run.json', 'textbook.csv')).code, 0);
    assert.ok(readdirSync(cwd).includes('textbook.predictions-2.csv'));
    writeFileSync(join(cwd, 'keep.csv'), 'mine\n');
    const refused = await run('predict', 'run.json', 'textbook.csv', '--out', 'keep.csv');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /keep\.csv: already exists/);
    assert.equal(readFileSync(join(cwd, 'keep.csv'), 'utf8'), 'mine\n');
  });

  const badInputs: [string, () => void, string[], RegExp][] = [
    [
      'an invalid report',
      () => writeFileSync(join(cwd, 'run.json'), '{"schemaVersion":1}'),
      ['run.json', 'textbook.csv'],
      /^csv-trainer: run\.json: not a CSV Trainer run report/,
    ],
    [
      'a report that is not JSON',
      () => writeFileSync(join(cwd, 'run.json'), 'nope'),
      ['run.json', 'textbook.csv'],
      /^csv-trainer: run\.json: not readable JSON/,
    ],
    [
      'a missing feature column',
      () => writeFileSync(join(cwd, 'new.csv'), 'z\n1\n'),
      ['run.json', 'new.csv'],
      /^csv-trainer: new\.csv: no column named "x"/,
    ],
    [
      'text in a numeric feature',
      () => writeFileSync(join(cwd, 'new.csv'), 'x,y\n1,2\n3,4\nabc,5\n'),
      ['run.json', 'new.csv'],
      /^csv-trainer: new\.csv:4:1: column "x" is numeric but holds "abc"/,
    ],
    ['a missing FILE', () => undefined, ['run.json', 'nope.csv'], /^csv-trainer: .*nope\.csv.*no such file/],
    [
      'an unknown flag',
      () => undefined,
      ['run.json', 'textbook.csv', '--fast'],
      /^csv-trainer: unknown option "--fast"/,
    ],
    ['one argument only', () => undefined, ['run.json'], /^csv-trainer: predict needs REPORT\.json and FILE/],
  ];
  for (const [name, prepare, args, message] of badInputs)
    it(`exit 2 and nothing written: ${name}`, async () => {
      await train('textbook.csv', '--target', 'y', '--mode', 'batch', '--epochs', '5');
      prepare();
      const before = readdirSync(cwd).sort();
      const result = await run('predict', ...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trimEnd().split('\n')[0].length > 0, true);
      assert.equal(result.stdout, '');
      assert.deepEqual(readdirSync(cwd).sort(), before, 'no file created, no temp file left');
    });
});
