import { defer, filter, map, of, Subject, takeUntil, throwIfEmpty, timer } from 'rxjs';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import type { DataFrameJSON } from '../../model';
import type { SessionQuery } from '../types';

/** What the fake Grafana server saw: the queries exactly as the data source sent them. */
export interface FakeBackend {
  sent: SessionQuery[];
}

/** A small fleet: one project, two sessions with their meetings, users and streams. */
export const FLEET: Record<string, Record<string, { meetings: string[]; users: string[]; streams: string[] }>> = {
  demo: {
    's-1': { meetings: ['m1', 'm2'], users: ['alice', 'bob'], streams: ['st-a', 'st-b'] },
    's-2': { meetings: ['m1'], users: ['carol'], streams: ['st-c'] },
  },
};

function textValue(values: string[], refId: string): DataFrameJSON {
  return {
    schema: {
      name: 'variables',
      refId,
      fields: [
        { name: 'text', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'value', type: 'string', typeInfo: { frame: 'string' } },
      ],
    },
    data: { values: [values.map((v) => `${v} (label)`), values] },
  };
}

/** The collector's answer to a variables query over FLEET (what the Go backend relays). */
export function listFleet(q: SessionQuery): string[] {
  const sessions = FLEET[q.project ?? 'demo'] ?? {};
  switch (q.variable) {
    case 'projects':
      return Object.keys(FLEET);
    case 'sessions':
      return Object.keys(sessions);
    case 'meetings':
    case 'users':
    case 'streams':
      return sessions[q.sessionId ?? '']?.[q.variable] ?? [];
    default:
      return [];
  }
}

type Answer = (q: SessionQuery) => DataFrameJSON[];

const defaultAnswer: Answer = (q) => [textValue(listFleet(q), q.refId)];

/** The HTTP answer of POST /api/ds/query: each query answered by `answer`. */
function respond(backend: FakeBackend, answer: Answer, req: BackendSrvRequest) {
  const queries = (req.data as { queries: SessionQuery[] }).queries;
  backend.sent.push(...queries);
  const results = Object.fromEntries(queries.map((q) => [q.refId, { status: 200, frames: answer(q) }]));
  return {
    data: { results },
    status: 200,
    ok: true,
    statusText: 'OK',
    headers: new Headers(),
    redirected: false,
    type: 'basic',
    url: req.url,
    config: req,
  };
}

/**
 * Installs a Grafana server stand-in behind `getBackendSrv()`: `POST /api/ds/query` answers each
 * query with `answer` (variables queries over FLEET by default). Everything above the HTTP call
 * (template variables, migration, frame decoding) is the real data source and SDK code.
 */
export function installFakeBackend(answer: Answer = defaultAnswer): FakeBackend {
  const backend: FakeBackend = { sent: [] };
  const fetch = (req: BackendSrvRequest) => of(respond(backend, answer, req));
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return backend;
}

/**
 * Like installFakeBackend, with answers arriving after `latencyMs` and Grafana's rule for
 * requests in flight (public/app/core/services/backend_srv.ts: internalFetch publishes each
 * request's requestId, and handleStreamCancellation cancels a request still in flight when
 * another starts with the same requestId, failing it with "Request was aborted").
 */
export function installSlowBackend(latencyMs: number, answer: Answer = defaultAnswer): FakeBackend {
  const backend: FakeBackend = { sent: [] };
  const inFlight = new Subject<string>();
  const fetch = (req: BackendSrvRequest) =>
    defer(() => {
      if (req.requestId) {
        inFlight.next(req.requestId);
      }
      return timer(latencyMs).pipe(
        map(() => respond(backend, answer, req)),
        takeUntil(inFlight.pipe(filter((id) => id === req.requestId))),
        throwIfEmpty(() => ({ cancelled: true, status: -1, statusText: 'Request was aborted', data: null }))
      );
    });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return backend;
}
