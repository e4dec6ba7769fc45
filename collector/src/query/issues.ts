import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import type { QueryContext } from './context';
import { scopedDiagnosis } from './shared/scope';

/**
 * B2: the session's issue tags (its meeting, time range; `userId` and `streamId` narrow them),
 * one row each: kind, severity, start, end, who and what, the value that broke the threshold
 * and a sentence. Issues of a stream are found on the whole session's events, then narrowed.
 */
export async function issuesQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const scoped = await scopedDiagnosis(ctx);
  if (!scoped) {
    return [];
  }
  const { userId, streamId } = ctx.query;
  const issues = scoped.diagnosis.issues.filter(
    (i) => (!userId || i.userId === userId) && (!streamId || i.streamId === streamId)
  );
  const col = <K extends keyof (typeof issues)[number]>(k: K) => issues.map((i) => i[k] ?? null);
  return [
    frame(
      [
        { name: 'start', kind: 'time', values: col('start') },
        { name: 'end', kind: 'time', values: col('end') },
        { name: 'kind', kind: 'string', values: col('kind') },
        { name: 'severity', kind: 'string', values: col('severity') },
        { name: 'userId', kind: 'string', values: col('userId') },
        { name: 'connectionId', kind: 'nullableString', values: col('connectionId') },
        { name: 'streamId', kind: 'nullableString', values: col('streamId') },
        { name: 'subscriberId', kind: 'nullableString', values: col('subscriberId') },
        { name: 'role', kind: 'nullableString', values: col('role') },
        { name: 'media', kind: 'nullableString', values: col('media') },
        { name: 'value', kind: 'nullableNumber', values: col('value') },
        { name: 'detail', kind: 'string', values: col('detail') },
      ],
      { name: 'issues', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
  ];
}
