import { VARIABLE_KINDS, type DataFrameJSON } from '@model';
import { invalidField } from '../errors';
import { frame } from '../frames/frame';
import { listProjects, type QueryContext } from './context';
import { scopedSession } from './scope';
import { searchSessions } from './sessions';

/** G2: text / value pairs for template variables, chained by project, session and meeting. */
export async function variablesQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const kind = ctx.query.variable;
  let pairs: Array<[string, string]>;
  switch (kind) {
    case 'projects': {
      const all = await listProjects(ctx.store);
      pairs = all.filter((p) => ctx.projects.includes(p)).map((p) => [p, p]);
      break;
    }
    case 'sessions':
      pairs = (
        await searchSessions(ctx.store, { projects: ctx.projects, from: ctx.from, to: ctx.to, limit: 1000 })
      ).map((s) => [`${s.sessionId} (${s.callType}, ${s.users} users)`, s.sessionId]);
      break;
    case 'meetings': {
      const { data } = await scopedSession(ctx);
      pairs = (data?.meetings ?? []).map((m) => [
        `${m.meetingId} (${new Date(m.start).toISOString().slice(0, 16).replace('T', ' ')})`,
        m.meetingId,
      ]);
      break;
    }
    case 'users': {
      const { events } = await scopedSession(ctx, false);
      pairs = [
        ...new Set(events.filter((e) => e.action === 'connect' && e.variation === 'success').map((e) => e.clientId)),
      ].map((u) => [u, u]);
      break;
    }
    case 'streams': {
      const { events } = await scopedSession(ctx);
      pairs = [
        ...new Set(
          events
            .filter((e) => e.action === 'publish' && e.variation === 'success' && e.streamId)
            .map((e) => e.streamId!)
        ),
      ].map((s) => [s, s]);
      break;
    }
    default:
      throw invalidField('query.variable', `query.variable must be one of ${VARIABLE_KINDS.join(', ')}`);
  }
  return [
    frame(
      [
        { name: 'text', kind: 'string', values: pairs.map((p) => p[0]) },
        { name: 'value', kind: 'string', values: pairs.map((p) => p[1]) },
      ],
      { name: 'variables', refId: ctx.refId }
    ),
  ];
}
