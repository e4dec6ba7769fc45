import { Limits } from '@model';
import { Pool, types, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Queryable, SqlParam, Store } from './store';

// int8 (counts, epoch ms) as JS numbers: every value we store fits in 2^53.
types.setTypeParser(20, (v) => Number(v));

function copyCsv(client: PoolClient, table: string, columns: readonly string[], csv: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(csv);
  });
}

/** Names of the statement texts prepared on the write connections, the same on every one. */
const preparedNames = new Map<string, string>();

/**
 * The name a transaction's statement is prepared under, on each write connection the first time
 * it runs there: node-postgres otherwise has PostgreSQL parse and plan every statement anew, and
 * those were two thirds of PostgreSQL's time in a dump import (docs/benchmarks.md, goal 6). Only
 * statements with parameters, as on PGlite (pglitePrepared.ts), and at most
 * `Limits.maxPreparedStatements` texts. PostgreSQL replans a prepared statement by itself when a
 * table it uses changes (a new day's partition, a dropped one).
 */
function statementName(sql: string, params: SqlParam[] | undefined): string | undefined {
  if (!params?.length) {
    return undefined;
  }
  let name = preparedNames.get(sql);
  if (!name && preparedNames.size < Limits.maxPreparedStatements) {
    name = `si_write_${preparedNames.size}`;
    preparedNames.set(sql, name);
  }
  return name;
}

/**
 * The database URL with the collector's server options added after any it carries
 * (`?options=-c statement_timeout=5s`): node-postgres takes a URL's `options` in place of those
 * given beside it, which dropped ours (and a test store's schema) whenever the URL had some. Ours
 * come last, so they win where both set the same one.
 */
export function withOptions(url: string, ours: string[]): string {
  const u = new URL(url);
  u.searchParams.set('options', [u.searchParams.get('options'), ...ours].filter(Boolean).join(' '));
  return u.toString();
}

/**
 * PostgreSQL through node-postgres; `schema` isolates a store (tests run in parallel). Two
 * pools: transactions (ingest, saves, purges) use `writers` connections (plus two for saves and
 * purges), plain queries their own, so a query never waits for a connection behind ingest.
 */
export async function openPostgres(
  url: string,
  schema?: string,
  writers: number = Limits.ingestWritersPostgres
): Promise<Store> {
  // JIT compiling a plan costs about 100 ms, more than most of our queries take: the planner's
  // costs for a join over every day's partitions pass its threshold however few rows it reads
  // (the sessions search on a week of a fleet spent 112 ms of 230 compiling).
  const connectionString = withOptions(url, ['-c jit=off', ...(schema ? [`-c search_path="${schema}"`] : [])]);
  const pool = new Pool({ connectionString, max: Limits.queryConnectionsPostgres });
  const writePool = new Pool({ connectionString, max: writers + 2 });
  if (schema) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  }
  const run = async <T>(c: Pick<Pool, 'query'>, sql: string, params?: SqlParam[]): Promise<T[]> =>
    (await c.query(sql, params)).rows as T[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async tx(fn) {
      const client = await writePool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          query: async <T>(sql: string, params?: SqlParam[]) =>
            (await client.query({ name: statementName(sql, params), text: sql, values: params })).rows as T[],
          copyCsv: (table, columns, csv) => copyCsv(client, table, columns, csv),
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.all([pool.end(), writePool.end()]);
    },
  };
}
