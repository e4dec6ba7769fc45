import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Alert, Stack } from '@grafana/ui';
import { QUERY_MODEL_VERSION, QueryType, type SessionQueryModel, type VariableKind } from '../../model';
import { queryProblem } from '../queryModel';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions, SessionQuery, ValueSource } from '../types';
import { ScopeFields } from './ScopeFields';
import { VariableKindField } from './VariableKindField';

type Props = QueryEditorProps<ValueSource, SessionQuery, SessionDataSourceOptions, SessionQuery>;

/** The scope each kind of list is narrowed by: sessions of a project, users of a session... */
const SCOPE_OF: Record<VariableKind, Array<keyof SessionQueryModel>> = {
  projects: [],
  sessions: ['project'],
  meetings: ['project', 'sessionId'],
  users: ['project', 'sessionId', 'meetingId'],
  streams: ['project', 'sessionId', 'meetingId'],
};

/** Edits a template variable's query: what to list, and within which project, session and meeting. */
export function VariableQueryEditor({ query: raw, onChange, datasource, range }: Props) {
  const query: SessionQuery = { ...raw, queryType: QueryType.Variables, version: raw.version ?? QUERY_MODEL_VERSION };
  const problem = queryProblem(query);
  const update = (patch: Partial<SessionQuery>) => onChange({ ...query, ...patch });
  return (
    <Stack direction="column" gap={0}>
      <VariableKindField query={query} onChange={update} />
      {query.variable && (
        <ScopeFields
          datasource={datasource}
          query={query}
          fields={new Set(SCOPE_OF[query.variable])}
          range={range}
          onChange={update}
        />
      )}
      {problem && <Alert data-testid={testIds.queryEditor.problem} severity="info" title={problem} />}
    </Stack>
  );
}
