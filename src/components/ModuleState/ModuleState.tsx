import React from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import type { DataFrame } from '@grafana/data';
import type { ModuleState } from '../../dataAccess/useQueries';
import { testIds } from '../testIds';

interface Props {
  state: ModuleState;
  title: string;
  /** Text shown when the frames hold no row. */
  empty: string;
  isEmpty?: (frames: DataFrame[]) => boolean;
  children: (frames: DataFrame[]) => React.ReactNode;
}

const noRows = (frames: DataFrame[]) => frames.every((f) => f.length === 0);

/** Loading, error and empty states of one Inspector module or panel, then its content. */
export function ModuleBody({ state, title, empty, isEmpty = noRows, children }: Props) {
  if (state.status === 'loading') {
    return (
      <div data-testid={testIds.module.loading}>
        <LoadingPlaceholder text={`Loading ${title.toLowerCase()}...`} />
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <Alert data-testid={testIds.module.error} severity="error" title={`Could not load ${title.toLowerCase()}`}>
        {state.message}
      </Alert>
    );
  }
  if (isEmpty(state.frames)) {
    return (
      <p data-testid={testIds.module.empty} role="status">
        {empty}
      </p>
    );
  }
  return <>{children(state.frames)}</>;
}
