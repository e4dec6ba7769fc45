import { Limits, type SavedSession } from '@model';
import { conflict, invalidBody, invalidField, notFound } from '../errors';
import { unstorableText } from '../model/storable';
import { refreshSessionTotals } from './sessionTotals';
import type { Queryable, Store } from './store';

export interface SavedSessionInput {
  name?: unknown;
  tags?: unknown;
}

const MAX_NAME = 200;
const MAX_TAG = 50;

type Row = {
  project: string;
  session_id: string;
  name: string;
  tags: string[];
  saved_at: number;
  updated_at: number;
  saved_by: string | null;
};

const COLUMNS =
  'project, session_id, name, tags, saved_at::float8 AS saved_at, updated_at::float8 AS updated_at, saved_by';

function toSaved(r: Row): SavedSession {
  return {
    project: r.project,
    sessionId: r.session_id,
    name: r.name,
    tags: r.tags,
    savedAt: r.saved_at,
    updatedAt: r.updated_at,
    savedBy: r.saved_by,
  };
}

function validName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw invalidField('name', 'name is required: a saved session needs a non-empty name');
  }
  if (raw.trim().length > MAX_NAME) {
    throw invalidField('name', `name is ${raw.trim().length} characters; at most ${MAX_NAME} are allowed`);
  }
  const problem = unstorableText(raw);
  if (problem) {
    throw invalidField('name', `name ${problem}`);
  }
  return raw.trim();
}

function validTags(raw: unknown): string[] {
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) {
    throw invalidField('tags', 'tags must be an array of strings');
  }
  const tags = [...new Set((raw as string[]).map((t) => t.trim()).filter(Boolean))];
  if (tags.length > Limits.tagsPerSavedSession) {
    throw invalidField(
      'tags',
      `tags: ${tags.length} given; a saved session has at most ${Limits.tagsPerSavedSession} tags`
    );
  }
  const long = tags.find((t) => t.length > MAX_TAG);
  if (long) {
    throw invalidField('tags', `tag '${long.slice(0, 20)}...' is longer than ${MAX_TAG} characters`);
  }
  const bad = tags.find((t) => unstorableText(t));
  if (bad !== undefined) {
    throw invalidField('tags', `a tag ${unstorableText(bad)}`);
  }
  return tags;
}

export async function listSaved(store: Queryable, projects: string[]): Promise<SavedSession[]> {
  const rows = await store.query<Row>(
    `SELECT ${COLUMNS} FROM saved_sessions WHERE project = ANY($1::text[]) ORDER BY updated_at DESC, project, session_id`,
    [projects]
  );
  return rows.map(toSaved);
}

/**
 * I9: saves a session (201) or saves it again (200): the name and tags are replaced and the
 * 24-month clock restarts. The session must still have raw data in retention, and a project
 * holds at most `Limits.savedSessionsPerProject` saved sessions. With `keepExisting` a session
 * already saved is left as it is (B6: a repeated alert must not rename what a user saved).
 */
export async function saveSession(
  store: Store,
  project: string,
  sessionId: string,
  input: SavedSessionInput,
  savedBy: string | null,
  { now = Date.now(), keepExisting = false }: { now?: number; keepExisting?: boolean } = {}
): Promise<{ created: boolean; saved: SavedSession }> {
  const name = validName(input.name);
  const tags = validTags(input.tags);
  return store.tx(async (q) => {
    // Serialises saves of one project so that two concurrent saves cannot both pass the limit.
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`saved:${project}`]);
    // Raw data in retention: rows in the daily partitions, or an import not yet expired.
    const live = await q.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM events WHERE project = $1 AND session_id = $2)::float8
         + (SELECT count(*) FROM imports WHERE project = $1 AND session_id = $2)::float8 AS n`,
      [project, sessionId]
    );
    if (live[0].n === 0) {
      throw notFound(
        `session '${sessionId}' has no data in retention in project '${project}': only sessions with raw data can be saved or refreshed`,
        'sessionId'
      );
    }
    const existing = await q.query<Row>(
      `SELECT ${COLUMNS} FROM saved_sessions WHERE project = $1 AND session_id = $2`,
      [project, sessionId]
    );
    if (existing.length > 0 && keepExisting) {
      return { created: false, saved: toSaved(existing[0]) };
    }
    if (existing.length === 0) {
      const count = await q.query<{ n: number }>(
        'SELECT count(*)::float8 AS n FROM saved_sessions WHERE project = $1',
        [project]
      );
      if (count[0].n >= Limits.savedSessionsPerProject) {
        throw conflict(
          `project '${project}' already has ${Limits.savedSessionsPerProject} saved sessions, the most it can keep: delete some first`
        );
      }
    }
    const rows = await q.query<Row>(
      `INSERT INTO saved_sessions (project, session_id, name, tags, saved_at, updated_at, saved_by)
       VALUES ($1, $2, $3, $4::text[], $5, $5, $6)
       ON CONFLICT (project, session_id) DO UPDATE SET name = EXCLUDED.name, tags = EXCLUDED.tags, updated_at = EXCLUDED.updated_at, saved_by = EXCLUDED.saved_by
       RETURNING ${COLUMNS}`,
      [project, sessionId, name, tags, now, savedBy]
    );
    return { created: existing.length === 0, saved: toSaved(rows[0]) };
  });
}

/** Edits the name and / or tags of a saved session without refreshing it. */
export async function editSaved(
  store: Store,
  project: string,
  sessionId: string,
  input: SavedSessionInput
): Promise<SavedSession> {
  if (input.name === undefined && input.tags === undefined) {
    throw invalidBody('nothing to edit: send name and / or tags');
  }
  const name = input.name === undefined ? undefined : validName(input.name);
  const tags = input.tags === undefined ? undefined : validTags(input.tags);
  const rows = await store.query<Row>(
    `UPDATE saved_sessions SET name = coalesce($3, name), tags = coalesce($4::text[], tags)
     WHERE project = $1 AND session_id = $2 RETURNING ${COLUMNS}`,
    [project, sessionId, name ?? null, tags ?? null]
  );
  if (rows.length === 0) {
    throw notFound(`session '${sessionId}' is not saved in project '${project}'`, 'sessionId');
  }
  return toSaved(rows[0]);
}

/**
 * Deletes saved sessions and their kept copies (an imported session keeps its rows until its
 * import expires); answers which ones existed.
 */
export async function deleteSaved(
  store: Store,
  items: Array<{ project: string; sessionId: string }>
): Promise<Array<{ project: string; sessionId: string }>> {
  return store.tx(async (q) => {
    const deleted: Array<{ project: string; sessionId: string }> = [];
    for (const { project, sessionId } of items) {
      const gone = await q.query('DELETE FROM saved_sessions WHERE project = $1 AND session_id = $2 RETURNING 1', [
        project,
        sessionId,
      ]);
      if (gone.length > 0) {
        deleted.push({ project, sessionId });
        for (const table of ['saved_events', 'saved_quality_samples', 'saved_quality_minutes']) {
          await q.query(
            `DELETE FROM ${table} WHERE project = $1 AND session_id = $2
             AND NOT EXISTS (SELECT 1 FROM imports WHERE project = $1 AND session_id = $2)`,
            [project, sessionId]
          );
        }
        await refreshSessionTotals(q, project, [sessionId]);
      }
    }
    return deleted;
  });
}
