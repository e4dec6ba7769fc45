import { lastValueFrom } from 'rxjs';
import {
  dateTime,
  type DataFrame,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { queryRequest } from '../dataAccess/queryRequest';
import {
  QUERY_MODEL_VERSION,
  QueryType,
  type SessionSearchParams,
  type SessionSearchResponse,
  type VariableKind,
} from '../model';
import { annotationSupport } from './annotations';
import { DEFAULT_QUERY, interpolateQuery, migrateQuery, queryProblem } from './queryModel';
import type { SessionDataSourceOptions, SessionQuery, ValueOption, ValueScope, ValueSource } from './types';
import { SessionVariableSupport } from './variableSupport';

const DEFAULT_LOOKBACK_MS = 6 * 60 * 60 * 1000;

/** Numbers the editors' value lists so that each has its own requestId. */
let valuesRequests = 0;

/** Session Telemetry: every query runs in the Go backend, which forwards it to the collector. */
export class SessionDataSource
  extends DataSourceWithBackend<SessionQuery, SessionDataSourceOptions>
  implements ValueSource
{
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
    const request = queryRequest(
      [target],
      { from: from.valueOf(), to: to.valueOf() },
      {
        maxDataPoints: 1000,
        intervalMs: 1000,
        // Unique per call: Grafana's backendSrv cancels a request in flight when another starts
        // with the same requestId, so two editors listing the same kind would abort each other.
        requestId: `si-values-${kind}-${++valuesRequests}`,
      }
    );
    const res = await lastValueFrom(this.query(request));
    if (res.errors?.length) {
      throw new Error(res.errors[0].message ?? `cannot list ${kind}`);
    }
    const frame: DataFrame | undefined = res.data[0];
    const text: string[] = frame?.fields.find((f) => f.name === 'text')?.values ?? [];
    const value: string[] = frame?.fields.find((f) => f.name === 'value')?.values ?? [];
    return value.map((v, i) => ({ value: v, text: text[i] ?? v }));
  }

  /** Session search through the backend's resource proxy (GET /api/v1/sessions); empty parameters are left out. */
  searchSessions(params: SessionSearchParams): Promise<SessionSearchResponse> {
    const clean: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        clean[k] = typeof v === 'boolean' ? String(v) : v;
      }
    }
    return this.getResource<SessionSearchResponse>('sessions', clean);
  }
}
