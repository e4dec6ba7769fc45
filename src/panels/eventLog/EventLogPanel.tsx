import React, { useState } from 'react';
import type { PanelProps } from '@grafana/data';
import { Stack, Tag } from '@grafana/ui';
import { EventTable } from '../../components/EventLog/EventTable';
import { FilterTerms } from '../../components/EventLog/FilterTerms';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows } from '../../dataAccess/frames';
import { eventText, formatFilter, matchesFilter, parseFilter, type FilterTerm } from '../../model';
import { panelState, WrongQuery } from '../PanelState';
import type { EventLogOptions } from './types';

/** The event log on any dashboard: the option's terms, then the viewer's own, stacked. */
export function EventLogPanel({ data, options, width, height }: PanelProps<EventLogOptions>) {
  const [extra, setExtra] = useState<FilterTerm[]>([]);
  const fixed = parseFilter(options.filter);
  const terms = [...fixed, ...extra];
  return (
    // Border-box with room below, so the last row is not cut by the panel's edge.
    <div
      data-testid={testIds.panels.eventLog}
      style={{ width, height, overflow: 'auto', boxSizing: 'border-box', paddingBottom: 8 }}
    >
      <Stack direction="column" gap={1}>
        {fixed.length > 0 && (
          <div role="note" aria-label="Filter set in the panel options">
            Panel filter:{' '}
            {fixed.map((t) => (
              <Tag key={`${t.sign}${t.term}`} name={`${t.sign}${t.term}`} colorIndex={t.sign === '-' ? 1 : 7} />
            ))}
          </div>
        )}
        {options.showFilterBar && <FilterTerms terms={extra} onChange={setExtra} />}
        <ModuleBody state={panelState(data)} title="Events" empty="No event in this time range.">
          {(frames) => {
            const frame = frameNamed(frames, 'events');
            if (!frame) {
              return <WrongQuery expected="events" />;
            }
            const rows = frameRows(frame).filter((e) => matchesFilter(eventText(e), terms));
            return rows.length > 0 ? (
              <EventTable rows={rows} maxRows={options.maxRows} />
            ) : (
              <p role="status">No event matches {formatFilter(terms)}.</p>
            );
          }}
        </ModuleBody>
      </Stack>
    </div>
  );
}
