import { Fields, type SessionRow } from '@model';
import { frame } from '../frames/frame';
import { sessionIdLinks } from '../frames/links';
import type { QueryContext } from './context';
import { searchSessions } from './shared/sessionSearch';

export async function sessionsQuery(ctx: QueryContext) {
  const q = ctx.query;
  const rows = await searchSessions(ctx.store, {
    projects: ctx.projects,
    from: ctx.from,
    to: ctx.to,
    sessionIdPrefix: q.sessionIdPrefix,
    hasErrors: q.hasErrors,
    callType: q.callType,
    minSize: q.minSize,
    saved: q.saved,
    tag: q.tag,
    maxRating: q.maxRating,
    limit: q.limit,
  });
  const col = <K extends keyof SessionRow>(k: K) => rows.map((r) => r[k]);
  return [
    frame(
      [
        { name: Fields.sessionId, kind: 'string', values: col('sessionId'), config: sessionIdLinks() },
        { name: Fields.project, kind: 'string', values: col('project') },
        { name: Fields.callType, kind: 'string', values: col('callType') },
        { name: Fields.start, kind: 'time', values: col('start') },
        { name: Fields.end, kind: 'time', values: col('end') },
        { name: Fields.durationS, kind: 'number', values: col('durationS'), config: { unit: 's' } },
        { name: Fields.users, kind: 'number', values: col('users') },
        { name: Fields.connections, kind: 'number', values: col('connections') },
        { name: Fields.streams, kind: 'number', values: col('streams') },
        { name: Fields.subscribers, kind: 'number', values: col('subscribers') },
        { name: Fields.errors, kind: 'number', values: col('errors') },
        { name: Fields.savedName, kind: 'nullableString', values: col('savedName') },
        { name: Fields.tags, kind: 'string', values: rows.map((r) => r.tags.join(', ')) },
        { name: Fields.rating, kind: 'nullableNumber', values: col('rating') },
        { name: Fields.poorPct, kind: 'nullableNumber', values: col('poorPct'), config: { unit: 'percent' } },
      ],
      { name: 'sessions', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
  ];
}
