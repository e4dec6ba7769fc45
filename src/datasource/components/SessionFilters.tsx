import React from 'react';
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Select } from '@grafana/ui';
import type { CallType } from '../../model';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { CALL_TYPES, LABEL_WIDTH } from './options';

interface Props {
  query: SessionQuery;
  onChange: (patch: Partial<SessionQuery>, run?: boolean) => void;
  onRunQuery: () => void;
}

const SAVED = [
  { label: 'Any', value: '' },
  { label: 'Saved', value: 'yes' },
  { label: 'Not saved', value: 'no' },
];

const numberOrUndefined = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The sessions query's filters: id prefix, call type, errors, size, saved state and tag, rating, limit. */
export function SessionFilters({ query, onChange, onRunQuery }: Props) {
  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Session id starts with"
          labelWidth={LABEL_WIDTH + 6}
          tooltip="Keeps sessions whose id begins with this text (case-sensitive)"
        >
          <Input
            data-testid={testIds.queryEditor.sessionIdPrefix}
            width={28}
            value={query.sessionIdPrefix ?? ''}
            placeholder="1_MX4"
            onChange={(e) => onChange({ sessionIdPrefix: e.currentTarget.value || undefined })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="Call type">
          <Select<CallType>
            data-testid={testIds.queryEditor.callType}
            aria-label="Call type"
            width={20}
            isClearable
            options={CALL_TYPES}
            value={query.callType ?? null}
            placeholder="any"
            onChange={(v) => onChange({ callType: v?.value }, true)}
          />
        </InlineField>
        <InlineField label="With errors" tooltip="Only sessions with a failed connect, publish or subscribe">
          <InlineSwitch
            data-testid={testIds.queryEditor.hasErrors}
            value={query.hasErrors ?? false}
            onChange={(e) => onChange({ hasErrors: e.currentTarget.checked || undefined }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Min connections"
          labelWidth={LABEL_WIDTH + 6}
          tooltip="Only sessions with at least this many connections"
        >
          <Input
            data-testid={testIds.queryEditor.minSize}
            type="number"
            min={0}
            width={10}
            value={query.minSize ?? ''}
            onChange={(e) => onChange({ minSize: numberOrUndefined(e.currentTarget.value) })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="Saved" tooltip="Only saved sessions, or only sessions nobody saved">
          <RadioButtonGroup
            data-testid={testIds.queryEditor.saved}
            options={SAVED}
            value={query.saved === undefined ? '' : query.saved ? 'yes' : 'no'}
            onChange={(v) => onChange({ saved: v === '' ? undefined : v === 'yes' }, true)}
          />
        </InlineField>
        <InlineField label="Tag" tooltip="Only saved sessions with this tag">
          <Input
            data-testid={testIds.queryEditor.tag}
            width={16}
            value={query.tag ?? ''}
            onChange={(e) => onChange({ tag: e.currentTarget.value || undefined })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField
          label="Rated at most"
          tooltip="Only sessions a user rated this or lower (1-5): the low-rated calls"
        >
          <Input
            data-testid={testIds.queryEditor.maxRating}
            type="number"
            min={1}
            max={5}
            width={8}
            value={query.maxRating ?? ''}
            onChange={(e) => onChange({ maxRating: numberOrUndefined(e.currentTarget.value) })}
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
            onChange={(e) => onChange({ limit: numberOrUndefined(e.currentTarget.value) })}
            onBlur={onRunQuery}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
