// The Node file range source: seeking reads, and the profiling pass through it (reused blocks, read
// ahead, cut at row ends) gives exactly the profile of the whole file read at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { profileCsv } from '../../src/core/csv';
import { profileRangeWithRowIndex, readFileHead, readRows, RowIndex } from '../../src/host/rowIndex';
import { nodeFileRange } from '../../src/node/fileRange';

test('a file profiled through the range source matches the profile of its bytes; rows read back by seeking', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'inspector-range-'));
  try {
    const lines = ['id,amount,label,note'];
    // Well past the CSV reader's 64 KiB detection read-ahead and several stream blocks.
    for (let r = 0; r < 40_000; r++)
      lines.push(
        `${r},${(r * 7919) % 1000},group${r % 7},${r % 9 === 0 ? `"quoted, ${r}\nsecond line"` : `plain ${r}`}`,
      );
    const text = lines.join('\n') + '\n';
    const path = join(folder, 'data.csv');
    writeFileSync(path, text);
    const expected = await profileCsv([new TextEncoder().encode(text)], { skipMalformedRows: true });

    const range = await nodeFileRange(path);
    assert.ok(range, 'no Node fs');
    try {
      // The CSV reader keeps chunks with slice() while this source reuses its blocks: slice() must
      // copy (a Node Buffer's slice is a view, and corrupted rows near 64 KiB in bench:inspect).
      const block = range.allocate!(4);
      const kept = block.slice();
      block[0] = 1;
      assert.equal(kept[0], 0, 'slice() of a stream block is a view, not a copy');

      const head = await readFileHead(range);
      assert.deepEqual(head.header, ['id', 'amount', 'label', 'note']);
      const index = new RowIndex({ bom: head.bom });
      const profile = await profileRangeWithRowIndex(range, index, { totalBytes: range.size });
      assert.deepEqual(profile, expected);
      assert.equal(index.rowsIndexed, 40_000);
      assert.deepEqual((await readRows(index, range, head.delimiter, 36_000, 2)).rows, [
        ['36000', String((36_000 * 7919) % 1000), 'group6', 'quoted, 36000\nsecond line'],
        ['36001', String((36_001 * 7919) % 1000), 'group0', 'plain 36001'],
      ]);
    } finally {
      await range.close?.();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
