import { lastValueFrom } from 'rxjs';
import {
  CoreApp,
  dateTime,
  type DataFrame,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { QUERY_MODEL_VERSION, QueryType, type VariableKind } from '../model';
import { annotationSupport } from './annotations';
import { DEFAULT_QUERY, interpolateQuery, migrateQuery, queryProblem } from './queryModel';
import type { SessionDataSourceOptions, SessionQuery } from './types';
import { SessionVariableSupport } from './variableSupport';

export interface SessionSearchResult {
  from: number;
  to: number;
  sessions: Array<{
    project: string;
    sessionId: string;
    callType: string;
    start: number;
    end: number;
    durationS: number;
    users: number;
    connections: number;
    streams: number;
    subscribers: number;
    errors: number;
    /** The lowest rating a user gave the call (1-5), null when unrated. */
    rating: number | null;
  }>;
}

/** A choice for an editor's select: what the collector lists for a variable kind. */
export interface ValueOption {
  text: string;
  value: string;
}

/** The narrowing a list of values is taken within (a session's users, a project's sessions...). */
export type ValueScope = Pick<SessionQuery, 'project' | 'sessionId' | 'meetingId'>;

const DEFAULT_LOOKBACK_MS = 6 * 60 * 60 * 1000;

/** Session Telemetry: every query runs in the Go backend, which forwards it to the collector. */
export class SessionDataSource extends DataSourceWithBackend<SessionQuery, SessionDataSourceOptions> {
  constructor(
    instanceSettings: DataSourceInstanceSettings<SessionDataSourceOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.variables = new SessionVariableSupport(this);
    this.annotations = annotationSupport;
  }

  getDefaultQuery(): Partial<SessionQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: SessionQuery): boolean {
    return !query.hide && queryProblem(migrateQuery(query)) === undefined;
  }

  applyTemplateVariables(query: SessionQuery, scopedVars: ScopedVars): SessionQuery {
    return interpolateQuery(query, (text) => this.templateSrv.replace(text, scopedVars));
  }

  /** Names of the dashboard's template variables, offered in the editors' selects as `$name`. */
  variableNames(): string[] {
    return this.templateSrv.getVariables().map((v) => `$${v.name}`);
  }

  /**
   * What the collector lists for a variable kind within a scope (the editors' selects): the
   * `variables` query through the backend, with template variables of the scope filled in.
   */
  async listValues(kind: VariableKind, scope: ValueScope, range?: TimeRange): Promise<ValueOption[]> {
    const to = range?.to ?? dateTime();
    const from = range?.from ?? dateTime(to.valueOf() - DEFAULT_LOOKBACK_MS);
    const target: SessionQuery = {
      refId: 'values',
      queryType: QueryType.Variables,
      version: QUERY_MODEL_VERSION,
      variable: kind,
      ...scope,
    };
    const request = {
      targets: [target],
      range: { from, to, raw: { from, to } },
      interval: '1s',
      intervalMs: 1000,
      maxDataPoints: 1000,
      scopedVars: {},
      timezone: 'browser',
      app: CoreApp.Unknown,
      requestId: `si-values-${kind}`,
      startTime: Date.now(),
    } as DataQueryRequest<SessionQuery>;
    const res = await lastValueFrom(this.query(request));
    if (res.errors?.length) {
      throw new Error(res.errors[0].message ?? `cannot list ${kind}`);
    }
    const frame: DataFrame | undefined = res.data[0];
    const text: string[] = frame?.fields.find((f) => f.name === 'text')?.values ?? [];
    const value: string[] = frame?.fields.find((f) => f.name === 'value')?.values ?? [];
    return value.map((v, i) => ({ value: v, text: text[i] ?? v }));
  }

  /** Session search through the backend's resource proxy (GET /api/v1/sessions). */
  searchSessions(params: {
    q?: string;
    from?: number;
    to?: number;
    limit?: number;
    project?: string;
  }): Promise<SessionSearchResult> {
    const clean: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        clean[k] = v;
      }
    }
    return this.getResource<SessionSearchResult>('sessions', clean);
  }
}
