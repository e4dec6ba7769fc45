import fc from 'fast-check';

/** Text a hostile or broken client sends: what once gave 500s, and what parsers trip on. */
const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ud83d\ude00',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  "'; DROP TABLE events; --",
  '%00',
  '%',
  '../../etc/passwd',
  '\u202e',
  '\r\n',
  '-1',
  '1e308',
  '-1e308',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[]',
  '{}',
  '+u-u-u-u-u-u-u-u',
  'x'.repeat(101),
  'x'.repeat(257),
  'x'.repeat(5000),
];

export const nastyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXT) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) }
);

const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1280.5, 2 ** 31, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true })
);

/** An object nested `depth` levels deep (the 5,000-deep `detail` of finding 6). */
const deep: fc.Arbitrary<unknown> = fc.integer({ min: 20, max: 3000 }).map((depth) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) {
    v = i % 2 ? [v] : { a: v };
  }
  return v;
});

/** Any JSON value, with nasty keys and text, numbers at the edges and deep nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: nastyText },
    { weight: 3, arbitrary: nastyNumber },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(nastyText, fc.constantFrom('kind', 'id', 'ts', 'queryType')), tie('value')), {
          maxLength: 4,
        })
        .map((entries) => {
          // Own data properties, `__proto__` included (JSON.parse makes the same).
          const o: Record<string, unknown> = {};
          for (const [k, v] of entries) {
            Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
          }
          return o;
        }),
    }
  ),
})).value;

/** Every path (keys and indexes) into a JSON value, the value itself first. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  } else if (typeof value === 'object' && value !== null) {
    for (const k of Object.keys(value)) {
      out.push(...paths((value as Record<string, unknown>)[k], [...prefix, k]));
    }
  }
  return out;
}

type Edit = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'rename'; key: string };

/** A copy of `value` with `edit` applied at `path` (a clone: the base is never changed). */
function edited(value: unknown, path: Array<string | number>, edit: Edit): unknown {
  const copy = structuredClone(value);
  if (path.length === 0) {
    return edit.kind === 'set' ? edit.value : edit.kind === 'delete' ? undefined : copy;
  }
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    parent = parent[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  const define = (k: string | number, v: unknown) =>
    Object.defineProperty(parent, k, { value: v, enumerable: true, configurable: true, writable: true });
  if (edit.kind === 'set') {
    define(last, edit.value);
  } else if (Array.isArray(parent)) {
    parent.splice(Number(last), 1);
  } else {
    const old = parent[last];
    delete parent[last];
    if (edit.kind === 'rename') {
      define(edit.key, old);
    }
  }
  return copy;
}

/**
 * Valid inputs, each either sent as is or with one place changed: a value replaced by a nasty
 * one, a field removed, or a key renamed. Mutating valid inputs reaches deep validation that
 * random JSON never gets past the first check to.
 */
export function mutated<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return valid.chain((base) => {
    const all = paths(base);
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(base as unknown) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...all),
            fc.oneof(
              { weight: 4, arbitrary: nastyValue.map((value): Edit => ({ kind: 'set', value })) },
              { weight: 1, arbitrary: fc.constant<Edit>({ kind: 'delete' }) },
              { weight: 1, arbitrary: nastyText.map((key): Edit => ({ kind: 'rename', key })) }
            )
          )
          .map(([path, edit]) => edited(base, path, edit)),
      },
      { weight: 1, arbitrary: nastyValue }
    );
  });
}
