import React from 'react';
import { InlineField, InlineFieldRow, RadioButtonGroup, Select } from '@grafana/ui';
import {
  FleetMetric,
  QUERY_DESCRIPTORS,
  type FailureAction,
  type FleetFormat,
  type FleetGroup,
  type FleetStat,
} from '../../model';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { ACTIONS, FLEET_METRICS, FORMATS, GROUPS, LABEL_WIDTH, STATS } from './options';
import { QualityFields } from './QualityFields';

interface Props {
  query: SessionQuery;
  onChange: (patch: Partial<SessionQuery>, run?: boolean) => void;
}

const DEFAULTS = QUERY_DESCRIPTORS.fleet.defaults;

/** Fleet metrics: a quality statistic or a failure rate across sessions, grouped, as series or numbers. */
export function FleetFields({ query, onChange }: Props) {
  const metric = query.fleetMetric ?? DEFAULTS.fleetMetric;
  const isRate = metric === FleetMetric.FailureRate;
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Metric" labelWidth={LABEL_WIDTH}>
          <Select<FleetMetric>
            data-testid={testIds.queryEditor.fleetMetric}
            aria-label="Fleet metric"
            width={24}
            options={FLEET_METRICS}
            value={metric}
            onChange={(v) =>
              onChange(
                {
                  fleetMetric: v.value,
                  ...(v.value === FleetMetric.FailureRate
                    ? { stat: undefined, role: undefined, media: undefined }
                    : { action: undefined }),
                },
                true
              )
            }
          />
        </InlineField>
        {isRate ? (
          <InlineField label="Action" tooltip="Failures / attempts of this action">
            <RadioButtonGroup<FailureAction>
              data-testid={testIds.queryEditor.action}
              options={ACTIONS}
              value={query.action ?? DEFAULTS.action}
              onChange={(v) => onChange({ action: v }, true)}
            />
          </InlineField>
        ) : (
          <InlineField label="Statistic" tooltip="Per time bucket, over every sample of the fleet">
            <Select<FleetStat>
              data-testid={testIds.queryEditor.stat}
              aria-label="Statistic"
              width={12}
              options={STATS}
              value={query.stat ?? DEFAULTS.stat}
              onChange={(v) => onChange({ stat: v.value }, true)}
            />
          </InlineField>
        )}
        <InlineField label="Group by" tooltip="One labelled series per value; alert rules fire per label set">
          <Select<FleetGroup>
            data-testid={testIds.queryEditor.groupBy}
            aria-label="Group by"
            width={16}
            options={GROUPS}
            value={query.groupBy ?? DEFAULTS.groupBy}
            onChange={(v) => onChange({ groupBy: v.value }, true)}
          />
        </InlineField>
        <InlineField
          label="Format"
          tooltip="One number per series over the whole range suits stat panels and alert rules"
        >
          <RadioButtonGroup<FleetFormat>
            data-testid={testIds.queryEditor.format}
            options={FORMATS}
            value={query.format ?? DEFAULTS.format}
            onChange={(v) => onChange({ format: v === DEFAULTS.format ? undefined : v }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      {!isRate && <QualityFields query={query} withMetrics={false} onChange={onChange} />}
    </>
  );
}
