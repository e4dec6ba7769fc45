import type { Store } from './store';

/** Every project that has data, sorted (what an admin token reads). */
export async function listProjects(store: Store): Promise<string[]> {
  const rows = await store.query<{ project: string }>(
    'SELECT DISTINCT project FROM users UNION SELECT DISTINCT project FROM all_events'
  );
  return rows.map((r) => r.project).sort();
}
