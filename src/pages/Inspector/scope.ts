import type { SessionDataSource } from '../../datasource/datasource';
import type { SessionQuery } from '../../datasource/types';
import { QUERY_DESCRIPTORS, type QueryType } from '../../model';
import type { TimeWindow } from '../../dataAccess/queryRequest';

/** What every Inspector module is narrowed to: the session, its meeting, a user, a time range. */
export interface InspectorScope {
  ds: SessionDataSource;
  sessionId: string;
  project?: string;
  meetingId?: string;
  userId?: string;
  range: TimeWindow;
}

/** A query of `queryType` for this scope, with only the fields that query type reads. */
export function scopedQuery(
  scope: InspectorScope,
  refId: string,
  queryType: QueryType,
  extra: Partial<SessionQuery> = {}
): SessionQuery {
  const fields = QUERY_DESCRIPTORS[queryType].fields;
  const q: SessionQuery = { refId, queryType, sessionId: scope.sessionId, ...extra };
  const put = <K extends keyof SessionQuery>(k: K, v: SessionQuery[K] | undefined) => {
    if (v !== undefined && v !== '' && (fields as string[]).includes(k as string)) {
      q[k] = v;
    }
  };
  put('project', scope.project);
  put('meetingId', scope.meetingId);
  if (extra.userId === undefined) {
    put('userId', scope.userId);
  }
  return q;
}
