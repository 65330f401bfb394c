// The inspector's row index: row starts found quote-aware in one streaming pass, rows read back by
// seeking, and the same row count as the CSV layer's profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileCsv, readCsvRecords } from '../../src/core/csv';
import {
  profileWithRowIndex,
  rangeChunks,
  readFileHead,
  readRows,
  RowIndex,
  ROWS_PER_CHECKPOINT,
  type RangeSource,
} from '../../src/host/rowIndex';

const encoder = new TextEncoder();

function memorySource(bytes: Uint8Array): RangeSource & { reads: number; bytesRead: number } {
  const source = {
    size: bytes.length,
    reads: 0,
    bytesRead: 0,
    async read(offset: number, length: number) {
      source.reads++;
      const slice = bytes.slice(offset, Math.min(bytes.length, offset + length));
      source.bytesRead += slice.length;
      return slice;
    },
  };
  return source;
}

/** Chunks of every size from 1 byte up: row and quote boundaries fall everywhere. */
function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function indexOf(text: string, chunkSize = 7): { index: RowIndex; bytes: Uint8Array } {
  const bytes = encoder.encode(text);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const index = new RowIndex({ bom });
  for (const chunk of chunked(bytes, chunkSize)) index.feed(chunk);
  index.finish();
  return { index, bytes };
}

test('a line break inside quotes does not end a row; doubled quotes keep the state', () => {
  const text = 'a,b\n1,"two\nlines"\n3,"say ""hi""\r\n, ok"\n5,6';
  for (const size of [1, 2, 3, 5, 64]) {
    const { index } = indexOf(text, size);
    assert.equal(index.rowsIndexed, 3, `chunk size ${size}`);
    assert.equal(index.dataStart, 4);
  }
});

test('blank lines and a missing final line break count as the tokenizer counts them', async () => {
  const text = '\n\nx,y\r\n1,2\r\n\r\n3,4\n\n5,6';
  const { index, bytes } = indexOf(text, 3);
  const profile = await profileCsv([bytes]);
  assert.equal(index.rowsIndexed, profile.rows);
  assert.equal(index.rowsIndexed, 3);
});

test('CR-only line endings are indexed too', () => {
  const { index } = indexOf('a,b\r1,2\r3,4\r', 4);
  assert.equal(index.rowsIndexed, 2);
});

test('a BOM is not part of the header; header-only and empty files have no rows', async () => {
  assert.equal(indexOf('\ufeffa,b\n1,2\n').index.rowsIndexed, 1);
  assert.equal(indexOf('a,b\n').index.rowsIndexed, 0);
  assert.equal(indexOf('a,b').index.rowsIndexed, 0);
  assert.equal(indexOf('').index.rowsIndexed, 0);
  const head = await readFileHead(memorySource(encoder.encode('\ufeff"na;me";value\nx;1\n')));
  assert.deepEqual(
    { ...head, headIndex: undefined },
    { delimiter: ';', bom: true, header: ['na;me', 'value'], headIndex: undefined },
  );
  assert.equal(head.headIndex.rowsIndexed, 1);
  assert.ok(head.headIndex.complete);
});

test('rows read by seeking equal the parsed records, anywhere in a file of many checkpoints', async () => {
  const lines = ['id,text,value'];
  const rowCount = ROWS_PER_CHECKPOINT * 5 + 17;
  for (let r = 0; r < rowCount; r++) {
    const text = r % 7 === 0 ? `"multi\nline ""${r}"", with comma"` : `plain${r}`;
    lines.push(`${r},${text},${r * 0.5}`);
    if (r % 50 === 0) lines.push('');
  }
  const bytes = encoder.encode(lines.join('\n') + '\n');
  const expected = (await readCsvRecords([bytes])).records;
  const index = new RowIndex();
  const profile = await profileWithRowIndex(chunked(bytes, 4093), index);
  assert.equal(index.rowsIndexed, rowCount);
  assert.equal(profile.rows, rowCount);
  assert.equal(index.checkpointsHeld, Math.floor(rowCount / ROWS_PER_CHECKPOINT) + 1);

  const source = memorySource(bytes);
  for (const start of [
    0,
    1,
    ROWS_PER_CHECKPOINT - 1,
    ROWS_PER_CHECKPOINT,
    3 * ROWS_PER_CHECKPOINT + 5,
    rowCount - 3,
  ]) {
    const block = await readRows(index, source, ',', start, 10);
    assert.equal(block.start, start);
    assert.deepEqual(block.rows, expected.slice(start, Math.min(start + 10, rowCount)), `rows from ${start}`);
  }
  // Seeking: a read near the end touches a small part of the file, not all of it.
  source.bytesRead = 0;
  await readRows(index, source, ',', rowCount - 5, 5);
  assert.ok(source.bytesRead < bytes.length / 4, `read ${source.bytesRead} of ${bytes.length} bytes`);
});

test('rows not indexed yet are not read; reading while indexing sees the rows so far', async () => {
  const bytes = encoder.encode('a\n' + Array.from({ length: 1000 }, (_, i) => String(i)).join('\n') + '\n');
  const index = new RowIndex();
  index.feed(bytes.subarray(0, 200));
  const partial = index.rowsIndexed;
  assert.ok(partial > 0 && partial < 1000);
  const block = await readRows(index, memorySource(bytes), ',', partial - 2, 10);
  assert.deepEqual(block.rows, [[String(partial - 2)], [String(partial - 1)]]);
});

