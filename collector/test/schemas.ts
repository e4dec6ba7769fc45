import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/**
 * Tests and benches on PostgreSQL isolate each store in a schema of its own (they run in
 * parallel against one database) and drop it when done; the store itself never drops anything.
 */
export function throwawaySchema(prefix = 'si_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchemas(databaseUrl: string, schemas: Iterable<string>): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    for (const schema of schemas) {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } finally {
    await pool.end();
  }
}
