import React from 'react';
import { InlineField, InlineFieldRow, MultiSelect, RadioButtonGroup } from '@grafana/ui';
import type { QualityMetric } from '../../model';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { LABEL_WIDTH, MEDIA, METRICS, ROLES } from './options';

interface Props {
  query: SessionQuery;
  /** The quality query picks several metrics; fleet has its own metric select and only uses role and media. */
  withMetrics: boolean;
  onChange: (patch: Partial<SessionQuery>, run?: boolean) => void;
}

/** Metrics, role and media filters of the quality and fleet queries. */
export function QualityFields({ query, withMetrics, onChange }: Props) {
  return (
    <InlineFieldRow>
      {withMetrics && (
        <InlineField label="Metrics" labelWidth={LABEL_WIDTH} tooltip="Empty means all three">
          <MultiSelect<QualityMetric>
            data-testid={testIds.queryEditor.metrics}
            aria-label="Metrics"
            width={48}
            options={METRICS}
            value={query.metrics ?? []}
            placeholder="all metrics"
            onChange={(v) => onChange({ metrics: v.length ? v.map((x) => x.value!) : undefined }, true)}
          />
        </InlineField>
      )}
      <InlineField
        label="Role"
        labelWidth={withMetrics ? undefined : LABEL_WIDTH}
        tooltip="Publisher samples, subscriber samples or both"
      >
        <RadioButtonGroup
          data-testid={testIds.queryEditor.role}
          options={ROLES}
          value={query.role ?? ''}
          onChange={(v) => onChange({ role: (v || undefined) as SessionQuery['role'] }, true)}
        />
      </InlineField>
      <InlineField label="Media">
        <RadioButtonGroup
          data-testid={testIds.queryEditor.media}
          options={MEDIA}
          value={query.media ?? ''}
          onChange={(v) => onChange({ media: (v || undefined) as SessionQuery['media'] }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
