import { useEffect, useState } from 'react';
import type { SessionDataSource } from '../datasource/datasource';
import { errorMessage } from './errorMessage';
import { findDataSource } from './findDataSource';

export type DataSourceState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  | { status: 'ready'; ds: SessionDataSource };

/** The Session Telemetry data source every page and panel queries through. */
export function useDataSource(): DataSourceState {
  const [state, setState] = useState<DataSourceState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    findDataSource().then(
      (ds) => !cancelled && setState(ds ? { status: 'ready', ds } : { status: 'missing' }),
      (err) => !cancelled && setState({ status: 'error', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
