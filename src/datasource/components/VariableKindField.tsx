import React from 'react';
import { InlineField, InlineFieldRow, Select } from '@grafana/ui';
import type { VariableKind } from '../../model';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { LABEL_WIDTH, VARIABLE_KIND_OPTIONS } from './options';

interface Props {
  query: SessionQuery;
  onChange: (patch: Partial<SessionQuery>, run?: boolean) => void;
}

/** What a variables query lists; the scope fields below it narrow the list. */
export function VariableKindField({ query, onChange }: Props) {
  return (
    <InlineFieldRow>
      <InlineField
        label="List"
        labelWidth={LABEL_WIDTH}
        tooltip="Chain variables by narrowing: meetings, users and streams of $session"
      >
        <Select<VariableKind>
          data-testid={testIds.queryEditor.variable}
          aria-label="List"
          width={24}
          options={VARIABLE_KIND_OPTIONS}
          value={query.variable ?? null}
          placeholder="choose what to list"
          onChange={(v) => onChange({ variable: v.value }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