test('a broken row in the preview gives the rows before it and a note, not an exception', async () => {
  const bytes = encoder.encode('a,b\n1,2\n3,"x"y\n5,6\n');
  const index = new RowIndex();
  index.feed(bytes);
  index.finish();
  const block = await readRows(index, memorySource(bytes), ',', 0, 3);
  assert.deepEqual(block.rows, [['1', '2']]);
  assert.match(block.note ?? '', /after a closing quote/);
});

test('the first rows are readable from the head alone; streaming the range source gives every byte once', async () => {
  const text = 'n,square\n' + Array.from({ length: 20_000 }, (_, i) => `${i},${i * i}`).join('\n') + '\n';
  const bytes = encoder.encode(text);
  const source = memorySource(bytes);
  const head = await readFileHead(source);
  assert.ok(
    head.headIndex.rowsIndexed > 100 && !head.headIndex.complete,
    `head rows: ${head.headIndex.rowsIndexed}`,
  );
  assert.deepEqual((await readRows(head.headIndex, source, ',', 100, 2)).rows, [
    ['100', '10000'],
    ['101', '10201'],
  ]);

  const streamed: Uint8Array[] = [];
  for await (const chunk of rangeChunks(source, { blockBytes: 1000 })) streamed.push(chunk);
  assert.deepEqual(Buffer.concat(streamed), Buffer.from(bytes));
  const index = new RowIndex();
  const profile = await profileWithRowIndex(rangeChunks(source, { blockBytes: 4096 }), index);
  assert.equal(profile.rows, 20_000);
  assert.equal(index.rowsIndexed, 20_000);
});

test('cancelling stops the profiling pass; the rows indexed so far stay readable', async () => {
  const text = 'v\n' + Array.from({ length: 200_000 }, (_, i) => String(i)).join('\n') + '\n';
  const bytes = encoder.encode(text);
  const index = new RowIndex();
  const abort = new AbortController();
  let chunksRead = 0;
  const slowChunks = async function* () {
    for (const chunk of chunked(bytes, 16 * 1024)) {
      if (++chunksRead === 10) abort.abort();
      yield chunk;
    }
  };
  await assert.rejects(
    profileWithRowIndex(slowChunks(), index, { signal: abort.signal }),
    (error: Error) => error.name === 'AbortError',
  );
  assert.ok(chunksRead < 20, `read ${chunksRead} chunks after cancelling`);
  assert.ok(index.rowsIndexed > 0 && index.rowsIndexed < 200_000 && !index.complete);
  const block = await readRows(index, memorySource(bytes), ',', index.rowsIndexed - 1, 5);
  assert.deepEqual(block.rows, [[String(index.rowsIndexed - 1)]]);
});

test('random valid CSVs: the word-at-a-time scan counts rows as the parser does, whatever the chunking', async () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const fields = [
    '1',
    'abc',
    '',
    '"x,y"',
    '"two\nlines"',
    '"say ""hi"""',
    '"\r\n"',
    'long value with spaces',
    '"""'.concat('"'),
  ];
  for (let round = 0; round < 40; round++) {
    const lines = ['a,b,c'];
    const rows = 1 + Math.floor(random() * 60);
    for (let r = 0; r < rows; r++)
      lines.push([0, 1, 2].map(() => fields[Math.floor(random() * fields.length)]).join(','));
    const bytes = encoder.encode(lines.join(random() < 0.5 ? '\n' : '\r\n') + (random() < 0.5 ? '\n' : ''));
    const expected = (await readCsvRecords([bytes])).records.length;
    for (const size of [1, 4, 7, 8, 64, 1 << 16]) {
      const index = new RowIndex();
      // Fresh copies: every chunk starts aligned, as file blocks do, so the four-byte path runs.
      for (const chunk of chunked(bytes, size)) index.feed(chunk.slice());
      index.finish();
      assert.equal(index.rowsIndexed, expected, `round ${round}, chunk size ${size}`);
    }
  }
});

test('blocks cut at row ends (profiling through a range source) give the same profile and rows', async () => {
  const lines = ['id,text,value'];
  for (let r = 0; r < 3000; r++)
    lines.push(`${r},${r % 5 === 0 ? `"multi\nline ""${r}"""` : `t${r}`},${r / 4}`);
  const bytes = encoder.encode('\ufeff' + lines.join('\r\n') + '\r\n');
  const expected = await profileCsv([bytes], { skipMalformedRows: true });
  const records = (await readCsvRecords([bytes])).records;
  const source = memorySource(bytes);
  for (const blockBytes of [100, 777, 4096]) {
    const index = new RowIndex({ bom: true });
    const chunks: Uint8Array[] = [];
    const profile = await profileCsv(
      (async function* () {
        for await (const chunk of rangeChunks(source, { blockBytes, index })) {
          chunks.push(chunk.slice());
          yield chunk;
        }
      })(),
      { skipMalformedRows: true },
    );
    assert.deepEqual(profile, expected, `block size ${blockBytes}`);
    assert.equal(index.rowsIndexed, 3000);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(bytes), 'every byte handed on once');
    const cutAtRowEnd = chunks.slice(0, -1).filter((chunk) => chunk[chunk.length - 1] === 0x0a).length;
    assert.ok(cutAtRowEnd > chunks.length / 2, `${cutAtRowEnd} of ${chunks.length} blocks end at a row end`);
    assert.deepEqual((await readRows(index, source, ',', 2990, 10)).rows, records.slice(2990));
  }
});
