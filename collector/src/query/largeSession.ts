import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { withoutRepeatedSuccesses } from '../model/sessionStats';
import type { QueryContext } from './context';
import { bucketWidth } from './shared/buckets';
import { scopedSession } from './shared/scope';

const SERIES = [
  ['connect', 'attempt', 'connectAttempts'],
  ['connect', 'success', 'connectSuccesses'],
  ['connect', 'failure', 'connectFailures'],
  ['subscribe', 'attempt', 'subscribeAttempts'],
  ['subscribe', 'success', 'subscribeSuccesses'],
  ['subscribe', 'failure', 'subscribeFailures'],
] as const;

/**
 * I8: connection and subscriber summary timelines: attempts, successes and failures per time
 * bucket, over the session (or meeting) clipped to the query range, at most maxDataPoints
 * buckets.
 */
export async function largeSessionQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { events } = await scopedSession(ctx);
  if (events.length === 0) {
    return [];
  }
  const from = Math.max(ctx.from, events[0].ts);
  const to = Math.min(ctx.to, events[events.length - 1].ts);
  const width = bucketWidth(from, to, ctx.maxDataPoints, ctx.intervalMs);
  const buckets = Math.floor((to - from) / width) + 1;
  const counts = SERIES.map(() => new Array<number>(buckets).fill(0));
  for (const e of withoutRepeatedSuccesses(events)) {
    const s = SERIES.findIndex(([action, variation]) => e.action === action && e.variation === variation);
    if (s >= 0) {
      counts[s][Math.floor((e.ts - from) / width)]++;
    }
  }
  return [
    frame(
      [
        { name: 'time', kind: 'time', values: Array.from({ length: buckets }, (_, i) => from + i * width) },
        ...SERIES.map(([, , name], i) => ({
          name,
          kind: 'number' as const,
          values: counts[i],
        })),
      ],
      {
        name: 'largeSession',
        refId: ctx.refId,
        meta: { type: 'timeseries-wide', typeVersion: [0, 1], custom: { bucketMs: width } },
      }
    ),
  ];
}
