// The WebAssembly loop for plain numeric rows (src/core/csv/plainRows.wat) against the tokenizer's
// JavaScript loop it replaces: on messy input cut into chunks anywhere, the same values bit for
// bit, the same rows left to the general path, the same line numbers and line-ending counts. And
// the committed module is the one the .wat assembles to.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { END, NEED_MORE, ROW, CsvTokenizer } from '../../src/core/csv/tokenizer';
import { WasmPlainRows } from '../../src/core/csv/plainRowsWasm';
import { SeededRandom } from '../../src/core/training/index';

/** A number as files write them, sometimes in a form the fast path leaves to the general one. */
function field(rng: SeededRandom): string {
  const roll = rng.next();
  const value = (rng.normal() * 10 ** Math.floor(rng.next() * 6 - 2)).toFixed(Math.floor(rng.next() * 8));
  if (roll < 0.7) return value;
  if (roll < 0.75) return `+${Math.abs(Number(value))}`;
  if (roll < 0.78) return `-0.${'0'.repeat(Math.floor(rng.next() * 3))}${Math.floor(rng.next() * 1e6)}`;
  if (roll < 0.8) return '12345678901234567'; // over 15 digits
  if (roll < 0.81) return longField(rng);
  if (roll < 0.82) return `${value}e-3`;
  if (roll < 0.84) return '';
  if (roll < 0.86) return `"${value}"`;
  if (roll < 0.88) return ' 4';
  if (roll < 0.9) return 'NA';
  if (roll < 0.92) return '007';
  if (roll < 0.94) return String(Math.floor(rng.next() * 1e9));
  if (roll < 0.96) return '.5';
  if (roll < 0.98) return '5.';
  return '-';
}

/** Up to 17 digits, a dot anywhere or none, maybe a sign: around 15 digits and 16 bytes. */
function longField(rng: SeededRandom): string {
  let digits = '';
  for (let k = 13 + Math.floor(rng.next() * 5); k > 0; k--) digits += Math.floor(rng.next() * 10);
  const dot = Math.floor(rng.next() * (digits.length + 2)) - 1;
  const sign = ['', '-', '+'][Math.floor(rng.next() * 3)];
  const dotted = dot < 0 ? digits : `${digits.slice(0, dot)}.${digits.slice(dot)}`;
  // Sometimes short, and sometimes with a second dot (not a number).
  const cut = rng.next() < 0.3 ? Math.floor(rng.next() * dotted.length) + 1 : dotted.length;
  const twice = rng.next() < 0.2 ? Math.floor(rng.next() * cut) : -1;
  return sign + (twice < 0 ? dotted.slice(0, cut) : `${dotted.slice(0, twice)}.${dotted.slice(twice, cut)}`);
}

function messyCsv(rows: number, delimiter: string, seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const lines = ['a,b,skip,c'.replaceAll(',', delimiter)];
  for (let r = 0; r < rows; r++) {
    const skipped = rng.next() < 0.05 ? 'café' : rng.next() < 0.05 ? '"q,1"' : 'x';
    const cells = [field(rng), field(rng), skipped, field(rng)];
    if (rng.next() < 0.01) cells.push('9'); // a field too many
    if (rng.next() < 0.01) cells.pop(); // one too few
    lines.push(cells.join(delimiter));
    if (rng.next() < 0.01) lines.push(''); // a blank line
  }
  const ending = seed % 2 === 0 ? '\n' : '\r\n';
  return new TextEncoder().encode(lines.join(ending) + (seed % 3 === 0 ? '' : ending));
}

interface Trace {
  values: number[];
  /** Per row: 'fast' or the line of a row the general path read. */
  rows: string[];
  lf: number;
  crlf: number;
}

