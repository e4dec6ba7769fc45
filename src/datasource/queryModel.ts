import { ALL_VARIABLE_VALUE, checkQuery, QUERY_DESCRIPTORS, QUERY_MODEL_VERSION, QueryType } from '../model';
import type { SessionQuery } from './types';

export const DEFAULT_QUERY: Partial<SessionQuery> = {
  queryType: QueryType.Sessions,
  version: QUERY_MODEL_VERSION,
};

/** String fields that may hold template variables. */
export const INTERPOLATED_FIELDS = [
  'project',
  'sessionId',
  'meetingId',
  'sessionIdPrefix',
  'userId',
  'streamId',
  'textFilter',
  'tag',
] as const;

/** Why a query cannot run yet, in the editor's words, or undefined when it can (the collector runs the same checks). */
export function queryProblem(q: Partial<SessionQuery>): string | undefined {
  return checkQuery(q)?.hint;
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
  const keep = new Set<string>([
    ...QUERY_DESCRIPTORS[queryType].fields,
    'refId',
    'hide',
    'datasource',
    'key',
    'queryType',
  ]);
  const migrated: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (keep.has(k)) {
      migrated[k] = v;
    }
  }
  return { ...(migrated as unknown as SessionQuery), queryType, version: QUERY_MODEL_VERSION };
}

/**
 * Fills template variables in the string fields; a field that comes out as the dashboards'
 * "All" value is dropped, which means "no narrowing" to every query type.
 */
export function interpolateQuery(q: SessionQuery, replace: (text: string) => string): SessionQuery {
  const out: SessionQuery = { ...migrateQuery(q) };
  for (const key of INTERPOLATED_FIELDS) {
    const value = out[key];
    if (typeof value === 'string' && value !== '') {
      const filled = replace(value);
      if (filled === ALL_VARIABLE_VALUE || filled === '') {
        delete out[key];
      } else {
        out[key] = filled;
      }
    }
  }
  return out;
}
