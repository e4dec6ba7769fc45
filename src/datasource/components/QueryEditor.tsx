import React from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, InlineSwitch, Input, MultiSelect, RadioButtonGroup, Select, Stack } from '@grafana/ui';
import { ALL_QUALITY_METRICS, CallType, QUERY_FIELDS, QUERY_MODEL_VERSION, QualityMetric, QueryType, type SessionQueryModel } from '../../model';
import type { SessionDataSource } from '../datasource';
import { migrateQuery, queryProblem } from '../queryModel';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions, SessionQuery } from '../types';

type Props = QueryEditorProps<SessionDataSource, SessionQuery, SessionDataSourceOptions>;

const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { label: 'Sessions', value: QueryType.Sessions, description: 'Sessions with activity in the time range' },
  { label: 'Meetings', value: QueryType.Meetings, description: 'The meetings of a session (a reuse after the idle gap is a new meeting)' },
  { label: 'Summary', value: QueryType.Summary, description: 'Call type, counts, streamed minutes, issues, SDKs and endpoints' },
  { label: 'Users', value: QueryType.Users, description: 'Users with their connections, streams and subscribers' },
  { label: 'Errors', value: QueryType.Errors, description: 'Every failed connect, publish or subscribe' },
  { label: 'Failure rates', value: QueryType.FailureRates, description: 'Failures / attempts for connect, publish and subscribe' },
  { label: 'Events', value: QueryType.Events, description: 'The event log, with + / - text filters' },
  { label: 'Quality', value: QueryType.Quality, description: 'Bitrate, packet loss and latency per stream over time' },
];

const CALL_TYPES: Array<SelectableValue<CallType>> = Object.values(CallType).map((v) => ({ label: v, value: v }));

const METRIC_LABELS: Record<QualityMetric, string> = {
  bitrateKbps: 'Bitrate (kbps)',
  lossPct: 'Packet loss (%)',
  rttMs: 'Latency, RTT (ms)',
  jitterMs: 'Jitter (ms)',
  frameRate: 'Frame rate (fps)',
  frameHeight: 'Resolution, frame height (px)',
};
const METRICS: Array<SelectableValue<QualityMetric>> = ALL_QUALITY_METRICS.map((m) => ({ label: METRIC_LABELS[m], value: m }));

const ROLES = [
  { label: 'Both', value: '' },
  { label: 'Publishers', value: 'publisher' },
  { label: 'Subscribers', value: 'subscriber' },
];
const MEDIA = [
  { label: 'Both', value: '' },
  { label: 'Video', value: 'video' },
  { label: 'Audio', value: 'audio' },
];

const LABEL_WIDTH = 16;

type TextKey = 'project' | 'sessionId' | 'meetingId' | 'sessionIdPrefix' | 'userId' | 'streamId' | 'textFilter';

const TEXT_FIELDS: Record<TextKey, { label: string; tooltip: string; placeholder: string }> = {
  project: { label: 'Project', tooltip: 'Project id; empty means every project the read token grants', placeholder: 'all projects' },
  sessionId: { label: 'Session id', tooltip: 'The session to chart; template variables such as $session work here', placeholder: '1_MX4...' },
  meetingId: { label: 'Meeting', tooltip: 'One meeting of the session (m1, m2...); empty means all meetings', placeholder: 'all meetings' },
  textFilter: { label: 'Text filter', tooltip: '+term keeps events with a word starting with term, -term drops them; terms stack, case-insensitive', placeholder: '+connect -attempt' },
  sessionIdPrefix: { label: 'Session id starts with', tooltip: 'Keeps sessions whose id begins with this text', placeholder: '1_MX4' },
  userId: { label: 'User', tooltip: 'Only this user (client endpoint id)', placeholder: 'all users' },
  streamId: { label: 'Stream', tooltip: 'Only this stream id', placeholder: 'all streams' },
};

