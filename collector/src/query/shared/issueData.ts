import type { Issue } from '@model';
import { groupBy } from '../../groupBy';
import { eventIssues, qualityIssues, type CandidateSample, type SeriesStats } from '../../model/issueDetection';
import type { StoredEvent } from '../../model/sessionStats';
import { FLOWING, TROUBLE_SAMPLE } from '../../store/qualityMinutes';
import type { SqlParam, Store } from '../../store/store';
import type { QueryContext } from '../context';
import { minuteSpan, type MinuteSpan } from './minuteSpan';

export interface IssueScope {
  projects: string[];
  sessionIds: string[];
  from: number;
  to: number;
}

const SERIES = `client_id, connection_id, stream_id, subscriber_id, role, media`;

interface SeriesRow {
  session_id: string;
  client_id: string;
  connection_id: string;
  stream_id: string;
  subscriber_id: string | null;
  role: 'publisher' | 'subscriber';
  media: 'audio' | 'video';
  samples: number;
  first: number;
  last: number;
  flowing: number;
}

interface CandidateRow extends Omit<CandidateSample, 'clientId' | 'connectionId' | 'streamId' | 'subscriberId'> {
  session_id: string;
  client_id: string;
  connection_id: string;
  stream_id: string;
  subscriber_id: string | null;
}

/**
 * Each series of some sessions summed up: the whole minutes of the range from the rollups, its
 * partial minutes at the edges from the samples (a 1,000-subscriber hour is 120,000 rollups
 * instead of 1.4 million samples).
 */
function seriesSql(span: MinuteSpan, params: SqlParam[]): string {
  const scope = `project = ANY($1::text[]) AND session_id = ANY($2::text[])`;
  const param = (v: number) => `$${params.push(v)}::bigint`;
  const parts = span.edges.map(
    ([from, to]) =>
      `SELECT session_id, ${SERIES}, 1 AS samples, ts AS first, ts AS last,
         CASE WHEN ${FLOWING} THEN 1 ELSE 0 END AS flowing
       FROM all_quality_samples WHERE ${scope} AND ts >= ${param(from)} AND ts <= ${param(to)}`
  );
  if (span.whole) {
    parts.push(
      `SELECT session_id, client_id, connection_id, stream_id, nullif(subscriber_id, '') AS subscriber_id, role, media,
         samples, first_ts AS first, last_ts AS last, flowing
       FROM all_quality_minutes WHERE ${scope} AND minute >= ${param(span.whole.from)} AND minute < ${param(span.whole.to)}`
    );
  }
  return `SELECT session_id, ${SERIES}, sum(samples)::float8 AS samples, min(first)::float8 AS first,
      max(last)::float8 AS last, sum(flowing)::float8 AS flowing
    FROM (${parts.join(' UNION ALL ')}) parts GROUP BY session_id, ${SERIES}`;
}

/**
 * What issue detection needs from the samples of some sessions: each series summed up, and only
 * the samples that may break a threshold (a healthy hour of a 1,000-subscriber broadcast hands
 * over its series, not its 1.4 million samples).
 */
async function loadQuality(store: Store, scope: IssueScope) {
  const params: SqlParam[] = [scope.projects, scope.sessionIds];
  const series = await store.query<SeriesRow>(
    seriesSql(minuteSpan(Math.floor(scope.from), Math.floor(scope.to)), params),
    params
  );
  const candidates = await store.query<CandidateRow>(
    `SELECT session_id, ${SERIES}, ts::float8 AS ts, loss_pct AS "lossPct", rtt_ms AS "rttMs", bitrate_kbps AS "bitrateKbps",
       frame_rate AS "frameRate", height::float8 AS height, packets, limitation, freezes
     FROM all_quality_samples
     WHERE project = ANY($1::text[]) AND session_id = ANY($2::text[]) AND ts >= $3::bigint AND ts <= $4::bigint AND ${TROUBLE_SAMPLE}`,
    [scope.projects, scope.sessionIds, scope.from, scope.to]
  );
  return { series, candidates };
}

