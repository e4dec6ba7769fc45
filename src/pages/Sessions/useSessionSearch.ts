import { useEffect, useState } from 'react';
import { getDataSourceSrv } from '@grafana/runtime';
import { DATASOURCE_TYPE } from '../../constants';
import type { SessionDataSource, SessionSearchResult } from '../../datasource/datasource';

export type SearchState =
  | { status: 'loading' }
  | { status: 'no-datasource' }
  | { status: 'error'; message: string }
  | { status: 'done'; sessions: SessionSearchResult['sessions'] };

/** Finds the Session Telemetry data source (the default one if several). */
export async function findDataSource(): Promise<SessionDataSource | undefined> {
  const list = getDataSourceSrv().getList({ type: DATASOURCE_TYPE });
  const chosen = list.find((d) => d.isDefault) ?? list[0];
  return chosen ? ((await getDataSourceSrv().get(chosen.uid)) as unknown as SessionDataSource) : undefined;
}

function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { error?: string; message?: string }; message?: string };
    return e.data?.error ?? e.data?.message ?? e.message ?? 'Unknown error';
  }
  return String(err);
}

/** Sessions of the last `hours` whose id starts with `prefix`, through the data source. */
export function useSessionSearch(prefix: string, hours: number): SearchState {
  const key = `${hours}|${prefix}`;
  // The answer remembers which search it belongs to: a newer search shows as loading.
  const [answer, setAnswer] = useState<{ key: string; state: SearchState }>();
  useEffect(() => {
    let cancelled = false;
    (async (): Promise<SearchState> => {
      const ds = await findDataSource();
      if (!ds) {
        return { status: 'no-datasource' };
      }
      const to = Date.now();
      const res = await ds.searchSessions({ q: prefix || undefined, from: to - hours * 3_600_000, to, limit: 200 });
      return { status: 'done', sessions: res.sessions };
    })().then(
      (state) => !cancelled && setAnswer({ key, state }),
      (err) => !cancelled && setAnswer({ key, state: { status: 'error', message: errorMessage(err) } })
    );
    return () => {
      cancelled = true;
    };
  }, [key, prefix, hours]);
  return answer?.key === key ? answer.state : { status: 'loading' };
}
