import { DashboardUid, INSPECTOR_PATH, type InspectorParam } from '@model';
import type { QueryContext } from '../query/context';

/** A Grafana data link; Grafana fills `${__value.raw}`, `${__data.fields.x}`, `${__field.labels.x}`, `${__from}`, `${__to}`. */
export interface DataLink {
  title: string;
  url: string;
}

/** A field config holding data links, ready for a column's `config`. */
export interface LinkConfig {
  links: DataLink[];
  [key: string]: unknown;
}

const TIME_RANGE = 'from=${__from}&to=${__to}';
const SESSION_DASHBOARD = `/d/${DashboardUid.session}`;

/** The session a session-scoped query names, and its project when the query pins one or the token grants one. */
interface Scope {
  project?: string;
  sessionId: string;
  meetingId?: string;
}

function scopeOf(ctx: QueryContext): Scope {
  const project = ctx.query.project || (ctx.projects.length === 1 ? ctx.projects[0] : undefined);
  return { project, sessionId: ctx.query.sessionId ?? '', meetingId: ctx.query.meetingId || undefined };
}

/** Literal values are encoded here; Grafana macros (`${...}`) are left for Grafana to fill. */
function query(params: Array<[string, string | undefined]>): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${v.startsWith('${') ? v : encodeURIComponent(v)}`)
    .join('&');
}

/** The Inspector page reads only its own parameters; the time range is added to every link. */
function inspectorUrl(
  session: string,
  params: Array<[Exclude<InspectorParam, 'from' | 'to'>, string | undefined]>
): string {
  const path = session.startsWith('${') ? session : encodeURIComponent(session);
  return `${INSPECTOR_PATH}/${path}?${query(params)}&${TIME_RANGE}`;
}

function dashboardUrl(params: Array<[string, string | undefined]>): string {
  return `${SESSION_DASHBOARD}?${query(params)}&${TIME_RANGE}`;
}

/** A `sessionId` column of a frame that also has a `project` column (sessions). */
export function sessionIdLinks(): LinkConfig {
  const project = '${__data.fields.project}';
  const session = '${__value.raw}';
  return {
    links: [
      { title: 'Open in Session Inspector', url: inspectorUrl(session, [['project', project]]) },
      {
        title: 'Session drilldown dashboard',
        url: dashboardUrl([
          ['var-project', project],
          ['var-session', session],
        ]),
      },
    ],
  };
}

/** A `userId` column of a session-scoped frame. */
export function userIdLinks(ctx: QueryContext): LinkConfig {
  const s = scopeOf(ctx);
  const user = '${__value.raw}';
  return {
    links: [
      {
        title: 'This user in Session Inspector',
        url: inspectorUrl(s.sessionId, [
          ['project', s.project],
          ['meeting', s.meetingId],
          ['user', user],
        ]),
      },
      {
        title: 'This user in the session dashboard',
        url: dashboardUrl([
          ['var-project', s.project],
          ['var-session', s.sessionId],
          ['var-meeting', s.meetingId],
          ['var-user', user],
        ]),
      },
    ],
  };
}

/** A `streamId` column of a session-scoped frame. */
export function streamIdLinks(ctx: QueryContext): LinkConfig {
  const s = scopeOf(ctx);
  return {
    links: [
      {
        title: 'Session in Session Inspector',
        url: inspectorUrl(s.sessionId, [
          ['project', s.project],
          ['meeting', s.meetingId],
        ]),
      },
      {
        title: 'This stream in the session dashboard',
        url: dashboardUrl([
          ['var-project', s.project],
          ['var-session', s.sessionId],
          ['var-meeting', s.meetingId],
          ['var-stream', '${__value.raw}'],
        ]),
      },
    ],
  };
}

/**
 * The value field of a labelled series (quality, fleet by session / stream / user): links use
 * the series' own labels, so every line of a chart opens its own session.
 */
export function seriesLinks(
  ctx: QueryContext,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  const session = labels.session;
  if (!session) {
    return extra;
  }
  const project = labels.project ?? scopeOf(ctx).project;
  const user = labels.user;
  const stream = labels.stream;
  return {
    ...extra,
    links: [
      {
        title: 'Open in Session Inspector',
        url: inspectorUrl(session, [
          ['project', project],
          ['meeting', ctx.query.meetingId],
          ['user', user],
        ]),
      },
      {
        title: 'Session drilldown dashboard',
        url: dashboardUrl([
          ['var-project', project],
          ['var-session', session],
          ['var-user', user],
          ['var-stream', stream],
        ]),
      },
    ],
  };
}
