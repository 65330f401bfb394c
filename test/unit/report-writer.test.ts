// Atomic report writing: never over an existing report, stale temp files swept, no escape by symlink.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STALE_TEMP_MS, writeReportAtomically } from '../../src/node/reportWriter';

describe('writeReportAtomically', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'csv-trainer-writer-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the folder, writes JSON, and never replaces an existing report', async () => {
    const folder = join(root, '.csv-trainer', 'runs');
    const first = await writeReportAtomically(folder, 'run', { n: 1 }, { workspaceRoot: root });
    const second = await writeReportAtomically(folder, 'run.json', { n: 2 }, { workspaceRoot: root });
    const third = await writeReportAtomically(folder, 'run', { n: 3 }, { workspaceRoot: root });
    assert.deepEqual(
      [first, second, third],
      [join(folder, 'run.json'), join(folder, 'run-2.json'), join(folder, 'run-3.json')],
    );
    assert.deepEqual(JSON.parse(readFileSync(first, 'utf8')), { n: 1 });
    assert.deepEqual(JSON.parse(readFileSync(third, 'utf8')), { n: 3 });
    assert.deepEqual(
      readdirSync(folder).sort(),
      ['run-2.json', 'run-3.json', 'run.json'],
      'no temp files left',
    );
  });

  it('concurrent writers with one name all get their own file', async () => {
    const paths = await Promise.all(
      Array.from({ length: 8 }, (_, i) => writeReportAtomically(root, 'same', { i })),
    );
    assert.equal(new Set(paths).size, 8);
  });

  it('sweeps stale temp files and keeps fresh ones', async () => {
    const stale = join(root, '.csv-trainer-123-abc.tmp');
    const fresh = join(root, '.csv-trainer-456-def.tmp');
    writeFileSync(stale, '{');
    writeFileSync(fresh, '{');
    const old = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    utimesSync(stale, old, old);
    await writeReportAtomically(root, 'r', {});
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(fresh), true);
  });

  it('refuses a reports folder that is a symlink out of the workspace, and writes nothing there', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'csv-trainer-outside-'));
    try {
      mkdirSync(join(root, '.csv-trainer'));
      symlinkSync(outside, join(root, '.csv-trainer', 'runs'));
      await assert.rejects(
        writeReportAtomically(join(root, '.csv-trainer', 'runs'), 'r', {}, { workspaceRoot: root }),
        /outside the workspace/,
      );
      await assert.rejects(
        writeReportAtomically(join(root, '.csv-trainer', 'runs', 'deeper'), 'r', {}, { workspaceRoot: root }),
        /outside the workspace/,
      );
      assert.deepEqual(readdirSync(outside), []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('accepts a symlink that stays inside the workspace', async () => {
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    const written = await writeReportAtomically(
      join(root, 'link'),
      'r',
      { ok: true },
      { workspaceRoot: root },
    );
    assert.ok(existsSync(join(root, 'real', 'r.json')));
    assert.equal(written, join(root, 'link', 'r.json'));
  });
});
