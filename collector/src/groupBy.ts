/** Items grouped by a key, in their order; `value` picks what each group keeps of an item. */
export function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]>;
export function groupBy<T, V>(items: readonly T[], key: (x: T) => string, value: (x: T) => V): Map<string, V[]>;
export function groupBy<T>(
  items: readonly T[],
  key: (x: T) => string,
  value: (x: T) => unknown = (x) => x
): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const x of items) {
    const list = out.get(key(x));
    if (list) {
      list.push(value(x));
    } else {
      out.set(key(x), [value(x)]);
    }
  }
  return out;
}
