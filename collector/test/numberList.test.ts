import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { numberList } from '../src/query/shared/numberList';

/** A small seeded generator: the same doubles on every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

describe('comma-separated numbers', () => {
  test('the same doubles as Number for what PostgreSQL prints of float8', () => {
    const next = random(7);
    const values: number[] = [
      0,
      -0,
      1,
      -1,
      12,
      0.1,
      0.3,
      1e-5,
      123456789012345,
      1234567890123456,
      2 ** 53 + 2,
      1.5e300,
    ];
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      values.push(
        [r * 1e6, Math.round(r * 1e6) / 1e3, -r, r * 1e-7, r * 1e22, Math.round(r * 100), Math.round(r * 1e9) / 1e9][
          i % 7
        ]
      );
    }
    const texts = values.map(String);
    const got = numberList(texts.join(','));
    assert.equal(got.length, values.length);
    got.forEach((v, i) => assert.ok(Object.is(v, Number(texts[i])), `${texts[i]}: ${v}`));
  });

  test('one number, and what is not a plain decimal', () => {
    assert.deepEqual(numberList('42'), [42]);
    assert.deepEqual(numberList('1e+21,-2.5e-7'), [1e21, -2.5e-7]);
    assert.deepEqual(numberList('NaN,Infinity,-Infinity'), [NaN, Infinity, -Infinity]);
    assert.deepEqual(numberList('0.000001,10.50'), [0.000001, 10.5]);
  });
});
