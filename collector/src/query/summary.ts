import { Thresholds, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { statsOf } from '../model/sessionStats';
import type { QueryContext } from './context';
import { scopedSession } from './scope';

interface UserRow {
  client_id: string;
  sdk: string | null;
  browser: string | null;
  browser_version: string | null;
  sip: boolean;
}

/** Endpoint as the Inspector shows it: browser and major version, the native SDK, or SIP. */
export function endpointOf(u: Pick<UserRow, 'sdk' | 'browser' | 'browser_version' | 'sip'>): string {
  if (u.sip) {
    return 'SIP';
  }
  if (u.browser) {
    return `${u.browser} ${u.browser_version ?? ''}`.trim();
  }
  return u.sdk ?? 'unknown';
}

function breakdown(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * I3: call type; users, connections, streams, subscribers, SIP users; streamed minutes (sum of
 * publisher stream durations); issues (failures, reconnects, and streams whose average quality
 * breaks a threshold); SDKs and endpoints with users per each.
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
  const poor = await ctx.store.query<{ n: number }>(
    `SELECT count(*)::float8 AS n FROM (
       SELECT stream_id, media, avg(loss_pct) AS loss, avg(rtt_ms) AS rtt, avg(bitrate_kbps) AS kbps
       FROM all_quality_samples WHERE project = $1 AND session_id = $2 AND ts >= $3::bigint AND ts <= $4::bigint
       GROUP BY stream_id, media) q
     WHERE loss > $5 OR rtt > $6 OR (media = 'video' AND kbps < $7) OR (media = 'audio' AND kbps < $8)`,
    [
      data.project,
      data.sessionId,
      Math.max(ctx.from, s.start),
      Math.min(ctx.to, s.end),
      Thresholds.lossBadPct,
      Thresholds.latencyHighMs,
      Thresholds.videoBitrateLowKbps,
      Thresholds.audioBitrateLowKbps,
    ]
  );
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
        { name: 'issues', kind: 'number', values: one(s.errors + s.reconnects + poor[0].n) },
        { name: 'sdks', kind: 'number', values: one(sdks.length) },
        { name: 'endpoints', kind: 'number', values: one(endpoints.length) },
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
