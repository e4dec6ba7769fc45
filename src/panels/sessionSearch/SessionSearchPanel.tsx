import React, { useState } from 'react';
import type { PanelProps } from '@grafana/data';
import { Input, Stack } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { testIds } from '../../components/testIds';
import type { CallType } from '../../model';
import { SessionsTable, type SessionTableRow } from '../../pages/Sessions/SessionsTable';
import { frameNamed, frameRows, num, str } from '../../dataAccess/frames';
import { panelState, WrongQuery } from '../PanelState';
import type { SessionSearchOptions } from './types';

function toSession(r: Record<string, unknown>): SessionTableRow {
  return {
    project: str(r.project),
    sessionId: str(r.sessionId),
    callType: str(r.callType) as CallType,
    start: num(r.start),
    end: num(r.end),
    durationS: num(r.durationS),
    users: num(r.users),
    connections: num(r.connections),
    streams: num(r.streams),
    subscribers: num(r.subscribers),
    errors: num(r.errors),
    // The sessions frame does not carry the import time (the REST search does).
    importedAt: null,
    rating: typeof r.rating === 'number' ? r.rating : null,
    poorPct: typeof r.poorPct === 'number' ? r.poorPct : null,
  };
}

/** Session search on any dashboard: the rows of a `sessions` query, each opening the Inspector. */
export function SessionSearchPanel({ data, options, width, height }: PanelProps<SessionSearchOptions>) {
  const [prefix, setPrefix] = useState('');
  return (
    <div data-testid={testIds.panels.sessionSearch} style={{ width, height, overflow: 'auto' }}>
      <ModuleBody state={panelState(data)} title="Sessions" empty="No session in this time range.">
        {(frames) => {
          const frame = frameNamed(frames, 'sessions');
          if (!frame) {
            return <WrongQuery expected="sessions" />;
          }
          const rows = frameRows(frame)
            .map(toSession)
            .filter((s) => (!options.errorsOnly || s.errors > 0) && s.sessionId.startsWith(prefix.trim()))
            .slice(0, options.maxRows);
          return (
            <Stack direction="column" gap={1}>
              {options.showSearch && (
                <Input
                  aria-label="Session id"
                  placeholder="Session id or its beginning"
                  value={prefix}
                  onChange={(e) => setPrefix(e.currentTarget.value)}
                />
              )}
              {rows.length > 0 ? (
                <SessionsTable sessions={rows} asOf={data.timeRange.to.valueOf()} testId={testIds.sessions.table} />
              ) : (
                <p role="status">No session id starts with &quot;{prefix}&quot;.</p>
              )}
            </Stack>
          );
        }}
      </ModuleBody>
    </div>
  );
}
