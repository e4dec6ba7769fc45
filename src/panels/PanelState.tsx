import React from 'react';
import { LoadingState, type DataFrame, type PanelData } from '@grafana/data';
import type { ModuleState } from '../dataAccess/useQueries';

/** A dashboard panel's data as the Inspector modules' loading / error / done state. */
export function panelState(data: PanelData): ModuleState {
  if (data.state === LoadingState.Loading && data.series.length === 0) {
    return { status: 'loading' };
  }
  const error = data.errors?.[0];
  if (error) {
    return { status: 'error', message: error.message ?? 'query failed' };
  }
  return { status: 'done', frames: data.series as DataFrame[] };
}

/** Shown when a panel's query is not of the type the panel reads. */
export function WrongQuery({ expected }: { expected: string }) {
  return (
    <p role="status">
      This panel reads the frames of a Session Telemetry &quot;{expected}&quot; query: pick that query type in the query
      editor.
    </p>
  );
}
