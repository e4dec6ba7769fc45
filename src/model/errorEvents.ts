/**
 * I5: which events are errors, the one rule behind every error count, the errors list, the
 * `error` annotation tag and the sessions search's `hasErrors`: a failed attempt (connect,
 * publish, subscribe...) or an exception. Written twice on purpose, for events in memory and in
 * SQL, side by side; collector/test/errorEvents.test.ts checks that they agree.
 */
export function isErrorEvent(e: { action: string; variation: string | null }): boolean {
  return e.variation === 'failure' || e.action === 'exception';
}

/** `isErrorEvent` as a SQL condition over an events table or view, its columns named by `alias`. */
export function errorEventSql(alias?: string): string {
  const c = alias ? `${alias}.` : '';
  return `(${c}variation = 'failure' OR ${c}action = 'exception')`;
}
