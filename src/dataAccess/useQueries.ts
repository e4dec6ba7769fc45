import { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { DataFrame, DataQueryResponse } from '@grafana/data';
import type { SessionDataSource } from '../datasource/datasource';
import type { SessionQuery } from '../datasource/types';
import { errorMessage } from './errorMessage';
import { queryRequest, type TimeWindow } from './queryRequest';

export type ModuleState =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'done'; frames: DataFrame[] };

/** One request to the data source (so to the Go backend and the collector) for several queries. */
export async function runQueries(
  ds: SessionDataSource,
  targets: SessionQuery[],
  range: TimeWindow,
  maxDataPoints: number
): Promise<DataQueryResponse> {
  return lastValueFrom(ds.query(queryRequest(targets, range, { maxDataPoints })));
}

/** Splits a response per refId: each module shows its own error without failing its siblings. */
export function statesByRefId(targets: SessionQuery[], res: DataQueryResponse): Record<string, ModuleState> {
  const out: Record<string, ModuleState> = {};
  for (const t of targets) {
    const err = res.errors?.find((e) => e.refId === t.refId);
    out[t.refId] = err
      ? { status: 'error', message: err.message ?? 'query failed' }
      : { status: 'done', frames: (res.data as DataFrame[]).filter((f) => f.refId === t.refId) };
  }
  return out;
}

/** Runs `targets` over `range` whenever either changes; every refId is loading until answered. */
export function useQueries(
  ds: SessionDataSource | undefined,
  targets: SessionQuery[],
  range: TimeWindow | undefined,
  maxDataPoints = 300
): Record<string, ModuleState> {
  const key = ds && range ? JSON.stringify([ds.uid, targets, range, maxDataPoints]) : '';
  const [answer, setAnswer] = useState<{ key: string; states: Record<string, ModuleState> }>();
  useEffect(() => {
    if (!key || !ds || !range) {
      return;
    }
    let cancelled = false;
    runQueries(ds, targets, range, maxDataPoints).then(
      (res) => !cancelled && setAnswer({ key, states: statesByRefId(targets, res) }),
      (err) => {
        if (!cancelled) {
          const failed: ModuleState = { status: 'error', message: errorMessage(err) };
          setAnswer({ key, states: Object.fromEntries(targets.map((t) => [t.refId, failed])) });
        }
      }
    );
    return () => {
      cancelled = true;
    };
    // `key` stands for targets, range and the data source.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (answer?.key === key) {
    return answer.states;
  }
  return Object.fromEntries(targets.map((t) => [t.refId, { status: 'loading' } as ModuleState]));
}
