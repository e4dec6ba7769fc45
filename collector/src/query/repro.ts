import { Limits, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { exportInternals } from '../importers/internalsExport';
import { chromiumCommand, fieldTrial, netemScript, type ReplayStep } from '../model/reproKit';
import { invalidField } from '../errors';
import type { QueryContext } from './context';
import { sessionIssues } from './shared/issueData';
import { loadSession, scopedEvents } from './shared/sessionData';

/** Issues of what a user received: those a network replay can reproduce. */
const RECEIVED = ['high-loss', 'high-latency', 'low-bitrate', 'frozen-video', 'one-way-media'];

interface Bucket {
  t: number;
  stream_id: string;
  loss: number | null;
  rtt: number | null;
  jitter: number | null;
  kbps: number | null;
}

/**
 * B7: a user's received network conditions over the session's bad minutes (its quality issues as
 * a subscriber, a minute either side; the whole session without any) as a `tc netem` script and a
 * Chromium field-trial line that replay them, and the user's data as a webrtc-internals dump. The
 * user is the query's `userId`, else the one whose received streams were degraded longest.
 */
export async function reproQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const data = await loadSession(ctx);
  // The whole session (or meeting): a range inside the bad minutes may hold no event at all.
  const events = data ? scopedEvents(data, ctx.query.meetingId) : [];
  if (!data || events.length === 0) {
    return [];
  }
  if (ctx.query.userId && !events.some((e) => e.clientId === ctx.query.userId)) {
    throw invalidField('query.userId', `user '${ctx.query.userId}' is not in session ${data.sessionId}`);
  }
  const issues = (await sessionIssues(ctx, data.project, data.sessionId, events)).filter(
    (i) => i.role === 'subscriber' && RECEIVED.includes(i.kind)
  );
  const degraded = new Map<string, number>();
  for (const i of issues) {
    degraded.set(i.userId, (degraded.get(i.userId) ?? 0) + (i.end - i.start));
  }
  const userId =
    ctx.query.userId ||
    [...degraded].sort((a, b) => b[1] - a[1])[0]?.[0] ||
    events.find((e) => e.action === 'connect' && e.variation === 'success')?.clientId;
  if (!userId) {
    return [];
  }
  const mine = issues.filter((i) => i.userId === userId);
  const span = { from: Math.max(ctx.from, events[0].ts), to: Math.min(ctx.to, events[events.length - 1].ts) };
  const from = mine.length
    ? Math.max(span.from, Math.min(...mine.map((i) => i.start)) - Limits.reproMarginMs)
    : span.from;
  const to = mine.length ? Math.min(span.to, Math.max(...mine.map((i) => i.end)) + Limits.reproMarginMs) : span.to;
  // Buckets 0 .. Limits.reproMaxSteps - 1 from `from`, `to` included.
  const width = Math.max(Limits.reproMinStepMs, Math.floor((to - from) / Limits.reproMaxSteps) + 1);
  const rows = await ctx.store.query<Bucket>(
    `SELECT ($3::float8 + floor((ts - $3::float8) / $5::float8) * $5::float8) AS t, stream_id,
       avg(loss_pct) AS loss, avg(rtt_ms) AS rtt, avg(jitter_ms) AS jitter, avg(bitrate_kbps) AS kbps
     FROM all_quality_samples
     WHERE project = $1 AND session_id = $2 AND ts >= $3::bigint AND ts <= $4::bigint AND client_id = $6 AND role = 'subscriber'
     GROUP BY t, stream_id ORDER BY t`,
    [data.project, data.sessionId, from, to, width, userId]
  );
  const mean = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
  };
  const steps: ReplayStep[] = [...new Set(rows.map((r) => r.t))].map((t) => {
    const at = rows.filter((r) => r.t === t);
    const capped = mine.some((i) => i.kind === 'low-bitrate' && i.start < t + width && i.end > t);
    return {
      start: t,
      durationMs: width,
      lossPct: mean(at.map((r) => r.loss)),
      rttMs: mean(at.map((r) => r.rtt)),
      jitterMs: mean(at.map((r) => r.jitter)),
      ...(capped ? { capKbps: at.reduce((a, r) => a + (r.kbps ?? 0), 0) } : {}),
    };
  });
  const about = `what user ${userId} received in session ${data.sessionId} from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  const dump = await exportInternals(ctx.store, data.project, data.sessionId, userId);
  return [
    frame(
      [
        { name: 'userId', kind: 'string', values: [userId] },
        { name: 'from', kind: 'time', values: [from] },
        { name: 'to', kind: 'time', values: [to] },
        { name: 'netem', kind: 'string', values: [netemScript(steps, about)] },
        { name: 'chromium', kind: 'string', values: [chromiumCommand(steps)] },
        { name: 'fieldTrial', kind: 'string', values: [fieldTrial(steps)] },
        { name: 'webrtcInternals', kind: 'string', values: [JSON.stringify(dump.dump)] },
      ],
      { name: 'repro', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'start', kind: 'time', values: steps.map((s) => s.start) },
        { name: 'durationS', kind: 'number', values: steps.map((s) => s.durationMs / 1000) },
        { name: 'lossPct', kind: 'number', values: steps.map((s) => Math.round(s.lossPct * 100) / 100) },
        { name: 'rttMs', kind: 'number', values: steps.map((s) => Math.round(s.rttMs)) },
        { name: 'jitterMs', kind: 'number', values: steps.map((s) => Math.round(s.jitterMs * 10) / 10) },
        {
          name: 'capKbps',
          kind: 'nullableNumber',
          values: steps.map((s) => (s.capKbps === undefined ? null : Math.round(s.capKbps))),
        },
      ],
      { name: 'replay', refId: ctx.refId }
    ),
  ];
}
