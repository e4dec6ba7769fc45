import { once, type QueryContext } from '../context';
import { sessionDiagnosis, type Diagnosis } from './issueData';
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

/**
 * The diagnosis of the query's scope (its meeting and time range, every user), once per request:
 * `issues` and `attribution`, asked together by the Inspector, read the same.
 */
export function scopedDiagnosis(ctx: QueryContext): Promise<{ data: SessionData; diagnosis: Diagnosis } | undefined> {
  const { sessionId, meetingId } = ctx.query;
  return once(ctx, ['diagnosis', ctx.projects, sessionId, meetingId ?? null, ctx.from, ctx.to], async () => {
    const { data, events } = await scopedSession(ctx, false);
    return data && { data, diagnosis: await sessionDiagnosis(ctx, data.project, data.sessionId, events) };
  });
}
