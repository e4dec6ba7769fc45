import type { DataFrameJSON, VariableKind } from '@model';
import { frame } from '../frames/frame';
import { listProjects } from '../store/projects';
import type { QueryContext } from './context';
import { scopedSession } from './shared/scope';
import { searchSessions } from './shared/sessionSearch';

type Pairs = Array<[string, string]>;

/** Text / value pairs of each kind of list. */
const LISTS: Record<VariableKind, (ctx: QueryContext) => Promise<Pairs>> = {
  async projects(ctx) {
    const all = await listProjects(ctx.store);
    return all.filter((p) => ctx.projects.includes(p)).map((p) => [p, p]);
  },
  async sessions(ctx) {
    const found = await searchSessions(ctx.store, { projects: ctx.projects, from: ctx.from, to: ctx.to, limit: 1000 });
    return found.map((s) => [`${s.sessionId} (${s.callType}, ${s.users} users)`, s.sessionId]);
  },
  async meetings(ctx) {
    const { data } = await scopedSession(ctx);
    return (data?.meetings ?? []).map((m) => [
      `${m.meetingId} (${new Date(m.start).toISOString().slice(0, 16).replace('T', ' ')})`,
      m.meetingId,
    ]);
  },
  async users(ctx) {
    const { events } = await scopedSession(ctx, false);
    return [
      ...new Set(events.filter((e) => e.action === 'connect' && e.variation === 'success').map((e) => e.clientId)),
    ].map((u) => [u, u]);
  },
  async streams(ctx) {
    const { events } = await scopedSession(ctx);
    return [
      ...new Set(
        events.filter((e) => e.action === 'publish' && e.variation === 'success' && e.streamId).map((e) => e.streamId!)
      ),
    ].map((s) => [s, s]);
  },
};

/** G2: text / value pairs for template variables, chained by project, session and meeting. */
export async function variablesQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  // `variable` is required by the descriptor, checked before dispatch.
  const pairs = await LISTS[ctx.query.variable!](ctx);
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
