/** The collector's only view of its database: PGlite or PostgreSQL, same SQL. */
export type SqlParam = string | number | boolean | null | string[] | number[];

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /**
   * `COPY table (columns) FROM STDIN` of CSV text; the rows copied. Only PostgreSQL's
   * transactions have it (ingest's fast path, writeBatch.ts); PGlite inserts.
   */
  copyCsv?(table: string, columns: readonly string[], csv: string): Promise<number>;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
