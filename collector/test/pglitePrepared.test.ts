import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { preparedQueries } from '../src/store/pglitePrepared';

describe("ingest's prepared statements on PGlite", () => {
  let db: PGlite;
  let query: ReturnType<typeof preparedQueries>;
  before(async () => {
    db = await PGlite.create();
    query = preparedQueries(db);
    await db.exec(`
      CREATE TABLE t (day bigint NOT NULL, id text NOT NULL, tags text[], doc jsonb, score float8,
        PRIMARY KEY (day, id)) PARTITION BY RANGE (day);
      CREATE TABLE t_1 PARTITION OF t FOR VALUES FROM (1) TO (2);`);
  });
  after(() => db.close());

  const INSERT = `INSERT INTO t SELECT $1::bigint, $2::text, $3::text[], $4::jsonb, $5::float8 RETURNING *`;

  test("answers as PGlite's own query does, parameters and types alike", async () => {
    const params = [1, "it's", ['a', 'b "c"'], JSON.stringify({ n: [1, 2] }), null];
    const rows = await query(INSERT, params);
    assert.deepEqual(rows, [{ day: 1, id: "it's", tags: ['a', 'b "c"'], doc: { n: [1, 2] }, score: null }]);
    const again = await query('SELECT * FROM t WHERE id = $1::text', ["it's"]);
    const plain = (await db.query('SELECT * FROM t WHERE id = $1::text', ["it's"])).rows;
    assert.deepEqual(again, plain);
  });

  test("a failed statement throws the database's error, and the statement runs again after a rollback", async () => {
    await db.exec('BEGIN');
    await assert.rejects(query(INSERT, [1, "it's", null, null, 2]), (err: Error & { code?: string }) => {
      assert.equal(err.code, '23505');
      return true;
    });
    await db.exec('ROLLBACK');
    assert.deepEqual(await query(INSERT, [1, 'second', null, null, 2.5]), [
      { day: 1, id: 'second', tags: null, doc: null, score: 2.5 },
    ]);
  });

  test('a partition made after the statement was prepared takes its rows', async () => {
    await assert.rejects(query(INSERT, [2, 'next-day', null, null, 1]), /no partition/);
    await db.exec('CREATE TABLE t_2 PARTITION OF t FOR VALUES FROM (2) TO (3)');
    await query(INSERT, [2, 'next-day', null, null, 1]);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_2');
    assert.equal(rows.rows[0].n, 1);
  });
});
