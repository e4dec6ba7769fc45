import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { SessionSearchResult } from '../../datasource/datasource';
import { testIds } from '../../components/testIds';

type Session = SessionSearchResult['sessions'][number];

function duration(s: number): string {
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Recently active sessions, newest first. */
export function SessionsTable({ sessions }: { sessions: Session[] }) {
  const s = useStyles2(getStyles);
  return (
    <table className={s.table} data-testid={testIds.sessions.table}>
      <thead>
        <tr>
          <th scope="col">Session id</th>
          <th scope="col">Project</th>
          <th scope="col">Call type</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Users</th>
          <th scope="col">Connections</th>
          <th scope="col">Streams</th>
          <th scope="col">Subscribers</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((x) => (
          <tr key={`${x.project}/${x.sessionId}`}>
            <td className={s.id}>{x.sessionId}</td>
            <td>{x.project}</td>
            <td>{x.callType}</td>
            <td>{dateTimeFormat(x.start)}</td>
            <td>{duration(x.durationS)}</td>
            <td>{x.users}</td>
            <td>{x.connections}</td>
            <td>{x.streams}</td>
            <td>{x.subscribers}</td>
            <td>{x.errors > 0 ? <Badge color="red" text={String(x.errors)} /> : 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.75, 1), borderBottom: `1px solid ${theme.colors.border.weak}`, textAlign: 'left' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  id: css({ fontFamily: theme.typography.fontFamilyMonospace, wordBreak: 'break-all' }),
});
