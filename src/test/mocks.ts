import type { DataSourceInstanceSettings, DataSourcePluginMeta } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';
import { SessionDataSource } from '../datasource/datasource';
import type { SessionDataSourceOptions, SessionQuery } from '../datasource/types';

/** Instance settings as Grafana hands them to the data source. */
export function mockInstanceSettings(
  overrides: Partial<DataSourceInstanceSettings<SessionDataSourceOptions>> = {}
): DataSourceInstanceSettings<SessionDataSourceOptions> {
  return {
    id: 1,
    uid: 'sessiontelemetry',
    type: 'rtc-sessiontelemetry-datasource',
    name: 'Session Telemetry',
    access: 'proxy',
    readOnly: false,
    meta: { id: 'rtc-sessiontelemetry-datasource' } as DataSourcePluginMeta,
    jsonData: { collectorUrl: 'http://collector:8600' },
    ...overrides,
  };
}

/** A template service that knows a fixed set of variables. */
export function mockTemplateSrv(vars: Record<string, string>): TemplateSrv {
  return {
    getVariables: () => Object.keys(vars).map((name) => ({ name })),
    replace: (target?: string) => (target ?? '').replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a, b) => vars[a ?? b] ?? m),
    containsTemplate: (target?: string) => /\$/.test(target ?? ''),
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv;
}

export function mockDataSource(vars: Record<string, string> = {}): SessionDataSource {
  return new SessionDataSource(mockInstanceSettings(), mockTemplateSrv(vars));
}

export function mockQuery(overrides: Partial<SessionQuery> = {}): SessionQuery {
  return { refId: 'A', queryType: 'sessions', version: 1, ...overrides };
}
