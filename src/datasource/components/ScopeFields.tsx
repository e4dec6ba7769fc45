import React from 'react';
import type { TimeRange } from '@grafana/data';
import { InlineField, InlineFieldRow, Select } from '@grafana/ui';
import type { SessionQueryModel, VariableKind } from '../../model';
import { testIds } from '../testIds';
import type { SessionQuery, ValueSource } from '../types';
import { LABEL_WIDTH } from './options';
import { useValueOptions } from './useValueOptions';

type ScopeKey = 'project' | 'sessionId' | 'meetingId' | 'userId' | 'streamId';

const SCOPE: Record<
  ScopeKey,
  { kind: VariableKind; label: string; tooltip: string; placeholder: string; needsSession: boolean }
> = {
  project: {
    kind: 'projects',
    label: 'Project',
    tooltip: 'Empty means every project the read token grants',
    placeholder: 'all projects',
    needsSession: false,
  },
  sessionId: {
    kind: 'sessions',
    label: 'Session',
    tooltip: 'Sessions with activity in the time range; $session and other variables work too',
    placeholder: 'choose a session',
    needsSession: false,
  },
  meetingId: {
    kind: 'meetings',
    label: 'Meeting',
    tooltip: 'One meeting of the session; empty means all meetings',
    placeholder: 'all meetings',
    needsSession: true,
  },
  userId: {
    kind: 'users',
    label: 'User',
    tooltip: 'Only this user (client endpoint)',
    placeholder: 'all users',
    needsSession: true,
  },
  streamId: {
    kind: 'streams',
    label: 'Stream',
    tooltip: 'Only this stream',
    placeholder: 'all streams',
    needsSession: true,
  },
};

interface Props {
  datasource: ValueSource;
  query: SessionQuery;
  fields: Set<keyof SessionQueryModel>;
  range?: TimeRange;
  onChange: (patch: Partial<SessionQuery>) => void;
}

const BELOW: Record<ScopeKey, ScopeKey[]> = {
  project: ['sessionId', 'meetingId', 'userId', 'streamId'],
  sessionId: ['meetingId', 'userId', 'streamId'],
  meetingId: [],
  userId: [],
  streamId: [],
};

/** A new project or session clears the choices made within the old one. */
export function scopePatch(field: ScopeKey, value: string | undefined): Partial<SessionQuery> {
  const patch: Partial<SessionQuery> = { [field]: value };
  for (const k of BELOW[field]) {
    patch[k] = undefined;
  }
  return patch;
}

/** One select of the scope, its choices listed by the collector within the fields above it. */
function ScopeSelect({ datasource, query, range, onChange, field }: Omit<Props, 'fields'> & { field: ScopeKey }) {
  const spec = SCOPE[field];
  const scope =
    field === 'project'
      ? {}
      : field === 'sessionId'
        ? { project: query.project }
        : {
            project: query.project,
            sessionId: query.sessionId,
            meetingId: field === 'meetingId' ? undefined : query.meetingId,
          };
  const { options, loading, error } = useValueOptions(
    datasource,
    spec.kind,
    scope,
    range,
    !spec.needsSession || Boolean(query.sessionId)
  );
  const value = query[field];
  const known = value === undefined || options.some((o) => o.value === value);
  return (
    <InlineField
      label={spec.label}
      labelWidth={LABEL_WIDTH}
      tooltip={spec.tooltip}
      invalid={Boolean(error)}
      error={error}
    >
      <Select<string>
        data-testid={testIds.queryEditor[field]}
        aria-label={spec.label}
        width={field === 'sessionId' ? 48 : 28}
        isLoading={loading}
        isClearable
        allowCustomValue
        options={known ? options : [{ label: value, value }, ...options]}
        value={value ?? null}
        placeholder={spec.placeholder}
        noOptionsMessage={
          spec.needsSession && !query.sessionId ? 'Choose a session first' : `No ${spec.kind} in the time range`
        }
        onChange={(v) => onChange(scopePatch(field, v?.value || undefined))}
      />
    </InlineField>
  );
}

/** Project, session, meeting, user and stream: whichever of them the query type reads. */
export function ScopeFields(props: Props) {
  const shown = (['project', 'sessionId', 'meetingId', 'userId', 'streamId'] as const).filter((k) =>
    props.fields.has(k)
  );
  if (shown.length === 0) {
    return null;
  }
  return (
    <InlineFieldRow>
      {shown.map((field) => (
        <ScopeSelect key={field} field={field} {...props} />
      ))}
    </InlineFieldRow>
  );
}
