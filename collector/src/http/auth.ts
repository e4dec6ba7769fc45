import type { FastifyRequest } from 'fastify';
import { hashToken, type StoredToken } from '../config/config';
import { forbidden, unauthenticated } from '../errors';

export type Principal =
  | { kind: 'ingest'; project: string; origins: string[] }
  | { kind: 'read'; projects: string[]; grafanaBackend: boolean }
  | { kind: 'alert'; projects: string[] }
  | { kind: 'admin' };

/** Principals by token digest: a presented token is hashed and its digest looked up. */
export function tokenTable(tokens: StoredToken[]): Map<string, Principal> {
  const table = new Map<string, Principal>();
  for (const t of tokens) {
    table.set(t.sha256, principalOf(t));
  }
  return table;
}

function principalOf(t: StoredToken): Principal {
  switch (t.kind) {
    case 'ingest':
      return { kind: 'ingest', project: t.project, origins: t.origins ?? [] };
    case 'read':
      return { kind: 'read', projects: t.projects, grafanaBackend: t.grafanaBackend === true };
    case 'alert':
      return { kind: 'alert', projects: t.projects };
    case 'admin':
      return { kind: 'admin' };
  }
}

export function authenticate(table: Map<string, Principal>, req: FastifyRequest): Principal {
  const header = req.headers.authorization;
  if (!header) {
    throw unauthenticated("missing bearer token: send 'Authorization: Bearer <token>'");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw unauthenticated("malformed Authorization header: expected 'Bearer <token>'");
  }
  const principal = table.get(hashToken(match[1]));
  if (!principal) {
    throw unauthenticated('token refused: it is not one of the tokens this collector was configured with');
  }
  return principal;
}

/** Projects a principal may read: a list, or '*' for admin. */
export function readableProjects(p: Principal): string[] | '*' {
  if (p.kind === 'admin') {
    return '*';
  }
  if (p.kind === 'read') {
    return p.projects;
  }
  if (p.kind === 'alert') {
    throw forbidden('an alert token can only save sessions from Grafana alert notifications', 'Authorization');
  }
  throw forbidden('an ingest token can only write telemetry; use a read token to query', 'Authorization');
}

/** Projects whose sessions Grafana's alert webhook may save (B6): an alert token's, or '*' for admin. */
export function alertProjects(p: Principal): string[] | '*' {
  if (p.kind === 'admin') {
    return '*';
  }
  if (p.kind === 'alert') {
    return p.projects;
  }
  throw forbidden('saving sessions from alerts needs an alert token (kind "alert") or an admin token', 'Authorization');
}

/** The one project a write goes to. */
export function writableProject(p: Principal, requested: string | undefined): string {
  if (p.kind === 'read' || p.kind === 'alert') {
    throw forbidden(`a ${p.kind} token cannot ingest; use the project ingest token`, 'Authorization');
  }
  if (p.kind === 'admin') {
    if (!requested) {
      throw forbidden('an admin token must name the project to ingest into with ?project=', 'project');
    }
    return requested;
  }
  if (requested && requested !== p.project) {
    throw forbidden(`this ingest token writes to project '${p.project}', not '${requested}'`, 'project');
  }
  return p.project;
}
