import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  EmptyState,
  Field,
  InlineSwitch,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Tab,
  TabContent,
  TabsBar,
} from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { CallType } from '../../model';
import { RecentSessions } from './RecentSessions';
import { SavedSessions } from './SavedSessions';
import { SessionsTable } from './SessionsTable';
import { useSessionSearch, type SessionFilters } from './useSessionSearch';

const WINDOWS = [
  { label: '1 h', value: 1 },
  { label: '6 h', value: 6 },
  { label: '24 h', value: 24 },
  { label: '7 d', value: 168 },
];

const RATINGS = [{ label: 'Any rating', value: 0 }, ...[1, 2, 3].map((n) => ({ label: `${n} or lower`, value: n }))];

const CALL_TYPES = [
  { label: 'Any call type', value: '' },
  ...Object.values(CallType).map((c) => ({ label: c, value: c })),
];

type TabId = 'active' | 'recent' | 'saved';
const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'active', label: 'Recently active' },
  { id: 'recent', label: 'Recently inspected' },
  { id: 'saved', label: 'Saved' },
];

function ActiveSessions() {
  const [prefix, setPrefix] = useState('');
  const [hours, setHours] = useState(24);
  const [filters, setFilters] = useState<SessionFilters>({});
  const state = useSessionSearch(prefix.trim(), hours, filters);
  return (
    <Stack direction="column" gap={2}>
      <Stack gap={2} alignItems="flex-end" wrap="wrap">
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
        <Field label="Call type">
          <RadioButtonGroup
            data-testid={testIds.sessions.filterCallType}
            options={CALL_TYPES}
            value={filters.callType ?? ''}
            onChange={(v) => setFilters({ ...filters, callType: (v || undefined) as CallType | undefined })}
          />
        </Field>
        <Field label="Min. connections">
          <Input
            type="number"
            min={0}
            width={12}
            value={filters.minSize ?? ''}
            onChange={(e) => setFilters({ ...filters, minSize: Number(e.currentTarget.value) || undefined })}
          />
        </Field>
        <Field label="Users rated it" description="Low-rated calls">
          <RadioButtonGroup
            data-testid={testIds.sessions.filterRating}
            options={RATINGS}
            value={filters.maxRating ?? 0}
            onChange={(v) => setFilters({ ...filters, maxRating: v || undefined })}
          />
        </Field>
        <InlineSwitch
          data-testid={testIds.sessions.filterErrors}
          label="With errors only"
          showLabel
          value={filters.hasErrors ?? false}
          onChange={(e) => setFilters({ ...filters, hasErrors: e.currentTarget.checked || undefined })}
        />
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
          <EmptyState
            variant="not-found"
            message={prefix ? `No session id starts with "${prefix}"` : 'No sessions in this window'}
          />
        </div>
      )}
      {state.status === 'done' && state.sessions.length > 0 && (
        <SessionsTable sessions={state.sessions} asOf={state.asOf} />
      )}
    </Stack>
  );
}

/** Session dashboard (I1): recently active (searchable, filtered), recently inspected, saved. */
function SessionsPage() {
  const [tab, setTab] = useState<TabId>('active');
  return (
    <PluginPage>
      <div data-testid={testIds.sessions.container}>
        <TabsBar>
          {TABS.map((t) => (
            <Tab key={t.id} label={t.label} active={tab === t.id} onChangeTab={() => setTab(t.id)} />
          ))}
        </TabsBar>
        <TabContent>
          {tab === 'active' && <ActiveSessions />}
          {tab === 'recent' && <RecentSessions />}
          {tab === 'saved' && <SavedSessions />}
        </TabContent>
      </div>
    </PluginPage>
  );
}

export default SessionsPage;
