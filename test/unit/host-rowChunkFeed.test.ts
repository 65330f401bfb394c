// RowChunkFeed: the online feed of the training panel serves the webview's chunk requests in
// turn, so that requests sent at once (a hostile or confused webview) leave no reader open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RowChunk } from '../../src/core/csv/types';
import { RowChunkFeed } from '../../src/host/dataSource';

/** A feed over `chunks` chunks of one row each (the row's value is its index) that counts its readers. */
function countingFeed(chunks: number) {
  const readers = { opened: 0, closed: 0 };
  const feed = new RowChunkFeed(async function* () {
    readers.opened++;
    try {
      for (let i = 0; i < chunks; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        const chunk: RowChunk = {
          rows: 1,
          width: 1,
          values: Float64Array.of(i),
          firstLine: i + 2,
          categories: [undefined],
          skippedRows: 0,
        };
        yield chunk;
      }
    } finally {
      readers.closed++;
    }
  });
  return { feed, readers };
}

describe('RowChunkFeed', () => {
  it('serves requests in order, restarts at the first chunk, and ends with null', async () => {
    const { feed } = countingFeed(3);
    const values = async (restart: boolean) => (await feed.next(restart))?.values[0] ?? null;
    assert.deepEqual(await Promise.all([values(false), values(false), values(false), values(false)]), [
      0,
      1,
      2,
      null,
    ]);
    assert.equal(await values(true), 0);
    assert.equal(await values(false), 1);
    await feed.close();
  });

  it('restarts requested at once leave no reader open', async () => {
    const { feed, readers } = countingFeed(5);
    await feed.next(false);
    const firsts = await Promise.all(Array.from({ length: 50 }, () => feed.next(true)));
    assert.ok(firsts.every((chunk) => chunk?.values[0] === 0));
    await feed.close();
    assert.equal(readers.opened, 51);
    assert.equal(readers.closed, 51, 'every reader opened is closed');
  });
});