/** Streams published as screen shares, from their publish events. */
function screenStreams(events: Array<Pick<StoredEvent, 'action' | 'streamId' | 'stream'>>): Set<string> {
  return new Set(
    events
      .filter((e) => e.action === 'publish' && e.streamId && e.stream?.videoType === 'screen')
      .map((e) => e.streamId as string)
  );
}

export interface Diagnosis {
  issues: Issue[];
  /** Every series of the session in the scope, summed up (who published and received what, when). */
  series: SeriesStats[];
}

/**
 * B2 issues of each session of the scope, from its samples in [from, to] and the events given
 * (already narrowed by the caller: a meeting, a time range), with the series they came from.
 * Keyed by session id.
 */
export async function diagnose(
  store: Store,
  scope: IssueScope,
  eventsBySession: Map<string, StoredEvent[]>
): Promise<Map<string, Diagnosis>> {
  const out = new Map<string, Diagnosis>(scope.sessionIds.map((id) => [id, { issues: [], series: [] }]));
  if (scope.sessionIds.length === 0 || scope.projects.length === 0) {
    return out;
  }
  const { series, candidates } = await loadQuality(store, scope);
  const seriesBySession = groupBy(series, (r) => r.session_id);
  const candidatesBySession = groupBy(candidates, (r) => r.session_id);
  for (const sessionId of scope.sessionIds) {
    const events = eventsBySession.get(sessionId) ?? [];
    const screen = screenStreams(events);
    const stats: SeriesStats[] = (seriesBySession.get(sessionId) ?? []).map((r) => ({
      clientId: r.client_id,
      connectionId: r.connection_id,
      streamId: r.stream_id,
      subscriberId: r.subscriber_id,
      role: r.role,
      media: r.media,
      samples: r.samples,
      first: r.first,
      last: r.last,
      flowing: r.flowing,
      screen: screen.has(r.stream_id),
    }));
    const samples: CandidateSample[] = (candidatesBySession.get(sessionId) ?? []).map(
      ({ session_id: _s, client_id, connection_id, stream_id, subscriber_id, ...rest }) => ({
        ...rest,
        clientId: client_id,
        connectionId: connection_id,
        streamId: stream_id,
        subscriberId: subscriber_id,
      })
    );
    const issues = [...qualityIssues(stats, samples), ...eventIssues(events)].sort(
      (a, b) => a.start - b.start || a.kind.localeCompare(b.kind)
    );
    out.set(sessionId, { issues, series: stats });
  }
  return out;
}

/** The diagnosis of one session's scope: the events given (its meeting, time range) and their span of samples. */
export async function sessionDiagnosis(
  ctx: Pick<QueryContext, 'store' | 'from' | 'to'>,
  project: string,
  sessionId: string,
  events: StoredEvent[]
): Promise<Diagnosis> {
  if (events.length === 0) {
    return { issues: [], series: [] };
  }
  const span = events.reduce((a, e) => ({ from: Math.min(a.from, e.ts), to: Math.max(a.to, e.ts) }), {
    from: Infinity,
    to: -Infinity,
  });
  const found = await diagnose(
    ctx.store,
    {
      projects: [project],
      sessionIds: [sessionId],
      from: Math.max(ctx.from, span.from),
      to: Math.min(ctx.to, span.to),
    },
    new Map([[sessionId, events]])
  );
  return found.get(sessionId) ?? { issues: [], series: [] };
}

/** The issues of one session's scope. */
export async function sessionIssues(
  ctx: Pick<QueryContext, 'store' | 'from' | 'to'>,
  project: string,
  sessionId: string,
  events: StoredEvent[]
): Promise<Issue[]> {
  return (await sessionDiagnosis(ctx, project, sessionId, events)).issues;
}
