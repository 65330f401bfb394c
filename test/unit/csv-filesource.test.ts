import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError, loadColumns, readCsvRecords, readRowChunks } from '../../src/core/csv/index';
import { fileChunks, fileChunksSync, fileSize } from '../../src/node/fileSource';

const folder = mkdtempSync(join(tmpdir(), 'csv-filesource-'));

describe('fileChunks / fileChunksSync', () => {
  const path = join(folder, 'rows.csv');
  const lines = ['a,b', ...Array.from({ length: 2000 }, (_, i) => `${i},"text ${i} é, ""q"""`)];
  writeFileSync(path, lines.join('\r\n') + '\r\n');

  it('read the same rows in small reused blocks, async and sync', async () => {
    const expected = lines.slice(1).map((_, i) => [String(i), `text ${i} é, "q"`]);
    for (const source of [
      fileChunks(path, { blockBytes: 7 }),
      fileChunksSync(path, { blockBytes: 7 }),
      fileChunks(path),
      fileChunksSync(path),
    ]) {
      const result = await readCsvRecords(source);
      assert.deepEqual(result.records, expected);
    }
  });

  it('turn file system errors into one-line CsvError io messages', async () => {
    const missing = join(folder, 'missing.csv');
    for (const source of [fileChunks(missing), fileChunksSync(missing)]) {
      await assert.rejects(
        readCsvRecords(source),
        (error: unknown) =>
          error instanceof CsvError &&
          error.code === 'io' &&
          error.message === `cannot read ${missing}: no such file`,
      );
    }
    for (const source of [fileChunks(folder), fileChunksSync(folder)]) {
      await assert.rejects(
        readCsvRecords(source),
        (error: unknown) =>
          error instanceof CsvError && error.message === `cannot read ${folder}: it is a directory`,
      );
    }
  });

  it('fileSize refuses a folder and a pipe, which cannot be read twice, in one line', async () => {
    await assert.rejects(fileSize(folder), { message: `cannot read ${folder}: it is a directory` });
    const pipe = join(folder, 'pipe.csv');
    execFileSync('mkfifo', [pipe]);
    await assert.rejects(fileSize(pipe), { message: `cannot read ${pipe}: it is not a regular file` });
    assert.equal(await fileSize(path), statSync(path).size);
  });

  it('stop reading when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      loadColumns(fileChunks(path), [{ name: 'a', kind: 'numeric' }], { signal: controller.signal }),
      { name: 'AbortError' },
    );
    // Aborted while reading: the next block is not read.
    const midway = new AbortController();
    const chunks = readRowChunks(fileChunks(path, { blockBytes: 1024 }), [{ name: 'a', kind: 'numeric' }], {
      delimiter: ',',
      chunkRows: 10,
      signal: midway.signal,
    });
    assert.equal((await chunks.next()).value?.rows, 10);
    midway.abort();
    await assert.rejects(
      async () => {
        for await (const chunk of chunks) assert.ok(chunk.rows > 0);
      },
      { name: 'AbortError' },
    );
  });
});
