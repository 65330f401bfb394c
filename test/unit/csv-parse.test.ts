import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as csvParseSync } from 'csv-parse/sync';
import { readCsvRecords } from '../../src/core/csv/index';
import { cutAt, encoder, reusedBufferSource, serializeCsv } from './csv-helpers';

const spectrumDir = join(__dirname, '../../node_modules/csv-spectrum');

async function records(text: string | Uint8Array, chunks?: number[]) {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  return readCsvRecords(chunks ? cutAt(bytes, chunks) : [bytes]);
}

describe('csv-spectrum suite', () => {
  const names = readdirSync(join(spectrumDir, 'csvs')).map((file) => file.replace(/\.csv$/, ''));
  it('has its 12 cases', () => assert.equal(names.length, 12));
  for (const name of names) {
    it(name, async () => {
      const csv = readFileSync(join(spectrumDir, 'csvs', `${name}.csv`));
      const result = await records(new Uint8Array(csv));
      if (name === 'location_coordinates') {
        // Known-broken fixture: its JSON is a single object (not an array) and says the phone is
        // "1234567890" while the CSV holds 2095257564; the CSV itself is fine (U+FFFD characters
        // and quotes inside an unquoted field, kept literally). Checked against the CSV instead.
        assert.deepEqual(result.header, [
          'Contact Phone Number',
          'Location Coordinates',
          'Cities',
          'Counties',
        ]);
        assert.deepEqual(result.records, [
          ['2095257564', `37\uFFFD36'37.8"N 121\uFFFD2'17.9"W`, 'Modesto', 'Stanislaus'],
        ]);
        return;
      }
      const expected = JSON.parse(readFileSync(join(spectrumDir, 'json', `${name}.json`), 'utf8')) as Record<
        string,
        string
      >[];
      const actual = result.records.map((record) =>
        Object.fromEntries(result.header.map((h, k) => [h, record[k]])),
      );
      assert.deepEqual(actual, expected);
    });
  }
});

describe('dialect', () => {
  it('detects , ; tab | and reports BOM and line endings', async () => {
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const result = await records(`\uFEFFa${delimiter}b\r\n1${delimiter}2\r\n`);
      assert.equal(result.dialect.delimiter, delimiter);
      assert.equal(result.dialect.bom, true);
      assert.equal(result.dialect.lineEnding, 'crlf');
      assert.deepEqual(result.header, ['a', 'b']);
      assert.deepEqual(result.records, [['1', '2']]);
    }
  });
  it('ignores delimiters inside quotes when detecting', async () => {
    const result = await records('"a,x";b\n"1,5";2\n"3,1";4\n');
    assert.equal(result.dialect.delimiter, ';');
    assert.deepEqual(result.records, [
      ['1,5', '2'],
      ['3,1', '4'],
    ]);
  });
  it('parses files that mix \\r\\n, \\n and \\r, and skips blank lines', async () => {
    const result = await records('a,b\r\n1,2\n3,4\r5,6\r\n\n\r\n7,"x\r\ny"');
    assert.equal(result.dialect.lineEnding, 'mixed');
    assert.deepEqual(result.records, [
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
      ['7', 'x\r\ny'],
    ]);
  });
  it('handles a header-only file, a trailing delimiter and a missing final newline', async () => {
    assert.deepEqual((await records('a,b\n')).records, []);
    assert.deepEqual((await records('a,b\n1,')).records, [['1', '']]);
  });
  it('makes duplicate and empty header names unique, and __proto__ is just a name', async () => {
    const result = await records('a,a,,__proto__,a_2\n1,2,3,4,5\n');
    assert.deepEqual(result.header, ['a', 'a_3', 'column_3', '__proto__', 'a_2']);
    assert.match(result.problems[0].message, /duplicate column name "a" \(column 2\) renamed to "a_3"/);
    assert.match(result.problems[1].message, /column 3 has no name; called it "column_3"/);
  });
});

// Fields made of the characters that matter: delimiters, quotes, line breaks, multi-byte UTF-8.
const fieldArbitrary = fc
  .array(fc.constantFrom('a', 'Z', '1', ',', ';', '"', '\n', '\r', ' ', 'é', '€', '😀', 'x'), {
    maxLength: 8,
  })
  .map((chars) => chars.join(''));
