import React, { useEffect, useState } from 'react';
import { useLocation, useParams } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { locationService, PluginPage } from '@grafana/runtime';
import { Alert, Button, Combobox, EmptyState, Field, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { testIds } from '../../components/testIds';
import { Limits } from '../../model';
import { formatTime } from '../../components/format';
import { inspectorSearch, parseInspectorState, type InspectorState } from '../../state/inspectorState';
import { rememberSession } from '../../state/recentSessions';
import { useDataSource } from '../../dataAccess/useDataSource';
import { useQueries } from '../../dataAccess/useQueries';
import type { SessionDataSource } from '../../datasource/datasource';
import { DiagnosisModule } from './DiagnosisModule';
import { ErrorsModule } from './ErrorsModule';
import { EventsModule } from './EventsModule';
import { LargeSessionModule } from './LargeSessionModule';
import { QualityModule } from './QualityModule';
import { SaveControls } from './SaveControls';
import { scopedQuery, type InspectorScope } from './scope';
import { inspectedRange, isLargeSession, lookupWindow, meetingsOf } from './sessionRange';
import { SummaryModule } from './SummaryModule';
import { USERS_HEADING_ID, UserSidebar } from './UserSidebar';
import { UsersModule } from './UsersModule';

const SCORE_BUCKETS = 24;

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const s = useStyles2(getStyles);
  return (
    <section className={s.section} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Inspector({ ds, sessionId }: { ds: SessionDataSource; sessionId: string }) {
  const s = useStyles2(getStyles);
  const { search, pathname } = useLocation();
  const state = parseInspectorState(search);
  const setState = (patch: Partial<InspectorState>, push = false) => {
    const url = `${pathname}?${inspectorSearch({ ...state, ...patch })}`;
    push ? locationService.push(url) : locationService.replace(url);
  };
  const [window] = useState(() => lookupWindow(Date.now()));
  const meetingsState = useQueries(
    ds,
    [{ refId: 'meetings', queryType: 'meetings', sessionId, ...(state.project ? { project: state.project } : {}) }],
    window
  );
  const meetings = meetingsState.meetings.status === 'done' ? meetingsOf(meetingsState.meetings.frames) : [];
  const range = inspectedRange(meetings, state.meeting, state);
  const scope: InspectorScope | undefined = range && {
    ds,
    sessionId,
    project: state.project,
    meetingId: state.meeting,
    userId: state.user,
    range,
  };

  const pageTargets = scope
    ? [
        scopedQuery(scope, 'summary', 'summary'),
        scopedQuery(scope, 'users', 'users'),
        // The sidebar lists every user: the `users` answer itself unless one user is chosen.
        ...(scope.userId ? [scopedQuery(scope, 'roster', 'users', { userId: '' })] : []),
      ]
    : [];
  const page = useQueries(ds, pageTargets, scope?.range);
  // The users' and streams' quality column needs each series' mean score, not its detail over time.
  const scores = useQueries(ds, scope ? [scopedQuery(scope, 'scores', 'scores')] : [], scope?.range, SCORE_BUCKETS);

  useEffect(() => {
    rememberSession(sessionId, state.project);
  }, [sessionId, state.project]);

  if (meetingsState.meetings.status === 'loading') {
    return <LoadingPlaceholder text="Loading session..." />;
  }
  if (meetingsState.meetings.status === 'error') {
    return (
      <Alert severity="error" title="Could not load the session">
        {meetingsState.meetings.message}
      </Alert>
    );
  }
  if (!scope) {
    return (
      <div data-testid={testIds.inspector.notFound}>
        <EmptyState
          variant="not-found"
          message={`No data for session ${sessionId}${state.meeting ? ` meeting ${state.meeting}` : ''}`}
        >
          Its raw data may be past retention ({Limits.retentionDays} days), or the data source&apos;s token does not
          grant its project.
        </EmptyState>
      </div>
    );
  }

  const large = isLargeSession(meetings, state.meeting);
  const everyone = scope.userId ? page.roster : page.users;
  const roster = everyone.status === 'done' ? everyone.frames : [];
  const zoomed = state.from !== undefined;

  return (
    <div className={s.layout} data-testid={testIds.inspector.container}>
      <header className={s.header}>
        <h2 className={s.title}>
          Session <span data-testid={testIds.inspector.sessionId}>{sessionId}</span>
          {state.project && <span className={s.project}> in project {state.project}</span>}
        </h2>
        <Stack gap={2} alignItems="flex-end" wrap="wrap">
          <Field label="Meeting" description="A session id reused after 10 idle minutes is a new meeting">
            <Combobox
              data-testid={testIds.inspector.meeting}
              width={40}
              value={state.meeting ?? ''}
              options={[
                { label: `All meetings (${meetings.length})`, value: '' },
                ...meetings.map((m) => ({
                  label: `${m.meetingId} · ${formatTime(m.start)} · ${m.users} users`,
                  value: m.meetingId,
                })),
              ]}
              onChange={(o) => setState({ meeting: o.value || undefined, from: undefined, to: undefined }, true)}
            />
          </Field>
          <div
            data-testid={testIds.inspector.range}
            data-from={scope.range.from}
            data-to={scope.range.to}
            aria-live="polite"
          >
            {formatTime(scope.range.from)} → {formatTime(scope.range.to)} {zoomed ? '(zoomed)' : ''}
          </div>
          {zoomed && (
            <Button
              data-testid={testIds.inspector.resetZoom}
              variant="secondary"
              size="sm"
              icon="search-minus"
              onClick={() => setState({ from: undefined, to: undefined }, true)}
            >
              Reset zoom
            </Button>
          )}
          <SaveControls ds={ds} sessionId={sessionId} project={state.project} />
        </Stack>
      </header>
      <aside className={s.sidebar}>
        <h3 id={USERS_HEADING_ID}>Users</h3>
        <UserSidebar roster={roster} userId={state.user} onChange={(user) => setState({ user })} />
      </aside>
      <div className={s.main}>
        <Section title="Summary and statistics">
          <ModuleBody
            state={page.summary}
            title="Summary"
            empty="No activity in this range."
            isEmpty={(f) => !f.some((x) => x.name === 'summary' && x.length > 0)}
          >
            {(frames) => <SummaryModule frames={frames} />}
          </ModuleBody>
        </Section>
        <Section title="Diagnosis">
          <DiagnosisModule scope={scope} />
        </Section>
        {large && (
          <Section title="Large session">
            <LargeSessionModule scope={scope} />
          </Section>
        )}
        <Section title="Quality metrics">
          <QualityModule
            scope={scope}
            roster={roster}
            large={large}
            hidden={state.hide}
            onHiddenChange={(hide) => setState({ hide })}
            onZoom={(from, to) => setState({ from, to }, true)}
          />
        </Section>
        <Section title="Users">
          <UsersModule state={page.users} scores={scores.scores} />
        </Section>
        <Section title="Errors and failure rates">
          <ErrorsModule scope={scope} />
        </Section>
        <Section title="Event log">
          <EventsModule scope={scope} filter={state.filter} onFilterChange={(filter) => setState({ filter })} />
        </Section>
      </div>
    </div>
  );
}

/** The Inspector: one session (or meeting), every module narrowed by the same user and range. */
function InspectorPage() {
  const { sessionId = '' } = useParams();
  const dsState = useDataSource();
  return (
    <PluginPage>
      {dsState.status === 'loading' && <LoadingPlaceholder text="Loading data source..." />}
      {dsState.status === 'missing' && (
        <Alert severity="warning" title="No Session Telemetry data source">
          Add one under Connections → Data sources, with the collector URL and a read token.
        </Alert>
      )}
      {dsState.status === 'error' && (
        <Alert severity="error" title="Could not load the data source">
          {dsState.message}
        </Alert>
      )}
      {dsState.status === 'ready' && <Inspector ds={dsState.ds} sessionId={sessionId} />}
    </PluginPage>
  );
}

export default InspectorPage;

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(200px, 260px) 1fr',
    gridTemplateAreas: '"header header" "sidebar main"',
    gap: theme.spacing(2),
  }),
  header: css({ gridArea: 'header' }),
  title: css({
    fontSize: theme.typography.h4.fontSize,
    fontFamily: theme.typography.fontFamilyMonospace,
    overflowWrap: 'anywhere',
    marginBottom: theme.spacing(1),
  }),
  project: css({ fontFamily: theme.typography.fontFamily, color: theme.colors.text.secondary }),
  sidebar: css({ gridArea: 'sidebar', maxHeight: '80vh', overflowY: 'auto' }),
  main: css({ gridArea: 'main', minWidth: 0, display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  section: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    background: theme.colors.background.primary,
  }),
});
