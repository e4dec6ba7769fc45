import {
  ALL_VARIABLE_VALUE,
  FLEET_FORMATS,
  FLEET_GROUPS,
  FLEET_STATS,
  FleetMetric,
  QUERY_FIELDS,
  QUERY_MODEL_VERSION,
  QueryType,
  SESSION_SCOPED,
  VARIABLE_KINDS,
} from '../model';
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

/** Variable kinds listed within one session. */
const SESSION_VARIABLES = ['meetings', 'users', 'streams'];

/** Why a query cannot run yet, or undefined when it can. */
export function queryProblem(q: Partial<SessionQuery>): string | undefined {
  if (!q.queryType) {
    return 'Choose a query type';
  }
  if (SESSION_SCOPED.includes(q.queryType) && !q.sessionId) {
    return 'Choose a session (or a variable such as $session)';
  }
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1)) {
    return 'Limit must be a whole number above 0';
  }
  if (q.minSize !== undefined && (!Number.isInteger(q.minSize) || q.minSize < 0)) {
    return 'Min connections must be a whole number, 0 or more';
  }
  if (q.maxRating !== undefined && (!Number.isInteger(q.maxRating) || q.maxRating < 1 || q.maxRating > 5)) {
    return 'Rated at most must be a whole number from 1 to 5';
  }
  if (q.queryType === QueryType.Variables) {
    if (!q.variable || !VARIABLE_KINDS.includes(q.variable)) {
      return `Choose what to list: ${VARIABLE_KINDS.join(', ')}`;
    }
    if (SESSION_VARIABLES.includes(q.variable) && !q.sessionId) {
      return `Listing ${q.variable} needs a session (or a variable such as $session)`;
    }
  }
  if (q.queryType === QueryType.Fleet) {
    if (q.fleetMetric && !Object.values(FleetMetric).includes(q.fleetMetric)) {
      return `Unknown fleet metric '${q.fleetMetric}'`;
    }
    if (q.stat && !FLEET_STATS.includes(q.stat)) {
      return `Unknown statistic '${q.stat}'`;
    }
    if (q.groupBy && !FLEET_GROUPS.includes(q.groupBy)) {
      return `Cannot group by '${q.groupBy}'`;
    }
    if (q.format && !FLEET_FORMATS.includes(q.format)) {
      return `Unknown format '${q.format}'`;
    }
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
