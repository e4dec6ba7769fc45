import type { IngestRecord } from '../model/records';
import type { IngestResult, WriteOptions } from '../ingest/writeTypes';

/** The collector's only view of its database: PGlite or PostgreSQL, same SQL. */
export type SqlParam = string | number | boolean | null | string[] | number[];

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /**
   * `COPY table (columns) FROM STDIN` of CSV text; the rows copied. Ingest's fast path
   * (writeBatch.ts): PostgreSQL's transactions have it, and PGlite's batch write on its own
   * thread (pgliteWorker.ts); elsewhere PGlite inserts.
   */
  copyCsv?(table: string, columns: readonly string[], csv: string): Promise<number>;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Runs ingest's batch write (writeBatch.ts) where the database is, when that is another
   * thread: PGlite's, so a batch costs one message instead of one per statement.
   */
  writeBatch?(project: string, records: IngestRecord[], options: WriteOptions): Promise<IngestResult>;
}
