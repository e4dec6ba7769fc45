import React from 'react';
import { css } from '@emotion/css';
import { Stack, useStyles2 } from '@grafana/ui';
import { EventTable } from '../../components/EventLog/EventTable';
import { FilterTerms } from '../../components/EventLog/FilterTerms';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows } from '../../dataAccess/frames';
import { formatFilter, parseFilter } from '../../model';
import { useQueries } from '../../dataAccess/useQueries';
import { scopedQuery, type InspectorScope } from './scope';

interface Props {
  scope: InspectorScope;
  filter: string | undefined;
  onFilterChange: (filter: string | undefined) => void;
}

/** I7: the event log; the collector applies the stacked + / - filter (the same rule as alerts and panels). */
export function EventsModule({ scope, filter, onFilterChange }: Props) {
  const s = useStyles2(getStyles);
  const terms = parseFilter(filter);
  const text = formatFilter(terms);
  const states = useQueries(
    scope.ds,
    [scopedQuery(scope, 'events', 'events', text ? { textFilter: text } : {})],
    scope.range
  );
  return (
    <Stack direction="column" gap={1}>
      <FilterTerms terms={terms} onChange={(next) => onFilterChange(formatFilter(next) || undefined)} />
      <div
        data-testid={testIds.inspector.events}
        className={s.scroll}
        tabIndex={0}
        role="region"
        aria-label="Event log rows"
      >
        <ModuleBody
          state={states.events}
          title="Events"
          empty={text ? `No event matches ${text}.` : 'No event in this range.'}
        >
          {(frames) => <EventTable rows={frameRows(frameNamed(frames, 'events'))} maxRows={500} />}
        </ModuleBody>
      </div>
    </Stack>
  );
}

// The log scrolls on its own so the modules below it stay in reach.
const getStyles = () => ({ scroll: css({ maxHeight: 560, overflowY: 'auto' }) });
