import { useEffect, useState } from 'react';
import type { SelectableValue, TimeRange } from '@grafana/data';
import type { VariableKind } from '../../model';
import type { ValueOption, ValueScope, ValueSource } from '../types';

export interface ValueOptions {
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
}

interface Loaded {
  key: string;
  values: ValueOption[];
  error?: string;
}

/**
 * The choices of one select, loaded from the collector (the `variables` query) and followed by
 * the dashboard's template variables. `ready` false (a session's users without a session) skips
 * loading.
 */
export function useValueOptions(
  datasource: ValueSource,
  kind: VariableKind,
  scope: ValueScope,
  range: TimeRange | undefined,
  ready: boolean
): ValueOptions {
  const [loaded, setLoaded] = useState<Loaded>({ key: '', values: [] });
  const { project, sessionId, meetingId } = scope;
  const from = range?.from.valueOf();
  const to = range?.to.valueOf();
  const key = JSON.stringify([kind, project, sessionId, meetingId, from, to]);
  useEffect(() => {
    if (!ready) {
      return;
    }
    let live = true;
    datasource
      .listValues(kind, { project, sessionId, meetingId }, range)
      .then((values) => live && setLoaded({ key, values }))
      .catch((err: Error) => live && setLoaded({ key, values: [], error: `Cannot list ${kind}: ${err.message}` }));
    return () => {
      live = false;
    };
    // `key` stands for the kind, scope and range bounds; the range object changes identity on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, key, ready]);
  const variables = datasource.variableNames().map((v) => ({ label: v, value: v, description: 'template variable' }));
  const current = ready && loaded.key === key;
  return {
    options: [...(current ? loaded.values.map((v) => ({ label: v.text, value: v.value })) : []), ...variables],
    loading: ready && !current,
    error: current ? loaded.error : undefined,
  };
}
