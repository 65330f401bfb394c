import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CsvError,
  loadColumns,
  parseStrictNumber,
  profileCsv,
  readCsvRecords,
  readRowChunks,
  RowChunk,
} from '../../src/core/csv/index';
import { MAX_CHUNK_VALUES } from '../../src/core/csv/load';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutAt, encoder } from './csv-helpers';

const source = (text: string) => [encoder.encode(text)];

describe('profileCsv', () => {
  it('infers types over the whole file, with strict numbers and identifiers', async () => {
    const lines = ['id,zip,price,label,flag,when,note,late,empty,typo'];
    for (let i = 1; i <= 200; i++) {
      const zip = i === 150 ? '02210' : String(10000 + i);
      const price = i === 7 ? '' : i === 8 ? 'NA' : (i * 0.5).toString();
      // `late` looks numeric for 170 rows: only the whole file shows it is not (decimal commas).
      const late = i > 170 ? `"${i},5"` : String(i);
      // `typo` is numeric but for one value (under one in ten): a numeric column, that value missing.
      const typo = i === 120 ? 'abc' : String(i * 2);
      lines.push(
        `${i},${zip},${price},${i % 3 === 0 ? 'red' : 'blue'},${i % 2 === 0 ? 'true' : 'false'},2024-01-${String((i % 28) + 1).padStart(2, '0')},"note ${i}",${late},,${typo}`,
      );
    }
    const profile = await profileCsv(source(lines.join('\n') + '\n'));
    const byName = new Map(profile.columns.map((c) => [c.name, c]));
    assert.equal(profile.rows, 200);
    assert.equal(byName.get('id')!.type, 'integer');
    assert.equal(byName.get('zip')!.type, 'text'); // leading zero: an identifier, 200 distinct
    assert.equal(byName.get('price')!.type, 'number');
    assert.equal(byName.get('price')!.missing, 2);
    assert.equal(byName.get('label')!.type, 'category');
    assert.deepEqual(byName.get('label')!.topCategories, [
      { value: 'blue', count: 134 },
      { value: 'red', count: 66 },
    ]);
    assert.equal(byName.get('flag')!.type, 'boolean');
    assert.equal(byName.get('when')!.type, 'date');
    assert.equal(byName.get('note')!.type, 'text');
    assert.equal(byName.get('late')!.type, 'text');
    assert.equal(byName.get('empty')!.type, 'empty');
    assert.equal(byName.get('empty')!.missing, 200);
    assert.equal(byName.get('typo')!.type, 'integer');
    assert.equal(byName.get('typo')!.max, 400);
    assert.deepEqual(
      profile.problems.filter((p) => p.message.includes('"typo"')).map((p) => p.line),
      [121],
      'the odd value is named with its line',
    );
  });

  it('typesOnly: the same types and counts as the full profile, without histograms', async () => {
    const text = readFileSync(join(__dirname, '../../examples/housing.csv'), 'utf8');
    const lines = text.trimEnd().split('\n');
    // 3,000 distinct floats: past the few distinct values types need, which typesOnly stops at.
    const wide = ['u,' + lines[0], ...lines.slice(1).map((line, i) => `${(i * 0.37).toFixed(2)},${line}`)];
    const full = await profileCsv(source(wide.join('\n') + '\n'));
    const types = await profileCsv(source(wide.join('\n') + '\n'), { typesOnly: true });
    assert.deepEqual(
      types.columns.map((c) => [c.name, c.type, c.count, c.missing]),
      full.columns.map((c) => [c.name, c.type, c.count, c.missing]),
    );
    assert.ok(
      full.columns.some((c) => c.histogram),
      'the full profile has histograms',
    );
    assert.ok(types.columns.every((c) => c.histogram === undefined));
    const u = types.columns[0];
    assert.equal(u.type, 'number');
    assert.ok(u.distinctCapped && u.distinct <= 1001, `distinct ${u.distinct}`);
    const neighborhood = types.columns.find((c) => c.name === 'neighborhood')!;
    assert.equal(neighborhood.distinct, full.columns.find((c) => c.name === 'neighborhood')!.distinct);
  });

  it('ZIP codes with leading zeros stay categories when few', async () => {
    const profile = await profileCsv(source('zip\n02210\n02139\n02210\n10001\n02139\n02210\n'));
    assert.equal(profile.columns[0].type, 'category');
    assert.equal(profile.columns[0].topCategories![0].value, '02210');
  });

  it('computes count, missing, min, max, mean, sample std (Welford) and a histogram', async () => {
    const values = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 1000) / 10 - 20);
    const text = 'x\n' + values.map(String).join('\n') + '\n\n';
    const [column] = (await profileCsv(source(text))).columns;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    assert.equal(column.count, 5000);
    assert.equal(column.min, Math.min(...values));
    assert.equal(column.max, Math.max(...values));
    assert.ok(Math.abs(column.mean! - mean) < 1e-9);
    assert.ok(Math.abs(column.std! - Math.sqrt(variance)) < 1e-9);
    const histogram = column.histogram!;
    assert.equal(
      histogram.counts.reduce((a, b) => a + b, 0),
      5000,
    );
    assert.ok(histogram.min <= column.min! && histogram.max >= column.max!);
    assert.ok(histogram.counts.length >= 16);
  });

  it('keeps the histogram and distinct table bounded when the range keeps growing', async () => {
    const values = Array.from({ length: 30000 }, (_, i) => (i % 2 === 0 ? i : -i) * 1.5);
    const [column] = (await profileCsv(source('x\n' + values.join('\n')))).columns;
    assert.ok(column.histogram!.counts.length <= 64);
    assert.equal(
      column.histogram!.counts.reduce((a, b) => a + b, 0),
      30000,
    );
    assert.equal(column.distinct, 10000);
    assert.equal(column.distinctCapped, true);
  });
});

