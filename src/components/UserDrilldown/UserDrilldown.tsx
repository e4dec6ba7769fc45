import React, { useState } from 'react';
import type { DataFrame } from '@grafana/data';
import { Badge, Button, IconButton, useStyles2 } from '@grafana/ui';
import { testIds } from '../testIds';
import { getTableStyles } from '../Table/tableStyles';
import { frameNamed, frameRows, num, str, type Row } from '../../dataAccess/frames';
import { formatDuration, formatTime } from '../format';
import { TableHead } from '../Table/TableHead';
import { ScoreBadges } from '../Scores/ScoreBadges';
import type { ScoreIndex } from '../Scores/scoreIndex';

/** Users listed before "Show more": large sessions have thousands, and the heatmap shows them all. */
const PAGE_SIZE = 100;

const location = (u: Row) => [str(u.city), str(u.country)].filter(Boolean).join(', ');
const system = (u: Row) => [str(u.endpoint), str(u.os), str(u.device)].filter(Boolean).join(' · ');

function Subscribers({ rows, scores }: { rows: Row[]; scores?: ScoreIndex }) {
  const t = useStyles2(getTableStyles);
  if (rows.length === 0) {
    return <p>Nobody subscribed to this stream.</p>;
  }
  return (
    <table className={t.table} data-testid={testIds.inspector.subscribers}>
      <caption>Subscribers</caption>
      <TableHead
        columns={['Subscriber user', 'Connection', 'Start', 'Result', ...(scores ? ['Quality received'] : [])]}
      />
      <tbody>
        {rows.map((s) => (
          <tr key={str(s.subscriberId)}>
            <td className={t.mono}>{str(s.userId)}</td>
            <td className={t.mono}>{str(s.connectionId)}</td>
            <td>{s.start ? formatTime(num(s.start)) : ''}</td>
            <td>
              {s.success ? (
                <Badge color="green" text="subscribed" />
              ) : (
                <Badge color="red" text={`failed ${str(s.code)}`} />
              )}
            </td>
            {scores && (
              <td>
                <ScoreBadges scores={scores.received(str(s.subscriberId))} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Streams({ streams, subscribers, scores }: { streams: Row[]; subscribers: Row[]; scores?: ScoreIndex }) {
  const t = useStyles2(getTableStyles);
  if (streams.length === 0) {
    return <p>This connection published no stream.</p>;
  }
  return (
    <table className={t.table} data-testid={testIds.inspector.streams}>
      <caption>Streams published</caption>
      <TableHead
        columns={['Stream', 'Video type', 'Start', 'End', 'End reason', 'Sources', ...(scores ? ['Quality sent'] : [])]}
      />
      <tbody>
        {streams.map((s) => (
          <React.Fragment key={str(s.streamId)}>
            <tr>
              <td className={t.mono}>{str(s.streamId)}</td>
              <td>{str(s.videoType)}</td>
              <td>{formatTime(num(s.start))}</td>
              <td>{formatTime(num(s.end))}</td>
              <td>{str(s.reason)}</td>
              <td>{str(s.sources)}</td>
              {scores && (
                <td>
                  <ScoreBadges scores={scores.sent(str(s.streamId))} />
                </td>
              )}
            </tr>
            <tr>
              <td colSpan={scores ? 7 : 6} className={t.nested}>
                <Subscribers rows={subscribers.filter((x) => x.streamId === s.streamId)} scores={scores} />
              </td>
            </tr>
          </React.Fragment>
        ))}
      </tbody>
    </table>
  );
}

function Connections({ userId, frames, scores }: { userId: string; frames: DataFrame[]; scores?: ScoreIndex }) {
  const t = useStyles2(getTableStyles);
  const connections = frameRows(frameNamed(frames, 'connections')).filter((c) => c.userId === userId);
  const streams = frameRows(frameNamed(frames, 'streams'));
  const subscribers = frameRows(frameNamed(frames, 'subscribers'));
  return (
    <table className={t.table} data-testid={testIds.inspector.connections}>
      <caption>Connections</caption>
      <TableHead columns={['Connection', 'Start', 'End', 'Duration', 'Disconnect reason', 'Sources']} />
      <tbody>
        {connections.map((c) => (
          <React.Fragment key={str(c.connectionId)}>
            <tr>
              <td className={t.mono}>{str(c.connectionId)}</td>
              <td>{formatTime(num(c.start))}</td>
              <td>{formatTime(num(c.end))}</td>
              <td>{formatDuration(num(c.durationS))}</td>
              <td>{str(c.disconnectReason)}</td>
              <td>{str(c.sources)}</td>
            </tr>
            <tr>
              <td colSpan={6} className={t.nested}>
                <Streams
                  streams={streams.filter((s) => s.connectionId === c.connectionId)}
                  subscribers={subscribers}
                  scores={scores}
                />
              </td>
            </tr>
          </React.Fragment>
        ))}
      </tbody>
    </table>
  );
}

/**
 * I4: users with location, system, SDK, errors and the sources that reported them; each expands
 * to its connections, the streams each published and, per stream, who subscribed and whether it
 * worked. With `scores` (B1), a quality column: what each user received, each stream sent, each
 * subscriber received.
 */
export function UserDrilldown({
  frames,
  expandAll = false,
  scores,
}: {
  frames: DataFrame[];
  expandAll?: boolean;
  scores?: ScoreIndex;
}) {
  const t = useStyles2(getTableStyles);
  const users = frameRows(frameNamed(frames, 'users'));
  const [open, setOpen] = useState<Set<string>>(() => new Set(expandAll ? users.map((u) => str(u.userId)) : []));
  const [shown, setShown] = useState(PAGE_SIZE);
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      next.has(id) ? next.delete(id) : next.add(id);
      return next;
    });
  return (
    <>
      <table className={t.table} data-testid={testIds.inspector.users}>
        <TableHead
          columns={[
            { label: 'Expand', hidden: true },
            'User',
            'Location',
            'System',
            'SDK',
            'Connections',
            'Errors',
            'Sources',
            ...(scores ? ['Quality received'] : []),
          ]}
        />
        <tbody>
          {users.slice(0, shown).map((u) => {
            const id = str(u.userId);
            const isOpen = open.has(id);
            return (
              <React.Fragment key={id}>
                <tr data-testid={testIds.inspector.userRow} data-user={id}>
                  <td>
                    <IconButton
                      name={isOpen ? 'angle-down' : 'angle-right'}
                      aria-expanded={isOpen}
                      aria-label={`${isOpen ? 'Collapse' : 'Expand'} user ${id}`}
                      onClick={() => toggle(id)}
                    />
                  </td>
                  <td className={t.mono}>{id}</td>
                  <td>{location(u)}</td>
                  <td>{system(u)}</td>
                  <td>{str(u.sdk)}</td>
                  <td>{num(u.connections)}</td>
                  <td>{num(u.errors) > 0 ? <Badge color="red" text={String(num(u.errors))} /> : 0}</td>
                  <td>{str(u.sources)}</td>
                  {scores && (
                    <td>
                      <ScoreBadges scores={scores.user(id)} />
                    </td>
                  )}
                </tr>
                {isOpen && (
                  <tr>
                    <td colSpan={scores ? 9 : 8} className={t.nested}>
                      <Connections userId={id} frames={frames} scores={scores} />
                    </td>
                  </tr>
                )}
              </React.Fragment>
            );
          })}
        </tbody>
      </table>
      {users.length > shown && (
        <Button variant="secondary" size="sm" onClick={() => setShown(shown + PAGE_SIZE)}>
          Show more ({users.length - shown} not shown)
        </Button>
      )}
    </>
  );
}
