import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import { Limits } from '@model';
import type { SqlParam } from './store';

/**
 * Ingest's few statements, run on PGlite as named prepared statements. PGlite's own `query`
 * parses, plans and describes every statement anew in five calls into PostgreSQL; a statement
 * prepared once is then bound and run in one call, which took a group of 25 Vonage callbacks
 * from 4.6 to 3.2 ms (docs/benchmarks.md, "Vonage callbacks"). PostgreSQL replans a prepared
 * statement by itself when a table it uses changes (a new day's partition).
 */
interface Prepared {
  name: string;
  paramTypes: number[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A `query` that prepares each statement text the first time it runs with parameters. At most
 * `Limits.maxPreparedStatements` texts are kept; beyond them a statement runs through PGlite's
 * `query`. Errors are PGlite's, with the database's `code`.
 */
export function preparedQueries(db: PGlite) {
  const statements = new Map<string, Prepared>();
  const { serialize } = protocol;
  const prepare = async (sql: string): Promise<Prepared> => {
    const name = `ingest_${statements.size}`;
    const { messages } = await db.execProtocol(
      concat([
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false }
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, prepared);
    return prepared;
  };
  return async <T>(sql: string, params: SqlParam[] = []): Promise<T[]> => {
    let prepared = statements.get(sql);
    if (!prepared && (params.length === 0 || statements.size >= Limits.maxPreparedStatements)) {
      return (await db.query<T>(sql, params)).rows;
    }
    prepared ??= await prepare(sql);
    const { paramTypes } = prepared;
    const values = params.map((v, i) => (v === null ? null : (db.serializers[paramTypes[i]]?.(v) ?? String(v))));
    const { messages } = await db.execProtocol(
      concat([
        serialize.bind({ statement: prepared.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false }
    );
    return parse.parseResults(messages, db.parsers)[0].rows as T[];
  };
}
