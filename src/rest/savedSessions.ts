import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import type { SessionDataSource } from '../datasource/datasource';
import { REST, type SavedSession } from '../model';

/**
 * Saved sessions (I9) through the data source's resource proxy: the Go backend forwards
 * `/api/v1/...` to the collector with the Grafana user's role, which decides who may write.
 */
function resourceUrl(ds: SessionDataSource, restPath: string): string {
  return `/api/datasources/uid/${ds.uid}/resources${restPath}`;
}

async function call<T>(
  ds: SessionDataSource,
  method: string,
  restPath: string,
  data?: unknown,
  params?: Record<string, string>
): Promise<T> {
  const res = await lastValueFrom(
    getBackendSrv().fetch<T>({
      method,
      url: resourceUrl(ds, restPath),
      data,
      params,
      showErrorAlert: false,
      headers: { 'X-Datasource-Uid': ds.uid },
    })
  );
  return res.data;
}

export async function listSaved(ds: SessionDataSource, project?: string): Promise<SavedSession[]> {
  const res = await call<{ saved: SavedSession[] }>(
    ds,
    'GET',
    REST.saved,
    undefined,
    project ? { project } : undefined
  );
  return res.saved;
}

export interface SavedFields {
  name: string;
  tags: string[];
}

/** Saves (or saves again, refreshing the kept data). The server checks name and tags. */
export function saveSession(
  ds: SessionDataSource,
  project: string,
  sessionId: string,
  fields: SavedFields
): Promise<SavedSession> {
  return call<SavedSession>(ds, 'PUT', REST.savedOne(project, sessionId), fields);
}

export function editSaved(
  ds: SessionDataSource,
  project: string,
  sessionId: string,
  fields: Partial<SavedFields>
): Promise<SavedSession> {
  return call<SavedSession>(ds, 'PATCH', REST.savedOne(project, sessionId), fields);
}

export function deleteSaved(ds: SessionDataSource, project: string, sessionId: string): Promise<unknown> {
  return call(ds, 'DELETE', REST.savedOne(project, sessionId));
}

export function deleteManySaved(
  ds: SessionDataSource,
  sessions: Array<{ project: string; sessionId: string }>
): Promise<unknown> {
  return call(ds, 'POST', REST.savedDelete, { sessions });
}
