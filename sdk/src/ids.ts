const STORAGE_KEY = 'session-inspector.client-id';

/** A random id of `bytes` random bytes in base 36 (crypto.getRandomValues: every browser the SDK supports). */
export function randomId(bytes = 8): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (b) => b.toString(36).padStart(2, '0')).join('');
}

/**
 * This browser's stable client id (a user, like OpenTok's guid): kept in localStorage so a
 * reload is the same user; a fresh one per page where storage is blocked.
 */
export function browserClientId(): string {
  try {
    const kept = localStorage.getItem(STORAGE_KEY);
    if (kept && /^[0-9a-z]{8,64}$/.test(kept)) {
      return kept;
    }
    const id = randomId();
    localStorage.setItem(STORAGE_KEY, id);
    return id;
  } catch {
    return randomId();
  }
}

/** Record ids: a random prefix per SDK instance and a counter, unique without coordination. */
export class IdMaker {
  private n = 0;
  private readonly prefix = randomId(6);

  next(): string {
    return `${this.prefix}${(this.n++).toString(36)}`;
  }
}
