import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Limits, REST, ROLE_HEADER, USER_HEADER } from '@model';
import { forbidden, invalidBody, invalidField, notFound } from '../errors';
import { listProjects } from '../store/projects';
import { deleteSaved, editSaved, listSaved, saveSession, type SavedSessionInput } from '../store/savedSessions';
import { authenticate, readableProjects, type Principal } from './auth';
import { textParam } from './params';
import type { AppDeps } from './appDeps';

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
    throw forbidden(
      `this read token acts as a Viewer and cannot change saved sessions: use Grafana as an Editor or Admin, or an admin token (only the data source's own token may send ${ROLE_HEADER})`,
      'Authorization'
    );
  }
  const role = header(req, ROLE_HEADER);
  if (!role) {
    throw forbidden(
      `changing saved sessions needs the Grafana role Editor or Admin (${ROLE_HEADER}, sent by the data source) or an admin token`,
      ROLE_HEADER
    );
  }
  if (!WRITER_ROLES.includes(role)) {
    throw forbidden(`the Grafana role ${role} cannot change saved sessions: an Editor or Admin can`, ROLE_HEADER);
  }
  return header(req, USER_HEADER) ?? null;
}

function assertProject(granted: string[] | '*', project: string, field = 'project') {
  if (granted !== '*' && !granted.includes(project)) {
    throw forbidden(`project '${project}' is not granted to this token`, field);
  }
}

/** The path's project and session id, as long as ingest accepts them. */
function target(req: FastifyRequest<One>): { project: string; sessionId: string } {
  return { project: textParam(req.params, 'project') ?? '', sessionId: textParam(req.params, 'sessionId') ?? '' };
}

type One = { Params: { project: string; sessionId: string }; Body: SavedSessionInput | undefined };

/** I9 saved sessions: list, save / save again, edit, delete one or many. */
export function registerSavedRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  const { store } = deps;
  const one = '/api/v1/saved/:project/:sessionId';

  app.get(REST.saved, async (req) => {
    const granted = readableProjects(authenticate(tokens, req));
    const project = textParam(req.query, 'project');
    if (project) {
      assertProject(granted, project);
    }
    const projects = project ? [project] : granted === '*' ? await listProjects(store) : granted;
    return { saved: await listSaved(store, projects) };
  });

  app.put<One>(one, async (req, reply) => {
    const p = authenticate(tokens, req);
    const by = assertWriter(p, req);
    const { project, sessionId } = target(req);
    assertProject(readableProjects(p), project);
    const { created, saved } = await saveSession(store, project, sessionId, req.body ?? {}, by);
    return reply.code(created ? 201 : 200).send({ saved });
  });

  app.patch<One>(one, async (req) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    const { project, sessionId } = target(req);
    assertProject(readableProjects(p), project);
    return { saved: await editSaved(store, project, sessionId, req.body ?? {}) };
  });

  app.delete<One>(one, async (req) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    const { project, sessionId } = target(req);
    assertProject(readableProjects(p), project);
    const deleted = await deleteSaved(store, [{ project, sessionId }]);
    if (deleted.length === 0) {
      throw notFound(`session '${sessionId}' is not saved in project '${project}'`, 'sessionId');
    }
    return { deleted };
  });

  app.post<{ Body: { sessions?: unknown } | undefined }>(REST.savedDelete, async (req) => {
    const p = authenticate(tokens, req);
    assertWriter(p, req);
    const granted = readableProjects(p);
    const items = req.body?.sessions;
    if (!Array.isArray(items) || items.length === 0 || items.length > Limits.savedSessionsPerProject) {
      throw invalidBody(
        `body must be {"sessions": [{"project": ..., "sessionId": ...}, ...]} with 1 to ${Limits.savedSessionsPerProject} sessions`
      );
    }
    const id = (v: unknown) => typeof v === 'string' && v.length <= Limits.maxIdChars;
    const bad = items.findIndex((i) => !id(i?.project) || !id(i?.sessionId));
    if (bad >= 0) {
      throw invalidField(
        `sessions[${bad}]`,
        `sessions[${bad}] must have project and sessionId, text of at most ${Limits.maxIdChars} characters`
      );
    }
    const list = items as Array<{ project: string; sessionId: string }>;
    list.forEach((i, n) => assertProject(granted, i.project, `sessions[${n}].project`));
    return { deleted: await deleteSaved(store, list) };
  });
}
