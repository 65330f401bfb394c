// Category columns through the plain-rows fast path (the WebAssembly loop leaves each category
// field as a byte range, looked up by its bytes) against the general path that reads them as text:
// on messy input cut into chunks anywhere, the same rows, codes, categories, lines and skipped rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadColumns, readRowChunks } from '../../src/core/csv/index';
import type { ColumnRequest, ReadOptions } from '../../src/core/csv/types';
import { SeededRandom } from '../../src/core/training/index';
import { cutAt, encoder, reusedBufferSource } from './csv-helpers';

const WORDS = ['red', 'green', 'blue', 'cyan', 'plum', 'teal', 'r', 'reD', 'gold'];

/** A category as files write them: mostly plain words, sometimes what only the general path reads. */
function category(rng: SeededRandom, seed: number): string {
  const roll = rng.next();
  // New categories keep appearing late in the file, so dictionaries grow on both paths.
  if (roll < 0.75) return WORDS[Math.floor(rng.next() * WORDS.length)];
  if (roll < 0.8) return `w${Math.floor(rng.next() * 500)}`;
  if (roll < 0.83) return '';
  if (roll < 0.86) return `"${WORDS[Math.floor(rng.next() * 3)]}"`; // quoted: same text as unquoted
  if (roll < 0.88) return '"a,b"';
  if (roll < 0.9) return 'café';
  if (roll < 0.92) return ' red';
  if (roll < 0.94) return 'NA';
  if (roll < 0.96) return 'x'.repeat(60 + (seed % 20)); // around the 64-byte decode cut-off
  if (roll < 0.98) return '"say ""hi"""';
  return '12';
}

function number(rng: SeededRandom): string {
  const roll = rng.next();
  if (roll < 0.9) return (rng.normal() * 100).toFixed(Math.floor(rng.next() * 5));
  if (roll < 0.94) return '';
  if (roll < 0.97) return 'NA';
  return `"${Math.floor(rng.next() * 100)}"`;
}

function messyCsv(rows: number, seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const lines = ['x,colour,skip,y,shape'];
  for (let r = 0; r < rows; r++) {
    const cells = [number(rng), category(rng, seed), 'z', number(rng), category(rng, seed + 1)];
    if (rng.next() < 0.01) cells.push('9'); // a field too many
    if (rng.next() < 0.01) lines.push(''); // a blank line
    lines.push(cells.join(','));
  }
  const ending = seed % 2 === 0 ? '\n' : '\r\n';
  return encoder.encode(lines.join(ending) + (seed % 3 === 0 ? '' : ending));
}

const requests: ColumnRequest[] = [
  { name: 'y', kind: 'numeric' },
  { name: 'shape', kind: 'category' },
  { name: 'x', kind: 'numeric' },
  { name: 'colour', kind: 'category' },
];

async function read(bytes: Uint8Array, cuts: number[], options: ReadOptions & { chunkRows: number }) {
  const chunks = [];
  for await (const chunk of readRowChunks(reusedBufferSource(cutAt(bytes, cuts)), requests, {
    ...options,
    skipMalformedRows: true,
  }))
    chunks.push({
      rows: chunk.rows,
      values: Array.from(chunk.values),
      firstLine: chunk.firstLine,
      skippedRows: chunk.skippedRows,
      categories: chunk.categories.map((list) => list?.slice()),
    });
  return chunks;
}

describe('category columns on the plain-rows fast path', () => {
  it('read as the general path reads them, wherever the input is cut', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const bytes = messyCsv(1500, seed);
      const rng = new SeededRandom(seed * 31);
      const cuts = Array.from({ length: 1 + (seed % 5) * 8 }, () => Math.floor(rng.next() * bytes.length));
      const chunkRows = [7, 64, 1000][seed % 3];
      const general = await read(bytes, cuts, { chunkRows, plainRows: 'js' });
      const fast = await read(bytes, cuts, { chunkRows });
      assert.deepEqual(fast, general, `seed ${seed}`);
      const colours = general.at(-1)!.categories[3]!;
      assert.ok(
        colours.includes('café') && colours.includes('red') && colours.includes(' red'),
        `seed ${seed}`,
      );
    }
  });

  it('load the columns of a batch run as the general path does', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const bytes = messyCsv(3000, seed);
      const cuts = [Math.floor(bytes.length / 3), Math.floor(bytes.length / 2) + seed];
      const load = (options: ReadOptions) =>
        loadColumns(reusedBufferSource(cutAt(bytes, cuts)), requests, {
          ...options,
          skipMalformedRows: true,
        });
      const [fast, general] = [await load({}), await load({ plainRows: 'js' })];
      assert.deepEqual(fast, general, `seed ${seed}`);
      assert.ok(fast.rows > 2900, `seed ${seed}: ${fast.rows} rows`);
    }
  });

  it('keeps one code per category whichever path met it first', async () => {
    // "red" first quoted (general path), then plain (fast path), then a new plain word.
    const text = 'colour,y,x,shape\n"red",1,2,a\nred,3,4,a\nblue,5,6,"a"\n';
    const [chunk] = await read(encoder.encode(text), [], { chunkRows: 10 });
    assert.deepEqual(chunk!.categories[3], ['red', 'blue']);
    assert.deepEqual(chunk!.categories[1], ['a']);
    assert.deepEqual(chunk!.values, [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1]);
  });
});
