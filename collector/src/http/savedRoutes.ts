import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REST, ROLE_HEADER, USER_HEADER } from '@model';
import { listProjects } from '../query/context';
import {
  deleteSaved,
  editSaved,
  listSaved,
  saveSession,
  SavedSessionError,
  type SavedSessionInput,
} from '../store/savedSessions';
import { AuthError, authenticate, readableProjects, type Principal } from './auth';
import type { AppDeps } from './server';

const WRITER_ROLES = ['Editor', 'Admin'];

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Who may change saved sessions: an admin token, or the Grafana data source's own read token
 * (`grafanaBackend`) acting for an Editor or Admin: the Go backend forwards the user's role.
 * Any other read token is a Viewer whatever headers it sends, since its holder could write them.
 */
function assertWriter(p: Principal, req: FastifyRequest): string | null {
  if (p.kind === 'admin') {
    return header(req, USER_HEADER) ?? 'admin token';
  }
  readableProjects(p);
  if (p.kind !== 'read' || !p.grafanaBackend) {
    throw new AuthError(
      403,
      `this read token acts as a Viewer and cannot change saved sessions: use Grafana as an Editor or Admin, or an admin token (only the data source's own token may send ${ROLE_HEADER})`
    );
  }
  const role = header(req, ROLE_HEADER);
  if (!role) {
    throw new AuthError(
      403,
      `changing saved sessions needs the Grafana role Editor or Admin (${ROLE_HEADER}, sent by the data source) or an admin token`
    );
  }
  if (!WRITER_ROLES.includes(role)) {
    throw new AuthError(403, `the Grafana role ${role} cannot change saved sessions: an Editor or Admin can`);
  }
  return header(req, USER_HEADER) ?? null;
}

function assertProject(granted: string[] | '*', project: string) {
  if (granted !== '*' && !granted.includes(project)) {
    throw new AuthError(403, `project '${project}' is not granted to this token`);
  }
}

function sendSavedError(reply: FastifyReply, err: unknown) {
  if (err instanceof SavedSessionError) {
    return reply.code(err.status).send({ error: err.message });
  }
  throw err;
}

type One = { Params: { project: string; sessionId: string }; Body: SavedSessionInput | undefined };

/** I9 saved sessions: list, save / save again, edit, delete one or many. */
export function registerSavedRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  const { store } = deps;
  const one = '/api/v1/saved/:project/:sessionId';

  app.get<{ Querystring: { project?: string } }>(REST.saved, async (req) => {
    const granted = readableProjects(authenticate(tokens, req));
    if (req.query.project) {
      assertProject(granted, req.query.project);
    }
    const projects = req.query.project ? [req.query.project] : granted === '*' ? await listProjects(store) : granted;
    return { saved: await listSaved(store, projects) };
  });

  app.put<One>(one, async (req, reply) => {
    const p = authenticate(tokens, req);
    const by = assertWriter(p, req);
    assertProject(readableProjects(p), req.params.project);
    try {
      const { created, saved } = await saveSession(store, req.params.project, req.params.sessionId, req.body ?? {}, by);
      return reply.code(created ? 201 : 200).send({ saved });
    } catch (err) {
      return sendSavedError(reply, err);
    }
  });

  app.patch<One>(one, async (req, reply) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    assertProject(readableProjects(p), req.params.project);
    try {
      return { saved: await editSaved(store, req.params.project, req.params.sessionId, req.body ?? {}) };
    } catch (err) {
      return sendSavedError(reply, err);
    }
  });

  app.delete<One>(one, async (req, reply) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    assertProject(readableProjects(p), req.params.project);
    const deleted = await deleteSaved(store, [{ project: req.params.project, sessionId: req.params.sessionId }]);
    if (deleted.length === 0) {
      return reply
        .code(404)
        .send({ error: `session '${req.params.sessionId}' is not saved in project '${req.params.project}'` });
    }
    return { deleted };
  });

  app.post<{ Body: { sessions?: unknown } | undefined }>(REST.savedDelete, async (req, reply) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    const granted = readableProjects(p);
    const items = req.body?.sessions;
    if (!Array.isArray(items) || items.length === 0) {
      return reply.code(400).send({
        error: 'body must be {"sessions": [{"project": ..., "sessionId": ...}, ...]} with at least one session',
      });
    }
    const bad = items.findIndex((i) => typeof i?.project !== 'string' || typeof i?.sessionId !== 'string');
    if (bad >= 0) {
      return reply.code(400).send({ error: `sessions[${bad}] must have string project and sessionId` });
    }
    const list = items as Array<{ project: string; sessionId: string }>;
    list.forEach((i) => assertProject(granted, i.project));
    return { deleted: await deleteSaved(store, list) };
  });
}
