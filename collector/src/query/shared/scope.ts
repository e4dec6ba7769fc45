import type { QueryContext } from '../context';
import { loadSession, scopedEvents, type SessionData } from './sessionData';

/** A session-scoped query's events: its meeting, its time range and its user, if it names them. */
export async function scopedSession(ctx: QueryContext, byUser = true) {
  const data: SessionData | undefined = await loadSession(ctx);
  if (!data) {
    return { data: undefined, events: [] };
  }
  const events = scopedEvents(data, ctx.query.meetingId).filter(
    (e) => e.ts >= ctx.from && e.ts <= ctx.to && (!byUser || !ctx.query.userId || e.clientId === ctx.query.userId)
  );
  return { data, events };
}
