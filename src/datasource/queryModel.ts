import { QUERY_FIELDS, QUERY_MODEL_VERSION, QueryType, SESSION_SCOPED, type SessionQueryModel } from '../model';
import type { SessionQuery } from './types';

export const DEFAULT_QUERY: Partial<SessionQuery> = {
  queryType: QueryType.Sessions,
  version: QUERY_MODEL_VERSION,
};

/** String fields that may hold template variables. */
export const INTERPOLATED_FIELDS = ['project', 'sessionId', 'sessionIdPrefix', 'userId', 'streamId'] as const;

/** Why a query cannot run yet, or undefined when it can. */
export function queryProblem(q: Partial<SessionQuery>): string | undefined {
  if (!q.queryType) {
    return 'Choose a query type';
  }
  if (SESSION_SCOPED.includes(q.queryType) && !q.sessionId) {
    return 'Enter a session id (or a variable such as $session)';
  }
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1)) {
    return 'Limit must be a whole number above 0';
  }
  return undefined;
}

/**
 * Upgrades a saved query to the current model version. Version 0 (unversioned) queries were
 * written before `version` existed; their fields are the same, so they only gain the stamp.
 * Fields that the query type does not read are dropped so stale values cannot leak into it.
 */
export function migrateQuery(q: SessionQuery): SessionQuery {
  if ((q.version ?? 0) >= QUERY_MODEL_VERSION && q.queryType) {
    return q;
  }
  const queryType = q.queryType ?? QueryType.Sessions;
  const keep = new Set<string>([...QUERY_FIELDS[queryType], 'refId', 'hide', 'datasource', 'key', 'queryType']);
  const migrated: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (keep.has(k)) {
      migrated[k] = v;
    }
  }
  return { ...(migrated as unknown as SessionQuery), queryType, version: QUERY_MODEL_VERSION };
}

export function isModelField(key: string): key is keyof SessionQueryModel {
  return Object.values(QUERY_FIELDS).some((fields) => (fields as string[]).includes(key));
}
