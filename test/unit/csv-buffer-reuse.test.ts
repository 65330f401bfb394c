// Node's fs streams hand out Buffers, and a file source may reuse one Buffer for every block. A
// Buffer's slice() is a view, not a copy: the CSV layer must copy what it keeps across chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadColumns } from '../../src/core/csv';

function* reusedBufferChunks(text: string, blockBytes: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text);
  const block = Buffer.alloc(blockBytes);
  for (let offset = 0; offset < bytes.length; offset += blockBytes) {
    const n = bytes.copy(block, 0, offset, offset + blockBytes);
    yield block.subarray(0, n);
    block.fill(0x39); // whatever the consumer kept of this block must not change with it
  }
}

test('columns read from one reused Buffer equal the file', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2}`);
  const text = `a,b\n${rows.join('\n')}\n`;
  const loaded = await loadColumns(reusedBufferChunks(text, 4096), [
    { name: 'a', kind: 'numeric' },
    { name: 'b', kind: 'numeric' },
  ]);
  assert.equal(loaded.rows, 3000);
  const [a, b] = loaded.columns;
  assert.ok(a.kind === 'numeric' && b.kind === 'numeric');
  for (let i = 0; i < 3000; i++) {
    assert.equal(a.values[i], i, `a at row ${i}`);
    assert.equal(b.values[i], i * 2, `b at row ${i}`);
  }
});
