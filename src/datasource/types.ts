import type { DataQuery } from '@grafana/schema';
import type { Observable } from 'rxjs';
import type { DataQueryRequest, DataQueryResponse, DataSourceApi, DataSourceJsonData, TimeRange } from '@grafana/data';
import type { SessionQueryModel, VariableKind } from '../model';

/** A saved query: Grafana's DataQuery plus the one shared query model. */
export interface SessionQuery extends DataQuery, Omit<SessionQueryModel, 'queryType'> {
  queryType?: SessionQueryModel['queryType'];
}

/** jsonData: read by the Go backend (pkg/plugin/settings.go). */
export interface SessionDataSourceOptions extends DataSourceJsonData {
  collectorUrl?: string;
  timeoutSeconds?: number;
  /** The collector as Vonage's servers reach it, for the callback URL shown (not a secret). */
  vonagePublicUrl?: string;
  /** Largest collector answer read, in MiB (default 128). */
  maxAnswerMegabytes?: number;
  /** Grafana's TLS settings, applied by the SDK's HTTP client; certificates are in secureJsonData. */
  tlsAuth?: boolean;
  tlsAuthWithCACert?: boolean;
  tlsSkipVerify?: boolean;
  enableSecureSocksProxy?: boolean;
}

/** secureJsonData: never sent back to the browser. */
export interface SessionSecureJsonData {
  readToken?: string;
}

/** A choice for an editor's select: what the collector lists for a variable kind. */
export interface ValueOption {
  text: string;
  value: string;
}

/** The narrowing a list of values is taken within (a session's users, a project's sessions...). */
export type ValueScope = Pick<SessionQuery, 'project' | 'sessionId' | 'meetingId'>;

/**
 * What the editors and the variable support need of the data source. They depend on this, not on
 * the class, which constructs them (no import circle).
 */
export interface ValueSource extends DataSourceApi<SessionQuery, SessionDataSourceOptions> {
  query(request: DataQueryRequest<SessionQuery>): Observable<DataQueryResponse>;
  listValues(kind: VariableKind, scope: ValueScope, range?: TimeRange): Promise<ValueOption[]>;
  variableNames(): string[];
}
