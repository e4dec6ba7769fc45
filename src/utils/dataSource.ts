import { getDataSourceSrv } from '@grafana/runtime';
import { DATASOURCE_TYPE } from '../constants';
import type { SessionDataSource } from '../datasource/datasource';

/** Finds the Session Telemetry data source (the default one if several). */
// getDataSourceSrv's replacements live in @grafana/runtime/unstable, absent from Grafana 12.3 (our minimum).
/* eslint-disable @typescript-eslint/no-deprecated */
export async function findDataSource(): Promise<SessionDataSource | undefined> {
  const list = getDataSourceSrv().getList({ type: DATASOURCE_TYPE });
  const chosen = list.find((d) => d.isDefault) ?? list[0];
  return chosen ? ((await getDataSourceSrv().get(chosen.uid)) as unknown as SessionDataSource) : undefined;
}
/* eslint-enable @typescript-eslint/no-deprecated */

/** The message a user can act on, from a backendSrv error, a query error or anything thrown. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { error?: string; message?: string }; message?: string };
    return e.data?.error ?? e.data?.message ?? e.message ?? 'Unknown error';
  }
  return String(err);
}
