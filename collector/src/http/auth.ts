import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, type StoredToken } from '../config/config';

export type Principal =
  | { kind: 'ingest'; project: string; origins: string[] }
  | { kind: 'read'; projects: string[]; grafanaBackend: boolean }
  | { kind: 'alert'; projects: string[] }
  | { kind: 'admin' };

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string
  ) {
    super(message);
  }
}

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
    throw new AuthError(401, "missing bearer token: send 'Authorization: Bearer <token>'");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new AuthError(401, "malformed Authorization header: expected 'Bearer <token>'");
  }
  const principal = table.get(hashToken(match[1]));
  if (!principal) {
    throw new AuthError(401, 'token refused: it is not one of the tokens this collector was configured with');
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
    throw new AuthError(403, 'an alert token can only save sessions from Grafana alert notifications');
  }
  throw new AuthError(403, 'an ingest token can only write telemetry; use a read token to query');
}

/** Projects whose sessions Grafana's alert webhook may save (B6): an alert token's, or '*' for admin. */
export function alertProjects(p: Principal): string[] | '*' {
  if (p.kind === 'admin') {
    return '*';
  }
  if (p.kind === 'alert') {
    return p.projects;
  }
  throw new AuthError(403, 'saving sessions from alerts needs an alert token (kind "alert") or an admin token');
}

/** The one project a write goes to. */
export function writableProject(p: Principal, requested: string | undefined): string {
  if (p.kind === 'read' || p.kind === 'alert') {
    throw new AuthError(403, `a ${p.kind} token cannot ingest; use the project ingest token`);
  }
  if (p.kind === 'admin') {
    if (!requested) {
      throw new AuthError(403, 'an admin token must name the project to ingest into with ?project=');
    }
    return requested;
  }
  if (requested && requested !== p.project) {
    throw new AuthError(403, `this ingest token writes to project '${p.project}', not '${requested}'`);
  }
  return p.project;
}

export function sendAuthError(reply: FastifyReply, err: AuthError) {
  return reply.code(err.status).send({ error: err.message });
}
