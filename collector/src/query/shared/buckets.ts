import type { SqlWhere } from './where';

/**
 * Bucket width so that [from, to] holds at most maxDataPoints buckets, never finer than the
 * panel's interval. Buckets are aligned to `from`.
 */
export function bucketWidth(from: number, to: number, maxDataPoints: number, intervalMs: number): number {
  return Math.max(Math.ceil(intervalMs), Math.ceil((to - from + 1) / maxDataPoints), 1);
}

/** SQL of the start of the bucket `column` (epoch ms) falls in, buckets of `width` aligned to `from`. */
export function bucketSql(w: SqlWhere, column: string, from: number, width: number): string {
  const origin = w.param(from);
  const size = w.param(width);
  return `(${origin}::float8 + floor((${column} - ${origin}::float8) / ${size}::float8) * ${size}::float8)`;
}
