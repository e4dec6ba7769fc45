import type { DataQuery } from '@grafana/schema';
import type { DataSourceJsonData } from '@grafana/data';
import type { SessionQueryModel } from '../model';

/** A saved query: Grafana's DataQuery plus the one shared query model. */
export interface SessionQuery extends DataQuery, Omit<SessionQueryModel, 'queryType'> {
  queryType?: SessionQueryModel['queryType'];
}

/** jsonData: read by the Go backend (pkg/plugin/settings.go). */
export interface SessionDataSourceOptions extends DataSourceJsonData {
  collectorUrl?: string;
  timeoutSeconds?: number;
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
