// The status bar's column under the cursor: header + current line only, quote-aware.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnAtCursor,
  delimiterOf,
  describeColumn,
  fieldIndexAt,
  headerNames,
} from '../../src/host/columnUnderCursor';

test('the header is split quote-aware, with the delimiter detected or taken from .tsv', () => {
  assert.equal(delimiterOf('a;b;c', 'x.csv'), ';');
  assert.equal(delimiterOf('a', 'x.tsv'), '\t');
  assert.deepEqual(headerNames('\ufeffid,"name, full","say ""hi"""', ','), ['id', 'name, full', 'say "hi"']);
});

test('delimiters inside quotes do not move to the next column', () => {
  const line = '1,"a, b, ""c""",3';
  assert.equal(fieldIndexAt(line.slice(0, 1), ','), 0);
  assert.equal(fieldIndexAt(line.slice(0, 2), ','), 1);
  assert.equal(fieldIndexAt(line.slice(0, 12), ','), 1);
  assert.equal(fieldIndexAt(line, ','), 2);
});

test('the column name, and a cursor beyond the header', () => {
  const header = headerNames('x,y', ',');
  const column = columnAtCursor(header, ',', '0.5,4.2', 5);
  assert.deepEqual(column, { index: 1, name: 'y', columnCount: 2 });
  assert.equal(describeColumn(column!), 'Column 2/2: y');
  assert.equal(describeColumn(columnAtCursor(header, ',', '1,2,3', 5)!), "Column 3 (beyond the header's 2)");
  assert.equal(columnAtCursor([], ',', '1,2', 1), undefined);
});
