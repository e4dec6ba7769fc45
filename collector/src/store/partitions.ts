import type { Queryable } from './store';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const PARTITIONED_TABLES = ['events', 'quality_samples'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

export function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_d${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/**
 * Creates the daily partitions that `timestamps` fall into. Runs inside the ingest
 * transaction; the advisory lock keeps concurrent batches from racing on the same partition.
 */
export async function ensurePartitions(q: Queryable, table: PartitionedTable, timestamps: number[]): Promise<void> {
  const days = [...new Set(timestamps.map(dayStart))];
  for (const day of days) {
    const name = partitionName(table, day);
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
    await q.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM (${day}) TO (${day + DAY_MS})`
    );
  }
}