describe('loadColumns and readRowChunks', () => {
  const text = 'x,color,y\n1.5,red,3\n,blue,4\n2.5,,x\n-1e3,red,6\n';

  it('loads Float32 columns (NaN for missing or not a number) and Int32 category codes (-1 missing)', async () => {
    const loaded = await loadColumns(source(text), [
      { name: 'y', kind: 'numeric' },
      { name: 'color', kind: 'category' },
      { name: 'x', kind: 'numeric' },
    ]);
    assert.equal(loaded.rows, 4);
    const [y, color, x] = loaded.columns;
    assert.ok(y.kind === 'numeric' && y.values instanceof Float32Array);
    assert.deepEqual(Array.from(y.values), [3, 4, NaN, 6]);
    assert.ok(color.kind === 'category' && color.codes instanceof Int32Array);
    assert.deepEqual(Array.from(color.codes), [0, 1, -1, 0]);
    assert.deepEqual(color.categories, ['red', 'blue']);
    assert.ok(x.kind === 'numeric');
    assert.deepEqual(Array.from(x.values), [1.5, NaN, 2.5, -1000]);
  });

  it('grows its buffers past the first allocation, presized or not', async () => {
    const rows = 150_000;
    const big = 'a,b\n' + Array.from({ length: rows }, (_, i) => `${i},${i % 7}`).join('\n');
    for (const totalBytes of [undefined, big.length, 10]) {
      const loaded = await loadColumns(source(big), [{ name: 'a', kind: 'numeric' }], { totalBytes });
      assert.equal(loaded.rows, rows);
      const [a] = loaded.columns;
      assert.ok(a.kind === 'numeric');
      assert.equal(a.values.length, rows);
      assert.equal(a.values[rows - 1], rows - 1);
    }
  });

  it('hands out row chunks only when asked (backpressure), in file order, with line numbers', async () => {
    let chunksRead = 0;
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i},${i % 2 ? 'odd' : 'even'}\n`);
    async function* slowSource(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('n,parity\n');
      for (let i = 0; i < lines.length; i += 100) {
        chunksRead++;
        yield encoder.encode(lines.slice(i, i + 100).join(''));
      }
    }
    const chunks = readRowChunks(
      slowSource(),
      [
        { name: 'parity', kind: 'category' },
        { name: 'n', kind: 'numeric' },
      ],
      { chunkRows: 25 },
    );
    const first = (await chunks.next()).value as RowChunk;
    // The first 64 KiB are read to detect the delimiter; beyond that, nothing until asked.
    const readAfterFirst = chunksRead;
    assert.ok(readAfterFirst < 100, `read ${readAfterFirst} of 200 source chunks for 25 rows`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(chunksRead, readAfterFirst);
    assert.equal(first.rows, 25);
    assert.equal(first.width, 2);
    assert.equal(first.firstLine, 2);
    assert.deepEqual(Array.from(first.values.subarray(0, 4)), [0, 0, 1, 1]);
    assert.deepEqual(first.categories[0], ['even', 'odd']);
    let rows = first.rows;
    let last = first;
    for await (const chunk of chunks) {
      rows += chunk.rows;
      last = chunk;
    }
    assert.equal(rows, 20_000);
    assert.equal(chunksRead, 200);
    assert.equal(last.values[(last.rows - 1) * 2 + 1], 19_999);
    assert.equal(last.firstLine, 2 + 19_975);
  });

  it('starts with short chunks that double up to the chunk size asked for', async () => {
    const text = 'a\n' + Array.from({ length: 20_000 }, (_, i) => `${i}\n`).join('');
    // Without and with buffers handed back (those have room for a full chunk): the same chunks,
    // each `values` exactly its rows.
    for (const handBack of [false, true]) {
      const sizes: number[] = [];
      const spent: Float64Array[] = [];
      let next = 0;
      for await (const chunk of readRowChunks(source(text), [{ name: 'a', kind: 'numeric' }], {
        chunkRows: 4096,
        ...(handBack ? { reuse: () => spent.pop() } : {}),
      })) {
        sizes.push(chunk.rows);
        assert.equal(chunk.values.length, chunk.rows * chunk.width);
        assert.equal(chunk.values[0], next);
        assert.equal(chunk.values[chunk.rows - 1], next + chunk.rows - 1);
        assert.equal(chunk.firstLine, next + 2);
        next += chunk.rows;
        if (handBack) spent.push(chunk.values);
      }
      assert.deepEqual(sizes, [1024, 2048, 4096, 4096, 4096, 4096, 544]);
    }
  });

  it('gives a wide file shorter chunks: a chunk holds at most MAX_CHUNK_VALUES values', async () => {
    const width = 3000;
    const header = Array.from({ length: width }, (_, c) => `c${c}`).join(',');
    const row = (r: number) => Array.from({ length: width }, (_, c) => (r * width + c) % 1000).join(',');
    const text = [header, ...Array.from({ length: 500 }, (_, r) => row(r))].join('\n') + '\n';
    const requests = Array.from({ length: width }, (_, c) => ({ name: `c${c}`, kind: 'numeric' as const }));
    let rows = 0;
    let chunks = 0;
    for await (const chunk of readRowChunks(source(text), requests, { chunkRows: 16384 })) {
      assert.ok(chunk.values.length <= MAX_CHUNK_VALUES, `${chunk.values.length} values in a chunk`);
      assert.equal(
        chunk.values[chunk.rows * width - 1],
        ((rows + chunk.rows - 1) * width + width - 1) % 1000,
      );
      rows += chunk.rows;
      chunks++;
    }
    assert.equal(rows, 500);
    assert.equal(chunks, Math.ceil(500 / Math.floor(MAX_CHUNK_VALUES / width)));
    // Loading columns goes through blocks of the same bound.
    const loaded = await loadColumns(source(text), requests);
    assert.equal(loaded.rows, 500);
    const last = loaded.columns[width - 1];
    assert.ok(last.kind === 'numeric');
    assert.equal(last.values[499], (499 * width + width - 1) % 1000);
    assert.equal(last.values[200], (200 * width + width - 1) % 1000);
  });
});

describe('numeric fast path', () => {
  // Fields the fused scan-and-parse path must either handle exactly or hand back to the general path.
  const numericField = fc.oneof(
    fc
      .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
      .map((v) => String(Number(v.toPrecision(7)))),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => v.toPrecision(17)),
    fc.integer({ min: -99999, max: 99999 }).map(String),
    fc.constantFrom(
      '',
      ' 1',
      '2 ',
      '1e3',
      '.5',
      '5.',
      '-0',
      '+7',
      '007',
      'NA',
      '"3.5"',
      '"1,5"',
      '0.1234567890123456789',
      '1.00000000000000000000001',
      '0.00000000000000000000001',
      '1e400',
      'x',
      'é',
      '"x\ny"',
      '"p,q"',
    ),
  );

  it('loadColumns and readRowChunks equal the general parser + strict numbers, with any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(numericField, numericField, numericField), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(['a', 'c'], ['c', 'b', 'a'], ['b']),
        async (rows, lineEnding, rawCuts, wanted) => {
          const text = 'a,b,c' + lineEnding + rows.map((row) => row.join(',')).join(lineEnding) + lineEnding;
          const bytes = encoder.encode(text);
          const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
          const reference = await readCsvRecords([bytes], { delimiter: ',' });
          const exact = wanted.map((name) =>
            reference.records.map((record) => parseStrictNumber(record[reference.header.indexOf(name)])),
          );
          const expected = exact.map((column) => column.map(Math.fround));
          const loaded = await loadColumns(
            cutAt(bytes, cuts),
            wanted.map((name) => ({ name, kind: 'numeric' as const })),
            { delimiter: ',' },
          );
          assert.deepEqual(
            loaded.columns.map((column) => (column.kind === 'numeric' ? Array.from(column.values) : [])),
            expected,
          );
          assert.equal(loaded.dialect.lineEnding, lineEnding === '\n' ? 'lf' : 'crlf');
          const chunked: number[][] = wanted.map(() => []);
          const rowLines: number[] = [];
          let line = 2;
          for (const row of rows) {
            rowLines.push(line);
            line += row.join(',').split('\n').length;
          }
          let rowIndex = 0;
          for await (const chunk of readRowChunks(
            cutAt(bytes, cuts),
            wanted.map((name) => ({ name, kind: 'numeric' as const })),
            { delimiter: ',', chunkRows: 4 },
          )) {
            assert.equal(chunk.firstLine, rowLines[rowIndex]);
            rowIndex += chunk.rows;
            for (let r = 0; r < chunk.rows; r++)
              for (let c = 0; c < chunk.width; c++) chunked[c].push(chunk.values[r * chunk.width + c]);
          }
          assert.deepEqual(chunked, exact); // Float64: exactly Number()'s value
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads on from any chunk end (resumeAt): the same rows and lines, any chunking, BOM or not', async () => {
    const collect = async (chunks: AsyncIterable<RowChunk>) => {
      const out: { line: number; values: number[] }[] = [];
      for await (const chunk of chunks)
        for (let r = 0; r < chunk.rows; r++)
          out.push({
            line: r === 0 ? chunk.firstLine : -1,
            values: Array.from(chunk.values.subarray(r * chunk.width, (r + 1) * chunk.width)),
          });
      return out;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(numericField, numericField, numericField), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, lineEnding, bom, rawCuts, rawResumeCuts) => {
          const text =
            (bom ? '\uFEFF' : '') +
            'a,b,c' +
            lineEnding +
            rows.map((row) => row.join(',')).join(lineEnding) +
            lineEnding;
          const bytes = encoder.encode(text);
          const cut = (raw: number[]) => raw.map((at) => at % (bytes.length + 1));
          const requests = [
            { name: 'c', kind: 'numeric' as const },
            { name: 'a', kind: 'numeric' as const },
          ];
          const options = { delimiter: ',' as const, chunkRows: 3 };
          const chunks: RowChunk[] = [];
          for await (const chunk of readRowChunks(cutAt(bytes, cut(rawCuts)), requests, options))
            chunks.push({ ...chunk, values: chunk.values.slice() });
          const all = await collect(readRowChunks(cutAt(bytes, cut(rawCuts)), requests, options));
          let taken = 0;
          for (const chunk of chunks) {
            taken += chunk.rows;
            assert.ok(chunk.after, 'a chunk says where the rows after it start');
            const rest = await collect(
              readRowChunks(cutAt(bytes, cut(rawResumeCuts)), requests, {
                ...options,
                resumeAt: chunk.after,
              }),
            );
            // Line numbers: a chunk's first row, which may start elsewhere in the resumed reading.
            assert.deepEqual(
              rest.map((row) => row.values),
              all.slice(taken).map((row) => row.values),
            );
            if (rest.length > 0) assert.equal(rest[0].line, chunk.after.line);
          }
          assert.equal(taken, rows.length);
        },
      ),
      { numRuns: 200 },
    );
    const text = 'a,b\n1,2\n3,4\n';
    await assert.rejects(
      readRowChunks(source(text), [{ name: 'a', kind: 'numeric' }], {
        resumeAt: { byte: 2, line: 1 },
      }).next(),
      /inside the header/,
    );
  });

  it('still reports a short row on its line', async () => {
    const error = await loadColumns(
      [encoder.encode('a,b\n1,2\n3,4\n5\n')],
      [{ name: 'a', kind: 'numeric' }],
    ).catch((e: unknown) => e as CsvError);
    assert.ok(error instanceof CsvError);
    assert.equal(error.message, 'line 4: expected 2 fields (as in the header), found 1');
  });
});

test('a numeric column with a few values that are not numbers is listed as a problem with its first line', async () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i},${i === 17 ? '12 kg' : i * 1.5}`);
  const profile = await profileCsv([new TextEncoder().encode(`id,weight\n${rows.join('\n')}\n`)]);
  const mixed = profile.problems.filter((p) => p.message.includes('not a number'));
  assert.equal(mixed.length, 1);
  assert.equal(mixed[0].line, 19); // header is line 1, row i is line i + 2
  assert.match(mixed[0].message, /column "weight" is numeric but 1 value is not a number \(first: "12 kg"\)/);
  // a text column is not "mixed": no problem for it
  const text = await profileCsv([new TextEncoder().encode('name\nann\nbob\n3\n')]);
  assert.equal(text.problems.length, 0);
});
