import { sourceCode, type RecordSource } from '@model';
import { groupBy } from '../groupBy';
import type { IngestRecord } from '../model/records';
import { refreshMinutes } from '../store/qualityMinutes';
import type { Queryable } from '../store/store';

/**
 * One call seen by several sources is one session: the SDK knows its user (a stable client id),
 * a Vonage callback knows the connection's token data (mapped to a user, see docs/vonage.md),
 * the Insights API knows only the connection id. So a connection's user is the best any source
 * knows, and every record of that connection is stored under it, whichever arrives first:
 *   3: a client that reports itself (SDK, simulator, dump import);
 *   2: a Vonage callback whose connection data named a user;
 *   1: a Vonage placeholder, `vonage-connection:<connectionId>` (nothing named the user).
 * Lower-ranked records are written under the better user, and stored ones are moved to it when
 * a better one arrives, users' rows merged. Same-rank records are never rewritten. A client
 * speaks for a connection's user only in its own connect events: it may also report what it saw
 * of other connections, under its own id.
 */
export const PLACEHOLDER_PREFIX = 'vonage-connection:';
export const placeholderUser = (connectionId: string) => `${PLACEHOLDER_PREFIX}${connectionId}`;

const VONAGE = [sourceCode('vonage-callback'), sourceCode('vonage-insights')];

function rankOf(source: RecordSource, clientId: string): number {
  if (source !== 'vonage-callback' && source !== 'vonage-insights') {
    return 3;
  }
  return clientId.startsWith(PLACEHOLDER_PREFIX) ? 1 : 2;
}

const RANK_SQL = (t: string) =>
  `CASE WHEN ${t}.source <> ALL('{${VONAGE.join(',')}}'::smallint[]) THEN 3
        WHEN ${t}.client_id LIKE '${PLACEHOLDER_PREFIX}%' THEN 1 ELSE 2 END`;

// Per connection, the best record stored: a lookup in the index events_connection_user
// (migration 7), whose condition is the WHERE here word for word (rank < 3 is a Vonage source).
export const BEST_STORED = `
  SELECT k.session_id, k.connection_id, b.client_id, b.rank
  FROM jsonb_to_recordset($2::jsonb) AS k(session_id text, connection_id text)
  CROSS JOIN LATERAL (
    SELECT e.client_id, ${RANK_SQL('e')} AS rank FROM events e
    WHERE e.project = $1 AND e.session_id = k.session_id AND e.connection_id = k.connection_id
      AND (e.action = 'connect' OR e.source IN (${VONAGE.join(', ')}))
    ORDER BY rank DESC, e.ts, e.id
    LIMIT 1) b`;

const KEYS = `jsonb_to_recordset($2::jsonb) AS k(session_id text, connection_id text, client_id text, rank int)`;

/**
 * How a user's row takes in another description of the same user: what it already says wins,
 * what it lacks (a SIP flag, a country) is taken.
 */
export const USER_MERGE_SET = `
    sdk = coalesce(users.sdk, excluded.sdk), browser = coalesce(users.browser, excluded.browser),
    browser_version = coalesce(users.browser_version, excluded.browser_version), os = coalesce(users.os, excluded.os),
    device = coalesce(users.device, excluded.device), country = coalesce(users.country, excluded.country),
    city = coalesce(users.city, excluded.city), sip = users.sip OR excluded.sip,
    first_seen = least(users.first_seen, excluded.first_seen)`;

// Users' rows of the client ids about to be replaced are merged into the better one first.
const MERGE_USERS = `
  INSERT INTO users (project, session_id, client_id, sdk, browser, browser_version, os, device, country, city, sip, first_seen)
  SELECT $1::text, m.session_id, m.client_id, max(u.sdk), max(u.browser), max(u.browser_version), max(u.os),
    max(u.device), max(u.country), max(u.city), bool_or(u.sip), min(u.first_seen)
  FROM (SELECT DISTINCT e.session_id, e.client_id AS old_id, k.client_id
        FROM events e JOIN ${KEYS} ON e.session_id = k.session_id AND e.connection_id = k.connection_id
        WHERE e.project = $1 AND e.client_id <> k.client_id AND ${RANK_SQL('e')} < k.rank) m
  JOIN users u ON u.project = $1 AND u.session_id = m.session_id AND u.client_id = m.old_id
  GROUP BY m.session_id, m.client_id
  ON CONFLICT (project, session_id, client_id) DO UPDATE SET ${USER_MERGE_SET}`;

