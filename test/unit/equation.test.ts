import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linearEquation } from '../../src/core/equation';

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
  it('a negative bias keeps its own sign', () => {
    assert.equal(
      linearEquation(-2, [['x', 3]], (v) => v.toFixed(1)),
      '-2.0 + 3.0·x',
    );
  });
});
