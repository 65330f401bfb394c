import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CsvError, loadColumns, profileCsv, readCsvRecords, ReadOptions } from '../../src/core/csv/index';
import { cutAt, encoder } from './csv-helpers';

async function csvError(input: Uint8Array | string, options: ReadOptions = {}): Promise<CsvError> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  try {
    await readCsvRecords([bytes], options);
  } catch (error) {
    assert.ok(error instanceof CsvError, `expected a CsvError, got ${error}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error;
  }
  assert.fail('no error thrown');
}

function bytesOf(...parts: (string | number[])[]): Uint8Array {
  const pieces = parts.map((part) =>
    typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part),
  );
  const all = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    all.set(piece, offset);
    offset += piece.length;
  }
  return all;
}

describe('bad input', () => {
  it('invalid UTF-8 names the line and says when the file looks Latin-1', async () => {
    const latin1 = await csvError(bytesOf('name,city\nAnn,Paris\nBob,Mont', [0xe9], 'al\n'));
    assert.equal(latin1.code, 'encoding');
    assert.equal(latin1.line, 3);
    assert.equal(latin1.column, 2);
    assert.equal(
      latin1.message,
      'line 3, field 2: invalid UTF-8 (byte 0xE9): the file looks Latin-1 (ISO-8859-1 / Windows-1252) encoded; save it as UTF-8',
    );
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const utf16 = await csvError(bytesOf(bom, 'a,b\n1,2\n'));
      assert.equal(utf16.code, 'encoding');
      assert.match(utf16.message, /the file is UTF-16 encoded .*; save it as UTF-8$/);
    }
    const truncated = await csvError(bytesOf('a\n', [0xe2, 0x82], '\n'));
    assert.equal(truncated.code, 'encoding');
    assert.doesNotMatch(truncated.message, /Latin-1/);
    const overlong = await csvError(bytesOf('a\n', [0xc0, 0xaf], '\n'));
    assert.equal(overlong.code, 'encoding');
    const surrogate = await csvError(bytesOf('a\n"', [0xed, 0xa0, 0x80], '"\n'));
    assert.equal(surrogate.code, 'encoding');
  });

  it('a NUL byte says this looks like a binary file', async () => {
    const error = await csvError(bytesOf('a,b\n1,2\n3,', [0x00, 0x01], '\n'));
    assert.equal(error.code, 'binary');
    assert.equal(error.line, 3);
    assert.match(error.message, /^line 3, field 2: a NUL byte: this looks like a binary file/);
  });

  it('a row with the wrong number of fields names its line; skipMalformedRows counts instead', async () => {
    const text = 'a,b,c\n1,2,3\n"multi\nline",5,6\n7,8\n9,10,11,12\n13,14,15\n';
    const error = await csvError(text);
    assert.equal(error.code, 'field-count');
    assert.equal(error.line, 5);
    assert.equal(error.message, 'line 5: expected 3 fields (as in the header), found 2');
    const skipped = await readCsvRecords([encoder.encode(text)], { skipMalformedRows: true });
    assert.equal(skipped.skippedRows, 2);
    assert.deepEqual(
      skipped.records.map((r) => r[0]),
      ['1', 'multi\nline', '13'],
    );
    assert.deepEqual(
      skipped.problems.map((p) => p.line),
      [5, 6],
    );
    const profile = await profileCsv([encoder.encode(text)], { skipMalformedRows: true });
    assert.equal(profile.skippedRows, 2);
    assert.equal(profile.rows, 3);
  });

  it('an unterminated quote names the line where it opened', async () => {
    const error = await csvError('a,b\n1,2\n3,"oops\n4,5\n6,7\n');
    assert.equal(error.code, 'unterminated-quote');
    assert.equal(error.line, 3);
    assert.equal(error.column, 2);
    assert.match(
      error.message,
      /^line 3, field 2: unterminated quote \(the quoted field opened on line 3 never closes\)$/,
    );
    // The opening line, not the row's first line, when an earlier field spans lines.
    const later = await csvError('a,b,c\n1,"x\ny",3\n4,"z\nw","oops\n5,6,7\n');
    assert.equal(later.line, 5);
    assert.equal(later.column, 3);
  });

  it('a broken quote early in a huge stream fails fast, within maxFieldBytes, without reading on', async () => {
    let chunksPulled = 0;
    const row = encoder.encode('1.5,2.5,3.5,4.5\n'.repeat(4096));
    function* endless(): Generator<Uint8Array> {
      yield encoder.encode('a,b,c,d\n1,2,"broken,4\n');
      for (;;) {
        chunksPulled++;
        yield row; // 64 KiB a chunk, forever: a 2 GB file as far as the parser knows
      }
    }
    const started = Date.now();
    const error = await readCsvRecords(endless(), { maxFieldBytes: 1024 * 1024 }).then(
      () => assert.fail('no error'),
      (e: unknown) => e as CsvError,
    );
    assert.ok(error instanceof CsvError);
    assert.equal(error.code, 'field-too-large');
    assert.equal(error.line, 2);
    assert.equal(
      error.message,
      'line 2, field 3: a quoted field longer than 1 MiB: probably an unterminated quote opened on line 2',
    );
    assert.ok(chunksPulled <= 20, `read ${chunksPulled} chunks of 64 KiB for a 1 MiB limit`);
    assert.ok(Date.now() - started < 1000);
  });

  it('text after a closing quote is an error, not a silent guess', async () => {
    const error = await csvError('a,b\n"12" wide",x\n');
    assert.equal(
      (await csvError('a,b\n1,"x"y\n')).message,
      'line 2, field 2: unexpected character \'y\' after a closing quote (a quote inside a quoted field must be doubled: "")',
    );
    assert.equal(error.code, 'malformed-quote');
    assert.equal(
      error.message,
      'line 2, field 1: unexpected space after a closing quote (a quote inside a quoted field must be doubled: "")',
    );
  });

  it('an empty file has no header', async () => {
    for (const text of ['', '\n\n', '\uFEFF']) {
      const error = await csvError(text);
      assert.equal(error.code, 'empty');
      assert.equal(error.message, 'the file is empty: no header row');
    }
  });

  it('an unknown column names it and lists the available ones', async () => {
    const error = await loadColumns(
      [encoder.encode('a,b\n1,2\n')],
      [{ name: 'target', kind: 'numeric' }],
    ).then(
      () => assert.fail('no error'),
      (e: unknown) => e as CsvError,
    );
    assert.equal(error.code, 'unknown-column');
    assert.equal(error.message, 'no column named "target"; the columns are "a", "b"');
  });

  it('errors do not depend on where the chunks were cut', async () => {
    const bytes = bytesOf('name,city\nAnn,"Par\nis"\nBob,Mont', [0xc3], '\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const error = await readCsvRecords(cutAt(bytes, [cut])).then(
        () => assert.fail('no error'),
        (e: unknown) => e as CsvError,
      );
      assert.equal(error.code, 'encoding', `cut ${cut}`);
      assert.equal(error.line, 4, `cut ${cut}`);
    }
  });
});
