import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linearEquation } from '../../src/core/equation';
import { formatNumber } from '../../src/cli/train';

describe('linear equation text', () => {
  it('writes negative weights with a minus sign', () => {
    const text = linearEquation(
      86.3,
      [
        ['area', 1.75],
        ['age', -0.82],
        ['rooms', 0],
      ],
      (v) => String(v),
    );
    assert.equal(text, '86.3 + 1.75·area − 0.82·age + 0·rooms');
  });
  it('a wide model shows its largest terms, in column order, and counts the rest', () => {
    const weights = Array.from(
      { length: 40 },
      (_, i) => [`x${i}`, i === 7 ? -9 : i === 30 ? 5 : 0.001 * i] as const,
    );
    const text = linearEquation(1, weights, (v) => String(v), 3);
    assert.equal(text, '1 − 9·x7 + 5·x30 + 0.039·x39 + … (37 smaller terms)');
    assert.equal(
      linearEquation(1, weights.slice(0, 3), (v) => String(v), 3),
      '1 + 0·x0 + 0.001·x1 + 0.002·x2',
    );
  });
  it('a negative bias keeps its own sign', () => {
    assert.equal(
      linearEquation(-2, [['x', 3]], (v) => v.toFixed(1)),
      '-2.0 + 3.0·x',
    );
  });
});

describe('CLI number format', () => {
  it('six significant digits, trailing zeros dropped from the mantissa only', () => {
    assert.equal(formatNumber(3), '3');
    assert.equal(formatNumber(0.1 + 0.2), '0.3');
    assert.equal(formatNumber(-1.2345678), '-1.23457');
    assert.equal(formatNumber(12345678901.5), '1.23457e+10');
    assert.equal(formatNumber(1.5e10 + 0.5), '1.5e+10');
    assert.equal(formatNumber(4.527030116389743e248), '4.52703e+248');
    assert.equal(formatNumber(1e21), '1e+21');
    assert.equal(formatNumber(0.00000123456789), '0.00000123457');
  });
});
