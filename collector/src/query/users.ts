import { isErrorEvent, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { streamIdLinks, userIdLinks } from '../frames/links';
import type { QueryContext } from './context';
import { endpointOf, type ClientColumns } from './shared/endpoint';
import { scopedSession } from './shared/scope';

interface UserRow extends ClientColumns {
  client_id: string;
  os: string | null;
  device: string | null;
  country: string | null;
  city: string | null;
}

/**
 * I4: users (location, system, SDK, error count) and their drilldown: connections (start, end,
 * duration, disconnect reason), streams they published, and per stream who subscribed and
 * whether it succeeded. Four frames: users, connections, streams, subscribers. Users,
 * connections and streams name the sources that reported them (one row each, however many).
 */
export async function usersQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { data, events } = await scopedSession(ctx, false);
  if (!data) {
    return [];
  }
  const rows = await ctx.store.query<UserRow>(
    `SELECT client_id, sdk, browser, browser_version, os, device, country, city, sip FROM users
     WHERE project = $1 AND session_id = $2 ORDER BY first_seen, client_id`,
    [data.project, data.sessionId]
  );
  const wanted = (id: string) => !ctx.query.userId || id === ctx.query.userId;
  const present = new Set(events.map((e) => e.clientId));
  const users = rows.filter((u) => present.has(u.client_id) && wanted(u.client_id));

  const connections = new Map<
    string,
    { userId: string; start: number; end: number; reason: string; ok: boolean; sources: Set<string> }
  >();
  const streams = new Map<
    string,
    {
      userId: string;
      connectionId: string;
      videoType: string;
      start: number;
      end: number | null;
      reason: string;
      sources: Set<string>;
    }
  >();
  const userSources = new Map<string, Set<string>>();
  const subscribers = new Map<
    string,
    { streamId: string; userId: string; connectionId: string; start: number; success: boolean | null; code: string }
  >();
  const errors = new Map<string, number>();
  for (const e of events) {
    userSources.set(e.clientId, (userSources.get(e.clientId) ?? new Set()).add(e.source));
    if (isErrorEvent(e)) {
      errors.set(e.clientId, (errors.get(e.clientId) ?? 0) + 1);
    }
    if (e.connectionId) {
      const c = connections.get(e.connectionId) ?? {
        userId: e.clientId,
        start: e.ts,
        end: e.ts,
        reason: '',
        ok: false,
        sources: new Set<string>(),
      };
      c.end = e.ts;
      c.sources.add(e.source);
      if (e.action === 'connect' && e.variation === 'success') {
        // The connection is its own client's; others may have reported it first.
        c.ok = true;
        c.userId = e.clientId;
      }
      if (e.action === 'disconnect') {
        // Several sources may report one disconnect; one without a reason keeps the other's.
        c.reason = e.reason ?? c.reason;
      }
      connections.set(e.connectionId, c);
    }
    const published = e.streamId ? streams.get(e.streamId) : undefined;
    if (e.streamId && e.action === 'publish' && e.variation === 'success') {
      // The first report of a stream starts it; later ones (other sources) only add their name.
      streams.set(
        e.streamId,
        published ?? {
          userId: e.clientId,
          connectionId: e.connectionId ?? '',
          videoType: '',
          start: e.ts,
          end: null,
          reason: '',
          sources: new Set<string>(),
        }
      );
      streams.get(e.streamId)?.sources.add(e.source);
    } else if (published && e.action === 'unpublish') {
      published.end = e.ts;
      published.reason = e.reason ?? published.reason;
      published.sources.add(e.source);
    }
    if (e.subscriberId && e.streamId && e.action === 'subscribe') {
      const sub = subscribers.get(e.subscriberId) ?? {
        streamId: e.streamId,
        userId: e.clientId,
        connectionId: e.connectionId ?? '',
        start: e.ts,
        success: null,
        code: '',
      };
      if (e.variation === 'success') {
        sub.success = true;
      } else if (e.variation === 'failure') {
        sub.success = false;
        sub.code = e.code ?? '';
      }
      subscribers.set(e.subscriberId, sub);
    }
  }
  const streamTypes = await ctx.store.query<{ stream_id: string; video_type: string | null }>(
    `SELECT stream_id, stream->>'videoType' AS video_type FROM all_events
     WHERE project = $1 AND session_id = $2 AND ts >= $3::bigint AND ts < $4::bigint
       AND action = 'publish' AND variation = 'success' AND stream IS NOT NULL`,
    [data.project, data.sessionId, data.span.from, data.span.to]
  );
  for (const t of streamTypes) {
    const s = streams.get(t.stream_id);
    // A source that knows the video type wins over one that reports none (audio-only).
    if (s && (s.videoType === '' || s.videoType === 'audio-only')) {
      s.videoType = t.video_type ?? 'audio-only';
    }
  }
  const conns = [...connections].filter(([, c]) => c.ok && wanted(c.userId));
  const strs = [...streams].filter(([, s]) => wanted(s.userId));
  const subs = [...subscribers].filter(([, s]) => wanted(s.userId) || strs.some(([id]) => id === s.streamId));
  const col = <T, V>(list: T[], f: (x: T) => V) => list.map(f);
  const names = (set: Set<string> | undefined) => [...(set ?? [])].sort().join(', ');
  return [
    frame(
      [
        { name: 'userId', kind: 'string', values: col(users, (u) => u.client_id), config: userIdLinks(ctx) },
        { name: 'city', kind: 'nullableString', values: col(users, (u) => u.city) },
        { name: 'country', kind: 'nullableString', values: col(users, (u) => u.country) },
        { name: 'endpoint', kind: 'string', values: col(users, endpointOf) },
        { name: 'os', kind: 'nullableString', values: col(users, (u) => u.os) },
        { name: 'device', kind: 'nullableString', values: col(users, (u) => u.device) },
        { name: 'sdk', kind: 'nullableString', values: col(users, (u) => u.sdk) },
        {
          name: 'connections',
          kind: 'number',
          values: col(users, (u) => conns.filter(([, c]) => c.userId === u.client_id).length),
        },
        { name: 'errors', kind: 'number', values: col(users, (u) => errors.get(u.client_id) ?? 0) },
        { name: 'sources', kind: 'string', values: col(users, (u) => names(userSources.get(u.client_id))) },
      ],
      { name: 'users', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
    frame(
      [
        { name: 'connectionId', kind: 'string', values: col(conns, ([id]) => id) },
        { name: 'userId', kind: 'string', values: col(conns, ([, c]) => c.userId), config: userIdLinks(ctx) },
        { name: 'start', kind: 'time', values: col(conns, ([, c]) => c.start) },
        { name: 'end', kind: 'time', values: col(conns, ([, c]) => c.end) },
        {
          name: 'durationS',
          kind: 'number',
          values: col(conns, ([, c]) => Math.round((c.end - c.start) / 1000)),
          config: { unit: 's' },
        },
        { name: 'disconnectReason', kind: 'string', values: col(conns, ([, c]) => c.reason) },
        { name: 'sources', kind: 'string', values: col(conns, ([, c]) => names(c.sources)) },
      ],
      { name: 'connections', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'streamId', kind: 'string', values: col(strs, ([id]) => id), config: streamIdLinks(ctx) },
        { name: 'userId', kind: 'string', values: col(strs, ([, s]) => s.userId), config: userIdLinks(ctx) },
        { name: 'connectionId', kind: 'string', values: col(strs, ([, s]) => s.connectionId) },
        { name: 'videoType', kind: 'string', values: col(strs, ([, s]) => s.videoType) },
        { name: 'start', kind: 'time', values: col(strs, ([, s]) => s.start) },
        { name: 'end', kind: 'nullableTime', values: col(strs, ([, s]) => s.end) },
        { name: 'reason', kind: 'string', values: col(strs, ([, s]) => s.reason) },
        { name: 'sources', kind: 'string', values: col(strs, ([, s]) => names(s.sources)) },
      ],
      { name: 'streams', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'subscriberId', kind: 'string', values: col(subs, ([id]) => id) },
        { name: 'streamId', kind: 'string', values: col(subs, ([, s]) => s.streamId), config: streamIdLinks(ctx) },
        { name: 'userId', kind: 'string', values: col(subs, ([, s]) => s.userId), config: userIdLinks(ctx) },
        { name: 'connectionId', kind: 'string', values: col(subs, ([, s]) => s.connectionId) },
        { name: 'start', kind: 'time', values: col(subs, ([, s]) => s.start) },
        { name: 'success', kind: 'bool', values: col(subs, ([, s]) => s.success === true) },
        { name: 'code', kind: 'string', values: col(subs, ([, s]) => s.code) },
      ],
      { name: 'subscribers', refId: ctx.refId }
    ),
  ];
}
