import { useEffect, useState } from 'react';
import type { CallType, SessionSearchResponse } from '../../model';
import { errorMessage } from '../../dataAccess/errorMessage';
import { findDataSource } from '../../dataAccess/findDataSource';

export type SearchState =
  | { status: 'loading' }
  | { status: 'no-datasource' }
  | { status: 'error'; message: string }
  | { status: 'done'; sessions: SessionSearchResponse['sessions']; asOf: number };

/** I1 filters besides the id prefix and the time window. */
export interface SessionFilters {
  hasErrors?: boolean;
  callType?: CallType;
  minSize?: number;
  /** Only sessions a user rated at most this (1-5). */
  maxRating?: number;
}

/** Sessions of the last `hours` whose id starts with `prefix`, through the data source. */
export function useSessionSearch(prefix: string, hours: number, filters: SessionFilters = {}): SearchState {
  const key = JSON.stringify([hours, prefix, filters]);
  // The answer remembers which search it belongs to: a newer search shows as loading.
  const [answer, setAnswer] = useState<{ key: string; state: SearchState }>();
  useEffect(() => {
    let cancelled = false;
    const [h, q, f] = JSON.parse(key) as [number, string, SessionFilters];
    (async (): Promise<SearchState> => {
      const ds = await findDataSource();
      if (!ds) {
        return { status: 'no-datasource' };
      }
      const to = Date.now();
      // GET /api/v1/sessions through the backend's resource proxy, with the I1 filters.
      const res = await ds.searchSessions({
        from: to - h * 3_600_000,
        to,
        limit: 200,
        q,
        hasErrors: f.hasErrors || undefined,
        callType: f.callType,
        minSize: f.minSize || undefined,
        maxRating: f.maxRating || undefined,
      });
      return { status: 'done', sessions: res.sessions, asOf: res.to };
    })().then(
      (state) => !cancelled && setAnswer({ key, state }),
      (err) => !cancelled && setAnswer({ key, state: { status: 'error', message: errorMessage(err) } })
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return answer?.key === key ? answer.state : { status: 'loading' };
}
