import React, { useEffect } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Input, RadioButtonGroup, Select, Stack, Text } from '@grafana/ui';
import {
  QUERY_DESCRIPTORS,
  QUERY_MODEL_VERSION,
  QueryType,
  type AnnotationKind,
  type SessionQueryModel,
} from '../../model';
import type { SessionDataSource } from '../datasource';
import { migrateQuery, queryProblem } from '../queryModel';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions, SessionQuery } from '../types';
import { FleetFields } from './FleetFields';
import { ANNOTATION_KIND_OPTIONS, LABEL_WIDTH, QUERY_TYPES } from './options';
import { QualityFields } from './QualityFields';
import { ScopeFields } from './ScopeFields';
import { SessionFilters } from './SessionFilters';
import { VariableKindField } from './VariableKindField';

type Props = QueryEditorProps<SessionDataSource, SessionQuery, SessionDataSourceOptions>;

/** Edits one query of any type; shows only the fields its query type reads (its descriptor). */
export function QueryEditor({ query: raw, onChange, onRunQuery, datasource, range }: Props) {
  const query = migrateQuery(raw);
  // A query saved under an older model version is stored upgraded as soon as it is opened.
  useEffect(() => {
    if (query !== raw) {
      onChange(query);
    }
  }, [query, raw, onChange]);
  const queryType = query.queryType ?? QueryType.Sessions;
  const descriptor = QUERY_DESCRIPTORS[queryType];
  const fields = new Set<keyof SessionQueryModel>(descriptor.fields);
  const problem = queryProblem(query);
  const update = (patch: Partial<SessionQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <Select<QueryType>
            data-testid={testIds.queryEditor.queryType}
            aria-label="Query type"
            width={24}
            options={QUERY_TYPES}
            value={queryType}
            onChange={(v) => {
              // A new type starts clean: only the project and the session carry over.
              const next = v.value ?? QueryType.Sessions;
              const sessionId = QUERY_DESCRIPTORS[next].fields.includes('sessionId') ? query.sessionId : undefined;
              onChange({
                refId: query.refId,
                queryType: next,
                version: QUERY_MODEL_VERSION,
                project: query.project,
                ...(sessionId ? { sessionId } : {}),
              });
              onRunQuery();
            }}
          />
        </InlineField>
        <Text color="secondary" italic>
          {descriptor.description}
        </Text>
      </InlineFieldRow>
      {fields.has('variable') && <VariableKindField query={query} onChange={update} />}
      <ScopeFields
        datasource={datasource}
        query={query}
        fields={fields}
        range={range}
        onChange={(patch) => update(patch, true)}
      />
      {queryType === QueryType.Sessions && <SessionFilters query={query} onChange={update} onRunQuery={onRunQuery} />}
      {fields.has('textFilter') && (
        <InlineFieldRow>
          <InlineField
            label="Text filter"
            labelWidth={LABEL_WIDTH}
            tooltip="+term keeps events with a word starting with term, -term drops them; terms stack, case-insensitive"
          >
            <Input
              data-testid={testIds.queryEditor.textFilter}
              width={48}
              value={query.textFilter ?? ''}
              placeholder="+connect -attempt"
              onChange={(e) => update({ textFilter: e.currentTarget.value || undefined })}
              onBlur={onRunQuery}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {fields.has('annotationKind') && (
        <InlineFieldRow>
          <InlineField
            label="Show"
            labelWidth={LABEL_WIDTH}
            tooltip="Grafana draws a layer in one colour: give errors and other events a layer each to tell them apart"
          >
            <RadioButtonGroup<AnnotationKind | ''>
              data-testid={testIds.queryEditor.annotationKind}
              options={ANNOTATION_KIND_OPTIONS}
              value={query.annotationKind ?? ''}
              onChange={(v) => update({ annotationKind: v || undefined }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {queryType === QueryType.Quality && <QualityFields query={query} withMetrics onChange={update} />}
      {queryType === QueryType.Fleet && <FleetFields query={query} onChange={update} />}
      {problem && <Alert data-testid={testIds.queryEditor.problem} severity="info" title={problem} />}
    </Stack>
  );
}