const MOVE = (table: string) => `
  UPDATE ${table} x SET client_id = k.client_id FROM ${KEYS}
  WHERE x.project = $1 AND x.session_id = k.session_id AND x.connection_id = k.connection_id
    AND x.client_id <> k.client_id AND ${RANK_SQL('x')} < k.rank`;

interface Best {
  clientId: string;
  rank: number;
}

const keyOf = (sessionId: string, connectionId: string) => JSON.stringify([sessionId, connectionId]);

/**
 * Gives every record of the batch its connection's best-known user (rewriting `records` in
 * place) and moves stored records of those connections to a better user the batch brings.
 * Runs in the batch's transaction. A batch that only adds samples from a client that reports
 * itself costs nothing: only connect events and Vonage records can change a connection's user.
 * Answers the sessions whose stored records moved to another user.
 */
export async function resolveConnectionUsers(
  q: Queryable,
  project: string,
  records: IngestRecord[],
  source: RecordSource
): Promise<string[]> {
  const inBatch = new Map<string, Best & { sessionId: string; connectionId: string }>();
  for (const r of records) {
    const rank = rankOf(r.source ?? source, r.clientId);
    if (!r.connectionId || (rank === 3 && !(r.kind === 'event' && r.action === 'connect'))) {
      continue;
    }
    const key = keyOf(r.sessionId, r.connectionId);
    const seen = inBatch.get(key);
    if (!seen || rank > seen.rank) {
      inBatch.set(key, { sessionId: r.sessionId, connectionId: r.connectionId, clientId: r.clientId, rank });
    }
  }
  if (inBatch.size === 0) {
    return [];
  }
  const stored = new Map<string, Best>();
  const rows = await q.query<{ session_id: string; connection_id: string; client_id: string; rank: number }>(
    BEST_STORED,
    [
      project,
      JSON.stringify([...inBatch.values()].map((b) => ({ session_id: b.sessionId, connection_id: b.connectionId }))),
    ]
  );
  for (const row of rows) {
    stored.set(keyOf(row.session_id, row.connection_id), { clientId: row.client_id, rank: row.rank });
  }
  const promote: Array<{ session_id: string; connection_id: string; client_id: string; rank: number }> = [];
  const best = new Map<string, Best>();
  for (const [key, b] of inBatch) {
    const s = stored.get(key);
    if (s && s.rank >= b.rank) {
      best.set(key, s);
      continue;
    }
    best.set(key, b);
    // Only stored records of a lower rank are moved; a connection seen for the first time has none.
    if (s && s.clientId !== b.clientId) {
      promote.push({ session_id: b.sessionId, connection_id: b.connectionId, client_id: b.clientId, rank: b.rank });
    }
  }
  for (const r of records) {
    const b = r.connectionId ? best.get(keyOf(r.sessionId, r.connectionId)) : undefined;
    if (b && rankOf(r.source ?? source, r.clientId) < b.rank) {
      r.clientId = b.clientId;
    }
  }
  if (promote.length === 0) {
    return [];
  }
  const params = [project, JSON.stringify(promote)];
  await q.query(MERGE_USERS, params);
  await q.query(MOVE('events'), params);
  await q.query(MOVE('quality_samples'), params);
  const moved = groupBy(
    promote,
    (r) => r.session_id,
    (r) => r.connection_id
  );
  // The moved samples' rollups are keyed by user: recomputed for those connections.
  for (const [sessionId, connectionIds] of moved) {
    await refreshMinutes(q, '', project, [sessionId], connectionIds);
  }
  return [...moved.keys()];
}