const tableArbitrary = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.array(fc.array(fieldArbitrary, { minLength: width, maxLength: width }), {
    minLength: 1,
    maxLength: 8,
  }),
);
// Rows that serialise to a blank line are skipped by design (like pandas): keep them out here.
const nonBlankTable = tableArbitrary.filter((rows) => rows.every((row) => row.length > 1 || row[0] !== ''));

// Header names are made unique and non-empty by design: compare raw headers only when they already are.
const plainHeaderTable = nonBlankTable.filter(
  (rows) => rows[0].every((name) => name.trim() !== '') && new Set(rows[0]).size === rows[0].length,
);

describe('properties', () => {
  it('parse(serialize(rows)) equals rows, with any line ending', async () => {
    await fc.assert(
      fc.asyncProperty(
        nonBlankTable,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        async (rows, lineEnding, finalNewline) => {
          const text = serializeCsv(rows, ',', lineEnding) + (finalNewline ? lineEnding : '');
          const result = await readCsvRecords([encoder.encode(text)], { delimiter: ',' });
          assert.deepEqual([result.header.length, ...result.records], [rows[0].length, ...rows.slice(1)]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('splitting the input into chunks at any bytes gives the same result (also with a reused buffer)', async () => {
    await fc.assert(
      fc.asyncProperty(
        nonBlankTable,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (rows, lineEnding, rawCuts) => {
          const bytes = encoder.encode(serializeCsv(rows, ',', lineEnding) + lineEnding);
          const whole = await readCsvRecords([bytes], { delimiter: ',' });
          const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
          const split = await readCsvRecords(cutAt(bytes, cuts), { delimiter: ',' });
          const reused = await readCsvRecords(reusedBufferSource(cutAt(bytes, cuts)), { delimiter: ',' });
          assert.deepEqual(split.records, whole.records);
          assert.deepEqual(split.header, whole.header);
          assert.deepEqual(split.dialect, whole.dialect);
          assert.deepEqual(reused.records, whole.records);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every single cut point, including inside a UTF-8 character and between \\r and \\n', async () => {
    // A given delimiter skips detection's read-ahead, so the tokenizer really sees these cuts.
    const options = { delimiter: ',' } as const;
    const text = 'é,"b\r\n€"\r\n"😀",2\r\n"x""y",\r\nü€,"z"\r\n';
    const bytes = encoder.encode(text);
    const whole = await readCsvRecords([bytes], options);
    for (let cut = 1; cut < bytes.length; cut++) {
      for (const source of [cutAt(bytes, [cut]), reusedBufferSource(cutAt(bytes, [cut]))]) {
        const split = await readCsvRecords(source, options);
        assert.deepEqual(split.records, whole.records, `cut at byte ${cut}`);
        assert.equal(split.dialect.lineEnding, 'crlf', `cut at byte ${cut}`);
      }
    }
    // One byte at a time.
    const byteByByte = Array.from(bytes, (byte) => Uint8Array.of(byte));
    assert.deepEqual((await readCsvRecords(byteByByte, options)).records, whole.records);
    assert.deepEqual((await readCsvRecords(reusedBufferSource(byteByByte), options)).records, whole.records);
    // And with detection's read-ahead, past 64 KiB so that later rows cross chunk boundaries.
    const long = encoder.encode(text + 'é€,"x\r\n""😀"""\r\n'.repeat(4000));
    const longWhole = await readCsvRecords([long]);
    for (const step of [4093, 65536, 70001]) {
      const cuts = Array.from({ length: Math.ceil(long.length / step) }, (_, k) => k * step + (k % 7));
      assert.deepEqual(
        (await readCsvRecords(reusedBufferSource(cutAt(long, cuts)))).records,
        longWhole.records,
        `step ${step}`,
      );
    }
    assert.equal(longWhole.records.length, 4003);
    assert.deepEqual(whole.records, [
      ['😀', '2'],
      ['x"y', ''],
      ['ü€', 'z'],
    ]);
    assert.deepEqual(whole.header, ['é', 'b\r\n€']);
  });

  it('agrees with csv-parse on generated inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        plainHeaderTable,
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\n', '\r\n'),
        async (rows, delimiter, lineEnding) => {
          const text = serializeCsv(rows, delimiter, lineEnding) + lineEnding;
          const ours = await readCsvRecords([encoder.encode(text)], { delimiter });
          const theirs = csvParseSync(text, {
            delimiter,
            record_delimiter: lineEnding,
            relax_quotes: true,
            skip_empty_lines: true,
          }) as string[][];
          assert.deepEqual([ours.header, ...ours.records], theirs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
