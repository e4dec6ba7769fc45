import type { DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { DEFAULT_QUERY, INTERPOLATED_FIELDS, migrateQuery, queryProblem } from './queryModel';
import type { SessionDataSourceOptions, SessionQuery } from './types';

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
  }>;
}

/** Session Telemetry: every query runs in the Go backend, which forwards it to the collector. */
export class SessionDataSource extends DataSourceWithBackend<SessionQuery, SessionDataSourceOptions> {
  constructor(
    instanceSettings: DataSourceInstanceSettings<SessionDataSourceOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
  }

  getDefaultQuery(): Partial<SessionQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: SessionQuery): boolean {
    return !query.hide && queryProblem(migrateQuery(query)) === undefined;
  }

  applyTemplateVariables(query: SessionQuery, scopedVars: ScopedVars): SessionQuery {
    const out: SessionQuery = { ...migrateQuery(query) };
    for (const key of INTERPOLATED_FIELDS) {
      const value = out[key];
      if (typeof value === 'string' && value !== '') {
        out[key] = this.templateSrv.replace(value, scopedVars);
      }
    }
    return out;
  }

  /** Session search through the backend's resource proxy (GET /api/v1/sessions). */
  searchSessions(params: { q?: string; from?: number; to?: number; limit?: number; project?: string }): Promise<SessionSearchResult> {
    const clean: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        clean[k] = v;
      }
    }
    return this.getResource<SessionSearchResult>('sessions', clean);
  }
}
