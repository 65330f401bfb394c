import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CliIo } from '../../src/cli/io';

const fixtures = join(__dirname, '../fixtures/csv');

type RunCli = (argv: string[], io: CliIo) => Promise<number>;

async function loadRunCli(): Promise<RunCli> {
  return (await import('../../src/cli/main')).runCli;
}

async function run(args: string[], stderrIsTTY = false) {
  const runCli = await loadRunCli();
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stderrIsTTY,
    cwd: fixtures,
  });
  return { code, stdout, stderr };
}

function assertBadInput(result: { code: number; stdout: string; stderr: string }, message: string) {
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `csv-trainer: ${message}\n`);
}

describe('csv-trainer inspect', () => {
  it('--json prints the documented shape on stdout', async () => {
    const { code, stdout, stderr } = await run(['inspect', 'small.csv', '--json']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const json = JSON.parse(stdout);
    assert.deepEqual(Object.keys(json).slice(0, 3), ['rows', 'delimiter', 'columns']);
    assert.equal(json.rows, 4);
    assert.equal(json.delimiter, ',');
    assert.deepEqual(Object.keys(json.columns[0]).slice(0, 8), [
      'name',
      'type',
      'missing',
      'distinct',
      'min',
      'max',
      'mean',
      'std',
    ]);
    const summary = json.columns.map(
      (c: { name: string; type: string; missing: number; distinct: number }) => [
        c.name,
        c.type,
        c.missing,
        c.distinct,
      ],
    );
    assert.deepEqual(summary, [
      ['id', 'integer', 0, 4],
      ['zip', 'category', 0, 3],
      ['city', 'category', 0, 3],
      ['price', 'number', 2, 2],
      ['in_stock', 'boolean', 0, 2],
    ]);
    assert.deepEqual([json.columns[3].min, json.columns[3].max, json.columns[3].mean], [7, 12.5, 9.75]);
    assert.equal(json.columns[1].min, null);
  });

  it('prints an aligned table without --json', async () => {
    const { code, stdout } = await run(['inspect', 'small.csv']);
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    assert.match(lines[0], /^small\.csv: 4 rows, 5 columns, delimiter ',', line ending lf$/);
    assert.match(lines[1], /^column\s+type\s+missing\s+distinct\s+min\s+max\s+mean\s+std$/);
    assert.equal(lines[1], 'column    type      missing  distinct  min   max  mean      std');
    assert.equal(lines[3], 'id        integer         0         4    1     4   2.5  1.29099');
    assert.equal(lines[6], 'price     number          2         2    7  12.5  9.75  3.88909');
    // Right-aligned numbers: every row of the table is as wide as the dashes under the header.
    assert.equal(lines[2].length, Math.max(...lines.slice(3, 8).map((l) => l.length)));
  });

  it('bad input: exit 2, one line on stderr naming file and line, nothing on stdout', async () => {
    assertBadInput(
      await run(['inspect', 'short-row.csv']),
      'short-row.csv: line 3: expected 2 fields (as in the header), found 1',
    );
    assertBadInput(
      await run(['inspect', 'latin1.csv', '--json']),
      'latin1.csv: line 2, field 2: invalid UTF-8 (byte 0xE9): the file looks Latin-1 (ISO-8859-1 / Windows-1252) encoded; save it as UTF-8',
    );
    assertBadInput(await run(['inspect', 'missing.csv']), 'cannot read missing.csv: no such file');
    assertBadInput(await run(['inspect', '.']), 'cannot read .: it is a directory');
  });

  it('bad arguments: exit 2, one line pointing at the usage; --help prints it', async () => {
    const none = await run(['inspect']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^csv-trainer: missing FILE; usage: csv-trainer inspect --help\n$/);
    const help = await run(['inspect', '--help']);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, 'usage: csv-trainer inspect FILE [--json]\n');
    const unknown = await run(['inspect', 'small.csv', '--yaml']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option "--yaml"/);
    assert.equal(unknown.stdout, '');
  });

  it('progress goes to stderr only when it is a terminal', async () => {
    const quiet = await run(['inspect', 'small.csv', '--json'], false);
    assert.equal(quiet.stderr, '');
  });
});
