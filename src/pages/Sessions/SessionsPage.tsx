import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, EmptyState, Field, Input, LoadingPlaceholder, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { SessionsTable } from './SessionsTable';
import { useSessionSearch } from './useSessionSearch';

const WINDOWS = [
  { label: '1 h', value: 1 },
  { label: '6 h', value: 6 },
  { label: '24 h', value: 24 },
  { label: '7 d', value: 168 },
];

/** Session dashboard: recently active sessions, searchable by full or partial session id. */
function SessionsPage() {
  const [prefix, setPrefix] = useState('');
  const [hours, setHours] = useState(24);
  const state = useSessionSearch(prefix.trim(), hours);

  return (
    <PluginPage>
      <Stack direction="column" gap={2} data-testid={testIds.sessions.container}>
        <Stack gap={2} alignItems="flex-end">
          <Field label="Session id" description="Full id or its beginning">
            <Input
              data-testid={testIds.sessions.search}
              width={48}
              value={prefix}
              placeholder="1_MX4..."
              onChange={(e) => setPrefix(e.currentTarget.value)}
            />
          </Field>
          <Field label="Active in the last">
            <RadioButtonGroup options={WINDOWS} value={hours} onChange={setHours} />
          </Field>
        </Stack>
        {state.status === 'loading' && <LoadingPlaceholder text="Loading sessions..." />}
        {state.status === 'no-datasource' && (
          <Alert data-testid={testIds.sessions.noDatasource} severity="warning" title="No Session Telemetry data source">
            Add one under Connections → Data sources, with the collector URL and a read token.
          </Alert>
        )}
        {state.status === 'error' && (
          <Alert data-testid={testIds.sessions.error} severity="error" title="Could not load sessions">
            {state.message}
          </Alert>
        )}
        {state.status === 'done' && state.sessions.length === 0 && (
          <div data-testid={testIds.sessions.empty}>
            <EmptyState variant="not-found" message={prefix ? `No session id starts with "${prefix}"` : 'No sessions in this window'} />
          </div>
        )}
        {state.status === 'done' && state.sessions.length > 0 && <SessionsTable sessions={state.sessions} />}
      </Stack>
    </PluginPage>
  );
}

export default SessionsPage;
