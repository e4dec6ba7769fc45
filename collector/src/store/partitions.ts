import type { Queryable } from './store';

export const DAY_MS = 24 * 60 * 60 * 1000;
// The rollups after the samples: retention copies a saved session's samples, then its rollups.
export const PARTITIONED_TABLES = ['events', 'quality_samples', 'quality_minutes'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/**
 * A rollup row is updated by every batch with a sample of its minute (12 times at 5 s sampling):
 * half-empty pages let PostgreSQL update it in place (HOT), without a new index entry each time,
 * which tripled the rollups' size on disk.
 */
const PARTITION_STORAGE: Record<PartitionedTable, string> = {
  events: '',
  quality_samples: '',
  quality_minutes: 'WITH (fillfactor = 50)',
};

/**
 * A sample is stored once per (project, session_id, id, ts): ingest skips one already there (a
 * retried batch). A B-tree of that key took 220 bytes per sample on disk (two text ids, and pages
 * left half full by inserts all over it); a hash index of it takes about 40 (docs/benchmarks.md,
 * goal 4). Hash indexes cannot be unique, so it is an exclusion constraint, which `ON CONFLICT DO
 * NOTHING` honours and COPY enforces (SQLSTATE 23P01); PostgreSQL compares the keys themselves
 * on a hash match, so two samples are never taken for one. It is per table: a partitioned table
 * cannot have one (its partitions each do; the key holds ts, so a day's partition is enough).
 */
export function sampleOnce(table: string): string {
  return `CONSTRAINT ${table}_once EXCLUDE USING hash ((ROW(project, session_id, id, ts)::sample_key) WITH =)`;
}

/** The statement that makes `table`'s partition for the day starting at `day`, unless it exists. */
export function createPartition(table: PartitionedTable, day: number): string {
  const name = partitionName(table, day);
  const constraints = table === 'quality_samples' ? `(${sampleOnce(name)})` : '';
  return `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} ${constraints} FOR VALUES FROM (${day}) TO (${day + DAY_MS}) ${PARTITION_STORAGE[table]}`;
}

export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

export function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_d${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** The names of the daily partitions of `table` that `timestamps` fall into, once each. */
export function partitionsOf(table: PartitionedTable, timestamps: number[]): string[] {
  return [...new Set(timestamps.map(dayStart))].map((day) => partitionName(table, day));
}

/**
 * Creates the daily partitions that `timestamps` fall into, but those in `known` (partitions
 * the caller has seen committed: it checks nothing for them). Runs inside the ingest
 * transaction; the advisory lock keeps concurrent batches from racing on the same partition.
 * The lock is held until commit, so it is taken only for a partition not there yet: otherwise
 * every batch of a day would wait for the previous one's commit.
 */
export async function ensurePartitions(
  q: Queryable,
  table: PartitionedTable,
  timestamps: number[],
  known: ReadonlySet<string> = new Set()
): Promise<void> {
  const days = [...new Set(timestamps.map(dayStart))].filter((day) => !known.has(partitionName(table, day)));
  if (days.length === 0) {
    return;
  }
  const names = days.map((day) => partitionName(table, day));
  const present = new Set(
    (
      await q.query<{ name: string }>(
        'SELECT n AS name FROM unnest($1::text[]) AS n WHERE to_regclass(n) IS NOT NULL',
        [names]
      )
    ).map((r) => r.name)
  );
  for (const day of days) {
    const name = partitionName(table, day);
    if (present.has(name)) {
      continue;
    }
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
    await q.query(createPartition(table, day));
  }
}