/** Edits one query; shows only the fields its query type reads (QUERY_FIELDS). */
export function QueryEditor({ query: raw, onChange, onRunQuery }: Props) {
  const query = migrateQuery(raw);
  const fields = new Set<keyof SessionQueryModel>(QUERY_FIELDS[query.queryType ?? QueryType.Sessions]);
  const problem = queryProblem(query);
  const update = (patch: Partial<SessionQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const numberOrUndefined = (v: string) => (v.trim() === '' ? undefined : Number(v));

  const text = (key: TextKey) =>
    fields.has(key) && (
      <InlineField key={key} label={TEXT_FIELDS[key].label} labelWidth={LABEL_WIDTH} tooltip={TEXT_FIELDS[key].tooltip}>
        <Input
          data-testid={testIds.queryEditor[key]}
          width={32}
          value={query[key] ?? ''}
          placeholder={TEXT_FIELDS[key].placeholder}
          onChange={(e) => update({ [key]: e.currentTarget.value || undefined })}
          onBlur={onRunQuery}
        />
      </InlineField>
    );

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <Select<QueryType>
            data-testid={testIds.queryEditor.queryType}
            aria-label="Query type"
            width={24}
            options={QUERY_TYPES}
            value={query.queryType}
            onChange={(v) => {
              // A new type starts clean: only the project and session carry over.
              const queryType = v.value ?? QueryType.Sessions;
              const sessionId = QUERY_FIELDS[queryType].includes('sessionId') ? query.sessionId : undefined;
              onChange({ refId: query.refId, queryType, version: QUERY_MODEL_VERSION, project: query.project, ...(sessionId ? { sessionId } : {}) });
              onRunQuery();
            }}
          />
        </InlineField>
        {text('project')}
      </InlineFieldRow>
      <InlineFieldRow>
        {text('sessionId')}
        {text('meetingId')}
        {text('sessionIdPrefix')}
        {text('userId')}
        {text('streamId')}
      </InlineFieldRow>
      {fields.has('textFilter') && <InlineFieldRow>{text('textFilter')}</InlineFieldRow>}
      {fields.has('callType') && (
        <InlineFieldRow>
          <InlineField label="Call type" labelWidth={LABEL_WIDTH}>
            <Select<CallType>
              data-testid={testIds.queryEditor.callType}
              width={20}
              isClearable
              options={CALL_TYPES}
              value={query.callType ?? null}
              placeholder="any"
              onChange={(v) => update({ callType: v?.value }, true)}
            />
          </InlineField>
          <InlineField label="With errors" tooltip="Only sessions with a failed connect, publish or subscribe">
            <InlineSwitch
              data-testid={testIds.queryEditor.hasErrors}
              value={query.hasErrors ?? false}
              onChange={(e) => update({ hasErrors: e.currentTarget.checked || undefined }, true)}
            />
          </InlineField>
          <InlineField label="Min connections" tooltip="Only sessions with at least this many connections">
            <Input
              data-testid={testIds.queryEditor.minSize}
              type="number"
              min={0}
              width={10}
              value={query.minSize ?? ''}
              onChange={(e) => update({ minSize: numberOrUndefined(e.currentTarget.value) })}
              onBlur={onRunQuery}
            />
          </InlineField>
          <InlineField label="Limit" tooltip="At most this many sessions, newest first (default 100)">
            <Input
              data-testid={testIds.queryEditor.limit}
              type="number"
              min={1}
              width={10}
              value={query.limit ?? ''}
              onChange={(e) => update({ limit: numberOrUndefined(e.currentTarget.value) })}
              onBlur={onRunQuery}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {fields.has('metrics') && (
        <InlineFieldRow>
          <InlineField label="Metrics" labelWidth={LABEL_WIDTH} tooltip="Empty means all three">
            <MultiSelect<QualityMetric>
              data-testid={testIds.queryEditor.metrics}
              width={48}
              options={METRICS}
              value={query.metrics ?? []}
              placeholder="all metrics"
              onChange={(v) => update({ metrics: v.length ? v.map((x) => x.value!) : undefined }, true)}
            />
          </InlineField>
          <InlineField label="Role">
            <RadioButtonGroup
              data-testid={testIds.queryEditor.role}
              options={ROLES}
              value={query.role ?? ''}
              onChange={(v) => update({ role: (v || undefined) as SessionQuery['role'] }, true)}
            />
          </InlineField>
          <InlineField label="Media">
            <RadioButtonGroup
              data-testid={testIds.queryEditor.media}
              options={MEDIA}
              value={query.media ?? ''}
              onChange={(v) => update({ media: (v || undefined) as SessionQuery['media'] }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {problem && (
        <Alert data-testid={testIds.queryEditor.problem} severity="info" title={problem} />
      )}
    </Stack>
  );
}
