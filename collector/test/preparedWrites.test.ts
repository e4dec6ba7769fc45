import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../src/store/openStore';
import type { Store } from '../src/store/store';
import { testConfig } from './helpers';

// A transaction's statements with parameters are prepared once per write connection on
// PostgreSQL (postgresStore.ts); on PGlite they go through its worker. Either way they must
// behave as statements parsed anew: the same rows, the database's errors, new partitions seen.
describe("a transaction's prepared statements", () => {
  let store: Store;
  before(async () => {
    store = await openStore(testConfig());
    await store.tx(async (q) => {
      await q.query(`CREATE TABLE prepared_t (day bigint NOT NULL, id text NOT NULL, doc jsonb,
        PRIMARY KEY (day, id)) PARTITION BY RANGE (day)`);
      await q.query('CREATE TABLE prepared_t_1 PARTITION OF prepared_t FOR VALUES FROM (1) TO (2)');
    });
  });
  after(() => store.close());

  const INSERT = 'INSERT INTO prepared_t SELECT $1::bigint, $2::text, $3::jsonb RETURNING day, id, doc';
  /** The write connections' prepared statements with this text (PostgreSQL's view of its session). */
  const preparedAs = (q: { query: Store['query'] }, sql: string) =>
    q.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE statement = $1', [sql]);

  test('run twice, a statement answers both times, and PostgreSQL prepared it once on that connection', async () => {
    const [first, second, prepared] = await store.tx(async (q) => [
      await q.query(INSERT, [1, 'a', JSON.stringify({ n: 1 })]),
      await q.query(INSERT, [1, 'b', null]),
      await preparedAs(q, INSERT),
    ]);
    assert.deepEqual(first, [{ day: 1, id: 'a', doc: { n: 1 } }]);
    assert.deepEqual(second, [{ day: 1, id: 'b', doc: null }]);
    if (store.kind === 'postgres') {
      assert.equal(prepared.length, 1, 'one prepared statement for the text');
      assert.match(prepared[0].name, /^si_write_\d+$/);
    } else {
      assert.deepEqual(prepared, [], "PGlite's main-thread transactions parse each statement");
    }
  });

  test('a statement without parameters is not prepared', async () => {
    const sql = 'SELECT count(*)::int AS n FROM prepared_t';
    const [rows, prepared] = await store.tx(async (q) => [await q.query(sql), await preparedAs(q, sql)]);
    assert.deepEqual(rows, [{ n: 2 }]);
    assert.deepEqual(prepared, []);
  });

  test("a failed statement throws the database's error and nothing of its transaction lands; it runs again after", async () => {
    await assert.rejects(
      store.tx(async (q) => {
        await q.query(INSERT, [1, 'c', null]);
        await q.query(INSERT, [1, 'a', null]);
      }),
      (err: Error & { code?: string }) => err.code === '23505'
    );
    assert.deepEqual(await store.query('SELECT id FROM prepared_t WHERE id = $1', ['c']), []);
    assert.deepEqual(await store.tx((q) => q.query(INSERT, [1, 'c', null])), [{ day: 1, id: 'c', doc: null }]);
  });

  test('a partition made after the statement was prepared takes its rows', async () => {
    await assert.rejects(
      store.tx((q) => q.query(INSERT, [2, 'next-day', null])),
      /no partition/
    );
    await store.tx((q) => q.query('CREATE TABLE prepared_t_2 PARTITION OF prepared_t FOR VALUES FROM (2) TO (3)'));
    await store.tx((q) => q.query(INSERT, [2, 'next-day', null]));
    assert.deepEqual(await store.query('SELECT id FROM prepared_t_2'), [{ id: 'next-day' }]);
  });
});
