/**
 * Lookups by a key that came from a client. A plain object answers `constructor`, `toString` or
 * `__proto__` from its prototype, so a client-chosen key must never index one directly: these
 * helpers only return the object's own entries.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** True when `key` is one of `values` (a string compared by value, never a prototype member). */
export function isOneOf<K extends string>(values: readonly K[], key: unknown): key is K {
  return typeof key === 'string' && (values as readonly string[]).includes(key);
}
