import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, type StoredToken } from '../config/config';

export type Principal =
  { kind: 'ingest'; project: string; origins: string[] } | { kind: 'read'; projects: string[] } | { kind: 'admin' };

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
    table.set(
      t.sha256,
      t.kind === 'ingest'
        ? { kind: 'ingest', project: t.project, origins: t.origins ?? [] }
        : t.kind === 'read'
          ? { kind: 'read', projects: t.projects }
          : { kind: 'admin' }
    );
  }
  return table;
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
  throw new AuthError(403, 'an ingest token can only write telemetry; use a read token to query');
}

/** The one project a write goes to. */
export function writableProject(p: Principal, requested: string | undefined): string {
  if (p.kind === 'read') {
    throw new AuthError(403, 'a read token cannot ingest; use the project ingest token');
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
