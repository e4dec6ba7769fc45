import { lastValueFrom, Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/** The Grafana role the harness server forwards to the collector (tests switch it). */
export const ROLE_STORAGE_KEY = 'harness.role';

function urlOf(options: BackendSrvRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((options.params ?? {}) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) {
      params.set(k, String(v));
    }
  }
  const qs = params.toString();
  return qs ? `${options.url}${options.url.includes('?') ? '&' : '?'}${qs}` : options.url;
}

async function send<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
  headers['X-Harness-Role'] = localStorage.getItem(ROLE_STORAGE_KEY) ?? 'Editor';
  let body: string | undefined;
  if (options.data !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.data);
  }
  const res = await fetch(urlOf(options), { method: options.method ?? 'GET', headers, body });
  const text = await res.text();
  const data = (text ? JSON.parse(text) : null) as T;
  if (!res.ok) {
    // Shaped like Grafana's FetchError, which is what callers inspect.
    const err: FetchError = { status: res.status, statusText: res.statusText, data, config: options };
    throw err;
  }
  return {
    data,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    redirected: res.redirected,
    type: res.type,
    url: res.url,
    config: options,
  };
}

/** Grafana's backendSrv over window.fetch: the harness server plays Grafana's HTTP API. */
export function harnessBackendSrv(): BackendSrv {
  const fetchObs = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((sub) => {
      send<T>(options).then(
        (r) => {
          sub.next(r);
          sub.complete();
        },
        (e) => sub.error(e)
      );
    });
  const call = async <T>(method: string, url: string, data?: unknown, params?: Record<string, unknown>): Promise<T> =>
    (await lastValueFrom(fetchObs<T>({ method, url, data, params }))).data;
  const srv: Partial<BackendSrv> = {
    fetch: fetchObs,
    get: (url, params) => call('GET', url, undefined, params),
    post: (url, data) => call('POST', url, data),
    put: (url, data) => call('PUT', url, data),
    patch: (url, data) => call('PATCH', url, data),
    delete: (url, data) => call('DELETE', url, data),
    request: async (options) => (await lastValueFrom(fetchObs(options))).data as never,
    datasourceRequest: (options) => lastValueFrom(fetchObs(options)),
  };
  return srv as BackendSrv;
}
