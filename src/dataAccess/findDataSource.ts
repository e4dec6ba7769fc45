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
