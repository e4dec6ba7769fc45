import { useEffect, useState } from 'react';
import type { SessionSearchResult } from '../../datasource/datasource';
import type { CallType } from '../../model';
import { errorMessage, findDataSource } from '../../utils/dataSource';

export type SearchState =
  | { status: 'loading' }
  | { status: 'no-datasource' }
  | { status: 'error'; message: string }
  | { status: 'done'; sessions: SessionSearchResult['sessions'] };

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
      const params: Record<string, string | number> = { from: to - h * 3_600_000, to, limit: 200 };
      if (q) {
        params.q = q;
      }
      if (f.hasErrors) {
        params.hasErrors = 'true';
      }
      if (f.callType) {
        params.callType = f.callType;
      }
      if (f.minSize) {
        params.minSize = f.minSize;
      }
      if (f.maxRating) {
        params.maxRating = f.maxRating;
      }
      const res = await ds.getResource<SessionSearchResult>('sessions', params);
      return { status: 'done', sessions: res.sessions };
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
