import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { openPostgres, withOptions } from '../src/store/postgresStore';
import { dropSchemas, throwawaySchema } from './schemas';

interface ConnectionParameters {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
  options?: string;
  ssl: unknown;
}

/** What node-postgres makes of a connection string (`Client` connects only when asked). */
const parse = (connectionString: string) =>
  (new Client({ connectionString }) as unknown as { connectionParameters: ConnectionParameters }).connectionParameters;

describe("a DATABASE_URL's own server options", () => {
  test("are kept, with the collector's after them, and the rest of the URL as it was", () => {
    const url = withOptions(
      'postgres://us%40er:p%3Ass@db.example:6432/si?sslmode=disable&options=-c%20statement_timeout%3D5s',
      ['-c jit=off', '-c search_path="si_x"']
    );
    const parsed = parse(url);
    assert.equal(parsed.options, '-c statement_timeout=5s -c jit=off -c search_path="si_x"');
    assert.deepEqual(
      [parsed.user, parsed.password, parsed.host, parsed.port, parsed.database, parsed.ssl],
      ['us@er', 'p:ss', 'db.example', 6432, 'si', false]
    );
    assert.equal(
      parse(withOptions('postgres:///si?host=%2Fvar%2Frun%2Fpostgresql', ['-c jit=off'])).host,
      '/var/run/postgresql'
    );
    assert.equal(parse(withOptions('postgres://h/si', ['-c jit=off'])).options, '-c jit=off');
  });

  // The same on a live server: its connections run with both sets (PostgreSQL runs the suite).
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (databaseUrl) {
    test("a store opened on such a URL runs with the URL's settings and its own schema and jit", async () => {
      const schema = throwawaySchema();
      const u = new URL(databaseUrl);
      u.searchParams.set('options', '-c statement_timeout=4321');
      const store = await openPostgres(u.toString(), schema);
      try {
        const read = await store.query<{ timeout: string; jit: string; schema: string }>(
          `SELECT current_setting('statement_timeout') AS timeout, current_setting('jit') AS jit, current_schema() AS schema`
        );
        const written = await store.tx((q) => q.query<{ schema: string }>('SELECT current_schema() AS schema'));
        assert.deepEqual(read, [{ timeout: '4321ms', jit: 'off', schema }]);
        assert.deepEqual(written, [{ schema }]);
      } finally {
        await store.close();
        await dropSchemas(databaseUrl, [schema]);
      }
    });
  }
});
