// The CLI's reader thread (src/node/rowWorker.ts) against readRowChunks on this thread: the same
// chunks, the same categories, the same errors, and the sha256 of the whole file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRowChunks } from '../../src/core/csv/index';
import { CsvError, type ColumnRequest, type RowChunk } from '../../src/core/csv/types';
import { fileChunksSync } from '../../src/node/fileSource';
import { prestartRowWorker, rowWorkerScript, workerRowChunks } from '../../src/node/rowWorker';

const requests: ColumnRequest[] = [
  { name: 'x', kind: 'numeric' },
  { name: 'colour', kind: 'category' },
  { name: 'y', kind: 'numeric' },
];
const CHUNK_ROWS = 1000;
/** Over 2 MB: more than one read block, so a consumer that stops early leaves bytes unread. */
const ROWS = 120_000;

async function collect(chunks: AsyncIterable<RowChunk>) {
  const out: { rows: number; values: number[]; firstLine: number; categories: (string[] | undefined)[] }[] =
    [];
  for await (const chunk of chunks)
    out.push({
      rows: chunk.rows,
      values: Array.from(chunk.values.subarray(0, chunk.rows * chunk.width)),
      firstLine: chunk.firstLine,
      // Copied now: the dictionaries grow as later chunks arrive.
      categories: chunk.categories.map((list) => list?.slice()),
    });
  return out;
}

describe('reader thread', () => {
  let dir: string;
  let file: string;
  const script = rowWorkerScript();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'csv-trainer-worker-'));
    file = join(dir, 'mixed.csv');
    const colours = ['red', 'green', 'blue', 'cyan', 'plum'];
    let text = 'y,x,colour,unused\n';
    for (let i = 0; i < ROWS; i++) {
      // Plain rows, quoted fields, missing values and new categories late in the file.
      const colour = i < ROWS - 1500 ? colours[i % 3] : colours[i % 5];
      const x = i % 97 === 0 ? '' : String((i * 0.37) % 11);
      text += i % 50 === 0 ? `${i * 2},"${x}","${colour}",z\n` : `${i * 2},${x},${colour},z\n`;
    }
    writeFileSync(file, text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is found from the sources (and beside the bundled CLI)', () => {
    assert.ok(script, 'src/node/rowWorker.ts not found');
  });

  it('yields the chunks readRowChunks yields, categories included, and the sha256 of the file', async () => {
    const here = await collect(readRowChunks(fileChunksSync(file), requests, { chunkRows: CHUNK_ROWS }));
    let sha256: string | undefined;
    // The thread reads the whole file (no head on this thread: see the next tests for that).
    const there = await collect(
      workerRowChunks(script!, file, requests, {
        chunkRows: CHUNK_ROWS,
        headChunks: 0,
        onSha256: (hex) => (sha256 = hex),
      }),
    );
    assert.equal(there.length, ROWS / CHUNK_ROWS);
    // Buffers go back to the worker and are refilled: each chunk must still have been whole when read.
    assert.deepEqual(there, here);
    assert.deepEqual(there.at(-1)!.categories[1], ['red', 'green', 'blue', 'cyan', 'plum']);
    assert.equal(sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
  });

  it('reads with a thread started ahead of use', async () => {
    const here = await collect(readRowChunks(fileChunksSync(file), requests, { chunkRows: CHUNK_ROWS }));
    prestartRowWorker(script!);
    const there = await collect(workerRowChunks(script!, file, requests, { chunkRows: CHUNK_ROWS }));
    assert.deepEqual(there, here);
  });

  const numeric: ColumnRequest[] = [
    { name: 'y', kind: 'numeric' },
    { name: 'x', kind: 'numeric' },
  ];

  it('reads the first rows on this thread until the thread takes over: the same rows, lines, categories and sha256', async () => {
    const whole = createHash('sha256').update(readFileSync(file)).digest('hex');
    // Numeric columns, then with a category column: its dictionary goes over with the rows.
    for (const [columns, headChunks] of [
      [numeric, undefined],
      [numeric, 0],
      [numeric, 1],
      [numeric, 3],
      [requests, 1],
      [requests, 3],
      [requests, undefined],
    ] as const) {
      const here = await collect(readRowChunks(fileChunksSync(file), columns, { chunkRows: CHUNK_ROWS }));
      let sha256: string | undefined;
      const handovers: { byte: number; line: number }[] = [];
      const there = await collect(
        workerRowChunks(script!, file, columns, {
          chunkRows: CHUNK_ROWS,
          headChunks,
          onSha256: (hex) => (sha256 = hex),
          onHandover: (point) => handovers.push(point),
        }),
      );
      assert.deepEqual(there, here, `head of ${headChunks} chunks`);
      // Left to timing (undefined), this thread may read the whole file before the thread is up:
      // then no sha256 comes from it (the caller hashes the file itself).
      if (headChunks !== undefined || sha256 !== undefined)
        assert.equal(sha256, whole, `head of ${headChunks} chunks`);
      if (headChunks === 0) assert.deepEqual(handovers, []);
      if (headChunks !== undefined && headChunks > 0) {
        assert.equal(handovers.length, 1);
        assert.equal(handovers[0].line, here[headChunks].firstLine);
      }
    }
  });

  it('gives a CSV error on its line, before and after the thread takes over', async () => {
    for (const [headChunks, line] of [
      [1, 12],
      [20, 12],
      [2, 5000],
    ]) {
      const broken = join(dir, `broken-${line}.csv`);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[line - 1] += ',1,2';
      writeFileSync(broken, lines.join('\n'));
      await assert.rejects(
        collect(workerRowChunks(script!, broken, numeric, { chunkRows: CHUNK_ROWS, headChunks })),
        (error: unknown) => {
          assert.ok(error instanceof CsvError, String(error));
          assert.equal(error.line, line, `head of ${headChunks} chunks`);
          return true;
        },
      );
    }
  });

  it('reports no sha256 when the reading stops early', async () => {
    let sha256: string | undefined;
    const rows = workerRowChunks(script!, file, requests, {
      chunkRows: CHUNK_ROWS,
      onSha256: (hex) => (sha256 = hex),
    });
    let seen = 0;
    for await (const chunk of rows) {
      assert.equal(chunk.rows, CHUNK_ROWS);
      if (++seen === 2) break;
    }
    assert.equal(sha256, undefined);
  });

  it('passes a CSV error on with its kind and line', async () => {
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, readFileSync(file, 'utf8').replace('\n20,', '\n20,1,2,3,4,'));
    await assert.rejects(
      collect(workerRowChunks(script!, broken, requests, { chunkRows: CHUNK_ROWS })),
      (error: unknown) => {
        assert.ok(error instanceof CsvError, String(error));
        assert.equal(error.line, 12);
        assert.match(error.message, /fields/);
        return true;
      },
    );
  });
});