/** Reads everything: fast rows in blocks of `block`, the general path for the rest. */
function trace(
  bytes: Uint8Array,
  delimiter: number,
  engine: 'wasm' | 'js',
  cuts: number[],
  block: number,
): Trace {
  const tokenizer = new CsvTokenizer({ delimiter, maxFieldBytes: 1 << 20, plainRows: engine });
  const slots = Int32Array.from([0, 1, -1, 2]);
  const out = new Float64Array(block * 3);
  const result: Trace = { values: [], rows: [], lf: 0, crlf: 0 };
  let fed = 0;
  let header = true;
  const feedNext = () => {
    const next = cuts.find((cut) => cut > fed) ?? bytes.length;
    tokenizer.feed(bytes.subarray(fed, next), next === bytes.length);
    fed = next;
  };
  feedNext();
  for (;;) {
    if (!header) {
      const line = tokenizer.currentLine;
      const read = tokenizer.plainNumericRows(slots, out, 0, 3, block);
      for (let r = 0; r < read; r++) result.rows.push(`fast ${line + r}`);
      result.values.push(...out.subarray(0, read * 3));
      if (read > 0) {
        assert.equal(tokenizer.rowLine, line + read - 1);
        continue;
      }
    }
    const status = tokenizer.nextRow();
    if (status === NEED_MORE) {
      feedNext();
      continue;
    }
    if (status === END) break;
    assert.equal(status, ROW);
    if (!header) result.rows.push(`general ${tokenizer.rowLine}`);
    header = false;
  }
  result.lf = tokenizer.lfCount;
  result.crlf = tokenizer.crlfCount;
  return result;
}

describe('plain numeric rows in WebAssembly', () => {
  it('compiles here (Node): the tests below compare it, not the JavaScript loop with itself', () => {
    assert.ok(WasmPlainRows.create(new Uint8Array(256)));
  });

  for (const [name, delimiter, seed] of [
    ['comma, LF', ',', 2],
    ['semicolon, CRLF, no final line break', ';', 3],
    ['tab, CRLF', '\t', 5],
    ['comma, LF, no final line break', ',', 6],
  ] as const) {
    it(`reads what the JavaScript loop reads: ${name}`, () => {
      const bytes = messyCsv(4000, delimiter, seed);
      const rng = new SeededRandom(seed + 100);
      const cuts = Array.from({ length: 40 }, () => Math.floor(rng.next() * bytes.length)).sort(
        (a, b) => a - b,
      );
      for (const block of [1, 7, 1000]) {
        const js = trace(bytes, delimiter.charCodeAt(0), 'js', cuts, block);
        const wasm = trace(bytes, delimiter.charCodeAt(0), 'wasm', cuts, block);
        assert.ok(js.rows.filter((r) => r.startsWith('fast')).length > 2000, 'most rows are plain');
        assert.ok(js.rows.filter((r) => r.startsWith('general')).length > 300, 'many are not');
        assert.deepEqual(wasm.rows, js.rows, `rows, blocks of ${block}`);
        assert.deepEqual(wasm.values, js.values, `values, blocks of ${block}`);
        assert.equal(wasm.lf, js.lf);
        assert.equal(wasm.crlf, js.crlf);
      }
    });
  }

  it('does not copy the rest of its input once per row where no row is plain', () => {
    // Every row has a quoted field: each call reads nothing, and each copies its bytes into the
    // module's memory first. Counted here: the calls, and the bytes they were given.
    const rows = 20_000;
    const lines = ['a,b,skip,c', ...Array.from({ length: rows }, (_, r) => `${r},"${r % 7}",x,1.5`)];
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const original = WasmPlainRows.prototype.rows;
    let calls = 0;
    let given = 0;
    WasmPlainRows.prototype.rows = function (this: WasmPlainRows, ...args: Parameters<typeof original>) {
      calls++;
      given += args[2] - args[1];
      return original.apply(this, args);
    };
    try {
      const cuts = [bytes.length >> 1];
      const traced = trace(bytes, ','.charCodeAt(0), 'wasm', cuts, 100);
      assert.equal(traced.rows.length, rows);
      assert.ok(traced.rows.every((r) => r.startsWith('general')));
      assert.ok(calls < rows / 10, `${calls} calls for ${rows} rows`);
      assert.ok(given < 2 * bytes.length, `${given} bytes given, for a file of ${bytes.length}`);
    } finally {
      WasmPlainRows.prototype.rows = original;
    }
  });

  it('the committed modules are what their .wat files assemble to (else: npm run build:wasm)', async () => {
    const script = join(__dirname, '../../scripts/build-wasm.mjs');
    const { generatedSource, MODULES } = await import(pathToFileURL(script).href);
    assert.equal(MODULES.length, 3);
    for (const { watFile, generatedFile, constant } of MODULES) {
      const expected = await generatedSource(readFileSync(watFile, 'utf8'), constant);
      assert.equal(readFileSync(generatedFile, 'utf8'), expected, generatedFile);
    }
  });
});
