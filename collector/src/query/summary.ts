import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { statsOf, type SessionStats } from '../model/sessionStats';
import type { QueryContext } from './context';
import { endpointOf, type ClientColumns } from './shared/endpoint';
import { sessionIssues } from './shared/issueData';
import { scopedSession } from './shared/scope';

type UserRow = ClientColumns & { client_id: string };

function breakdown(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Whether every participant's telemetry is in: an imported dump is one browser's view of the
 * call, so the others are known only from the streams it received.
 */
export function recordingNote(s: Pick<SessionStats, 'recordedUsers' | 'remotePublishers'>): string {
  if (s.remotePublishers === 0) {
    return 'complete';
  }
  return s.recordedUsers === 1 ? 'recorded from one participant' : `recorded from ${s.recordedUsers} participants`;
}

/**
 * I3: call type; users, connections, streams, subscribers, SIP users; streamed minutes (sum of
 * publisher stream durations); issues (B2 issue tags, query/shared/issueData.ts); SDKs and endpoints
 * with users per each; the sources the session's records came from. A connection or stream
 * reported by several sources counts once.
 */
export async function summaryQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { data, events } = await scopedSession(ctx, false);
  if (!data) {
    return [];
  }
  const s = statsOf(events);
  // The breakdowns count every client that tried to connect: the SDK and browser of a user whose
  // every connect failed are what a failed call needs to be debugged with.
  const userIds = [...new Set(events.filter((e) => e.action === 'connect').map((e) => e.clientId))];
  const users = await ctx.store.query<UserRow>(
    `SELECT client_id, sdk, browser, browser_version, sip FROM users WHERE project = $1 AND session_id = $2 AND client_id = ANY($3::text[])`,
    [data.project, data.sessionId, userIds]
  );
  const streamSpans = new Map<string, { start: number; end: number }>();
  for (const e of events) {
    if (e.streamId && (e.action === 'publish' || e.action === 'unpublish')) {
      const span = streamSpans.get(e.streamId);
      if (e.action === 'publish' && e.variation === 'success' && !span) {
        streamSpans.set(e.streamId, { start: e.ts, end: s.end });
      } else if (e.action === 'unpublish' && span) {
        span.end = e.ts;
      }
    }
  }
  const streamedMinutes = [...streamSpans.values()].reduce((sum, x) => sum + (x.end - x.start) / 60000, 0);
  const issues = (await sessionIssues(ctx, data.project, data.sessionId, events)).length;
  const sdks = breakdown(users.map((u) => u.sdk ?? 'unknown'));
  const endpoints = breakdown(users.map(endpointOf));
  const one = <T>(v: T) => [v];
  return [
    frame(
      [
        { name: 'callType', kind: 'string', values: one(s.callType) },
        { name: 'start', kind: 'time', values: one(s.start) },
        { name: 'end', kind: 'time', values: one(s.end) },
        { name: 'meetings', kind: 'number', values: one(ctx.query.meetingId ? 1 : data.meetings.length) },
        { name: 'users', kind: 'number', values: one(s.users) },
        { name: 'recordedUsers', kind: 'number', values: one(s.recordedUsers) },
        { name: 'recording', kind: 'string', values: one(recordingNote(s)) },
        { name: 'connections', kind: 'number', values: one(s.connections) },
        { name: 'publishers', kind: 'number', values: one(s.publishers) },
        { name: 'streams', kind: 'number', values: one(s.streams) },
        { name: 'subscribers', kind: 'number', values: one(s.subscribers) },
        { name: 'sipUsers', kind: 'number', values: one(users.filter((u) => u.sip).length) },
        {
          name: 'streamedMinutes',
          kind: 'number',
          values: one(Math.round(streamedMinutes * 10) / 10),
          config: { unit: 'm' },
        },
        { name: 'errors', kind: 'number', values: one(s.errors) },
        { name: 'reconnects', kind: 'number', values: one(s.reconnects) },
        { name: 'issues', kind: 'number', values: one(issues) },
        { name: 'sdks', kind: 'number', values: one(sdks.length) },
        { name: 'endpoints', kind: 'number', values: one(endpoints.length) },
        { name: 'sources', kind: 'string', values: one([...new Set(events.map((e) => e.source))].sort().join(', ')) },
      ],
      { name: 'summary', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'sdk', kind: 'string', values: sdks.map((x) => x[0]) },
        { name: 'users', kind: 'number', values: sdks.map((x) => x[1]) },
      ],
      { name: 'sdks', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'endpoint', kind: 'string', values: endpoints.map((x) => x[0]) },
        { name: 'users', kind: 'number', values: endpoints.map((x) => x[1]) },
      ],
      { name: 'endpoints', refId: ctx.refId }
    ),
  ];
}
