import type { RecordSource } from '@model';

// The batch write's answer and options, apart from writeBatch.ts: the store's interface names
// them (Store.writeBatch) without importing the write itself.

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export interface WriteOptions {
  /**
   * Write to the kept tables (outside the daily partitions, so outside the purge of recorded
   * days) instead: imported dumps, whose retention counts from their import (store/imports.ts).
   */
  kept?: boolean;
  /** The rows' receive time (an import gives all of its batches one, to find them again). */
  now?: number;
  /** Where records without their own `source` came from. */
  source?: RecordSource;
}
