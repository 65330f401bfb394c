import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NumberScanner, parseStrictNumber } from '../../src/core/csv/index';

/** The grammar we accept (spaces/tabs around, decimal only), as an independent regular expression. */
const STRICT_DECIMAL = /^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*$/;

/** What parseStrictNumber must return: exactly Number() for strict decimal literals that stay finite. */
function reference(text: string): number {
  if (!STRICT_DECIMAL.test(text)) return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}

describe('strict numbers', () => {
  it('rejects what is not a number', () => {
    for (const text of [
      '',
      ' ',
      '1,5',
      '0x10',
      '0b1',
      '0o7',
      '1e400',
      '-1e400',
      'NaN',
      'Infinity',
      '-Infinity',
      '1_000',
      '.',
      '-',
      '+',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      '--1',
      '1-',
      '١٢',
      '1 2',
      '$5',
      '5%',
    ])
      assert.ok(Number.isNaN(parseStrictNumber(text)), JSON.stringify(text));
  });
  it('accepts decimal literals with Number() semantics', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['-0', -0],
      ['12', 12],
      ['-3.25', -3.25],
      ['.5', 0.5],
      ['5.', 5],
      ['+2E10', 2e10],
      ['1e-400', 0],
      [' 7 ', 7],
      ['0.1', 0.1],
      ['9007199254740993', 9007199254740992],
      ['1.7976931348623157e308', Number.MAX_VALUE],
      ['5e-324', 5e-324],
      ['0.30000000000000004', 0.30000000000000004],
    ];
    for (const [text, expected] of cases)
      assert.ok(Object.is(parseStrictNumber(text), expected), `${text} -> ${parseStrictNumber(text)}`);
  });
  it('flags integers and leading zeros (identifiers such as ZIP 02210)', () => {
    const scanner = new NumberScanner();
    const scan = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      scanner.scan(bytes, 0, bytes.length);
      return [scanner.isInteger, scanner.hasLeadingZero];
    };
    assert.deepEqual(scan('02210'), [true, true]);
    assert.deepEqual(scan('0'), [true, false]);
    assert.deepEqual(scan('10'), [true, false]);
    assert.deepEqual(scan('0.5'), [false, false]);
    assert.deepEqual(scan('1e3'), [false, false]);
    assert.deepEqual(scan('99999999999999999999'), [false, false]); // beyond 2^53: not an exact integer
  });
  it('equals Number() for every double written by JavaScript', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom('string', 'exp', 'fixed', 'precision'),
        (value, style) => {
          const text =
            style === 'string'
              ? String(value)
              : style === 'exp'
                ? value.toExponential(8)
                : style === 'fixed'
                  ? value.toFixed(Math.abs(value) < 1e20 ? 6 : 0)
                  : value.toPrecision(17);
          if (!/^-?[\d.]+(e[+-]?\d+)?$/.test(text)) return; // e.g. toFixed of huge values
          assert.ok(Object.is(parseStrictNumber(text), Number(text)), text);
        },
      ),
      { numRuns: 5000 },
    );
  });
  it('equals the strict reference on arbitrary strings of number characters', () => {
    const numberish = fc
      .array(fc.constantFrom('0', '1', '5', '9', '.', 'e', 'E', '-', '+', ' ', 'x', ',', '_', 'I'), {
        maxLength: 14,
      })
      .map((chars) => chars.join(''));
    const longDigits = fc
      .tuple(
        fc.stringMatching(/^-?\d{1,30}$/),
        fc.stringMatching(/^\.\d{0,30}$/),
        fc.stringMatching(/^(e[+-]?\d{1,4})?$/),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(numberish, longDigits), (text) => {
        assert.ok(
          Object.is(parseStrictNumber(text), reference(text)),
          `${JSON.stringify(text)}: ${parseStrictNumber(text)} vs ${reference(text)}`,
        );
      }),
      { numRuns: 20000 },
    );
  });
});
